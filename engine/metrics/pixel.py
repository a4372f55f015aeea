"""Pixel and relaxed (within rho pixels) precision, recall, F1 and IoU."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import ndimage

from ..errors import BadInputError

__all__ = ["PixelScores", "PixelCounts", "pixel_scores", "relaxed_scores", "count_pixels"]


@dataclass(frozen=True)
class PixelScores:
    """Scores of a binary road prediction; NaN where a ratio is undefined (0 / 0)."""

    precision: float
    recall: float
    f1: float
    iou: float

    def to_dict(self) -> dict[str, float]:
        """Return the scores as a plain dict."""
        return asdict(self)


@dataclass
class PixelCounts:
    """Pixel counts that add up over blocks, and the scores they give."""

    tp: int = 0  # predicted road on true road
    fp: int = 0  # predicted road elsewhere
    fn: int = 0  # true road not predicted
    relaxed_pred_hits: int = 0  # predicted road within rho of true road
    relaxed_truth_hits: int = 0  # true road within rho of predicted road
    pred: int = 0  # predicted road
    truth: int = 0  # true road

    def add(self, other: PixelCounts) -> None:
        """Add another block's counts to these."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def scores(self) -> PixelScores:
        """Pixel precision, recall, F1 and IoU."""
        tp, fp, fn = float(self.tp), float(self.fp), float(self.fn)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        return PixelScores(precision, recall, _f1(precision, recall), _ratio(tp, tp + fp + fn))

    def relaxed(self) -> PixelScores:
        """Relaxed precision, recall, F1 and IoU (see :func:`relaxed_scores`)."""
        precision = _ratio(float(self.relaxed_pred_hits), float(self.pred))
        recall = _ratio(float(self.relaxed_truth_hits), float(self.truth))
        iou = _ratio(float(self.relaxed_truth_hits),
                     float(self.truth + self.pred - self.relaxed_pred_hits))
        return PixelScores(precision, recall, _f1(precision, recall), iou)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def _f1(p: float, r: float) -> float:
    if np.isnan(p) or np.isnan(r) or p + r == 0:
        return float("nan") if np.isnan(p) or np.isnan(r) else 0.0
    return 2 * p * r / (p + r)


def _check_masks(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    if pred.shape != truth.shape or pred.ndim != 2:
        raise BadInputError(f"prediction {pred.shape} and truth {truth.shape} must be 2-D "
                            "arrays of the same shape")
    if valid is None:
        return np.ones(pred.shape, dtype=bool)
    if valid.shape != pred.shape:
        raise BadInputError(f"valid mask {valid.shape} must match prediction {pred.shape}")
    return valid.astype(bool)


def count_pixels(pred: np.ndarray, truth: np.ndarray, *, rho_px: float,
                 valid: np.ndarray | None = None,
                 core: tuple[slice, slice] | None = None) -> PixelCounts:
    """Pixel and relaxed counts over the ``core`` of the arrays (all of them when None).

    The relaxed neighbourhoods are found over the whole arrays, so a block read with a
    margin of at least ``rho_px`` pixels counts its core exactly as the whole raster would.

    Parameters
    ----------
    pred, truth : ndarray of bool, shape (H, W)
        Predicted and true road masks.
    rho_px : float
        Relaxed tolerance in pixels, >= 0.
    valid : ndarray of bool, shape (H, W), optional
        Pixels that count; all when omitted.
    core : (slice, slice), optional
        The pixels to count.
    """
    if rho_px < 0:
        raise BadInputError(f"rho_px must be >= 0, got {rho_px}")
    valid = _check_masks(pred, truth, valid)
    p, t = pred.astype(bool) & valid, truth.astype(bool) & valid
    near_truth, near_pred = _within(t, rho_px), _within(p, rho_px)
    core = core or (slice(None), slice(None))
    p, t, near_truth, near_pred = p[core], t[core], near_truth[core], near_pred[core]
    return PixelCounts(
        tp=int(np.count_nonzero(p & t)), fp=int(np.count_nonzero(p & ~t)),
        fn=int(np.count_nonzero(~p & t)),
        relaxed_pred_hits=int(np.count_nonzero(p & near_truth)),
        relaxed_truth_hits=int(np.count_nonzero(t & near_pred)),
        pred=int(np.count_nonzero(p)), truth=int(np.count_nonzero(t)))


def pixel_scores(pred: np.ndarray, truth: np.ndarray, *,
                 valid: np.ndarray | None = None) -> PixelScores:
    """Pixel precision, recall, F1 and IoU of road pixels.

    Parameters
    ----------
    pred, truth : ndarray of bool, shape (H, W)
        Predicted and true road masks.
    valid : ndarray of bool, shape (H, W), optional
        Pixels that count (labeled, not nodata); all when omitted.
    """
    valid = _check_masks(pred, truth, valid)
    p, t = pred.astype(bool) & valid, truth.astype(bool) & valid
    tp = float(np.count_nonzero(p & t))
    fp = float(np.count_nonzero(p & ~t))
    fn = float(np.count_nonzero(~p & t))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return PixelScores(precision, recall, _f1(precision, recall), _ratio(tp, tp + fp + fn))


def relaxed_scores(pred: np.ndarray, truth: np.ndarray, *, rho_px: float = 3.0,
                   valid: np.ndarray | None = None) -> PixelScores:
    """Relaxed precision / recall / F1 (Mnih and Hinton): hits within ``rho_px`` pixels.

    A predicted road pixel is correct when a true road pixel lies within ``rho_px``
    (Euclidean); a true road pixel is found when a predicted one lies within ``rho_px``.
    The returned ``iou`` is the relaxed analogue TP / (TP + FP + FN) with those counts.

    Parameters
    ----------
    pred, truth : ndarray of bool, shape (H, W)
        Predicted and true road masks.
    rho_px : float
        Tolerance in pixels, >= 0.
    valid : ndarray of bool, shape (H, W), optional
        Pixels that count.
    """
    if rho_px < 0:
        raise BadInputError(f"rho_px must be >= 0, got {rho_px}")
    valid = _check_masks(pred, truth, valid)
    p, t = pred.astype(bool) & valid, truth.astype(bool) & valid
    near_truth = _within(t, rho_px)
    near_pred = _within(p, rho_px)
    tp_p = float(np.count_nonzero(p & near_truth))
    tp_t = float(np.count_nonzero(t & near_pred))
    n_p, n_t = float(np.count_nonzero(p)), float(np.count_nonzero(t))
    precision, recall = _ratio(tp_p, n_p), _ratio(tp_t, n_t)
    iou = _ratio(tp_t, n_t + (n_p - tp_p))
    return PixelScores(precision, recall, _f1(precision, recall), iou)


def _within(mask: np.ndarray, rho_px: float) -> np.ndarray:
    """Pixels whose distance to the nearest True pixel of ``mask`` is <= rho_px."""
    if not mask.any():
        return np.zeros_like(mask)
    return ndimage.distance_transform_edt(~mask) <= rho_px
