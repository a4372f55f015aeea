"""The decision threshold: chosen on held-out labels, stored in the model and its outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from .errors import BadInputError

__all__ = ["DEFAULT_THRESHOLD", "THRESHOLD_RULES", "THRESHOLD_TAG", "ThresholdChoice",
           "CANDIDATES", "calibrate_threshold", "model_threshold", "raster_threshold",
           "resolve_threshold"]

#: The threshold of a model without a calibrated one (trained before calibration existed,
#: or with ``threshold_rule = "fixed"``).
DEFAULT_THRESHOLD = 0.5
THRESHOLD_RULES = ("f1", "relaxed_f1", "fixed")
#: Metadata item of a probability raster that records its model's decision threshold.
THRESHOLD_TAG = "ROAD_DECISION_THRESHOLD"
#: Thresholds tried, every 0.01 from 0.05 to 0.95.
CANDIDATES = np.round(np.arange(0.05, 0.951, 0.01), 2)


@dataclass(frozen=True)
class ThresholdChoice:
    """A decision threshold and how it was chosen."""

    value: float  # p >= value is road
    rule: str  # "f1", "relaxed_f1" or "fixed"
    score: float  # the rule's score at ``value`` on the pixels it was chosen on (NaN: none)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{"value", "rule", "score"}``."""
        return {"value": self.value, "rule": self.rule, "score": self.score}


def _f1(tp: np.ndarray, n_pred: np.ndarray, n_true: float,
        tp_true: np.ndarray | None = None) -> np.ndarray:
    """F1 per threshold from counts; ``tp_true`` is the recall numerator when it differs."""
    tp_true = tp if tp_true is None else tp_true
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(n_pred > 0, tp / np.maximum(n_pred, 1), 0.0)
        recall = tp_true / n_true if n_true > 0 else np.zeros_like(tp, dtype=float)
        return np.where(precision + recall > 0,
                        2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)


def _at_or_above(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """How many of ``values`` are >= each candidate."""
    ordered = np.sort(values)
    return len(ordered) - np.searchsorted(ordered, candidates, side="left")


def _disk(radius: float) -> np.ndarray:
    r = int(np.floor(radius))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return yy ** 2 + xx ** 2 <= radius ** 2


def calibrate_threshold(prob: np.ndarray, truth: np.ndarray, valid: np.ndarray, *,
                        rule: str = "f1", rho_px: float = 3.0, tolerance: float = 0.02,
                        candidates: np.ndarray = CANDIDATES) -> ThresholdChoice:
    """The threshold where the held-out labels say the road map is best.

    A model trained on road-centred crops may be biased towards road, so that 0.5
    over-predicts. Of the candidate thresholds, those whose score is within
    ``tolerance`` of the best form a plateau, and its middle (the median candidate) is
    chosen: the score curve is often flat, and its single best point on a few thousand
    held-out pixels moves far with noise.

    Parameters
    ----------
    prob : ndarray of float, shape (H, W)
        Road probability.
    truth : ndarray of bool, shape (H, W)
        True road.
    valid : ndarray of bool, shape (H, W)
        Labeled pixels (road or background); the others do not count.
    rule : str
        ``"f1"``: pixel F1 (the same threshold as the best IoU, IoU = F1 / (2 - F1));
        ``"relaxed_f1"``: F1 where a hit within ``rho_px`` pixels counts (Mnih and
        Hinton), kinder to labels that are a pixel or two off; ``"fixed"``: 0.5.
    rho_px : float
        Tolerance of ``relaxed_f1``, >= 0.
    tolerance : float
        Score below the best that still counts as the plateau, in [0, 1).
    candidates : ndarray of float
        Thresholds tried, in (0, 1], ascending.

    Returns
    -------
    ThresholdChoice
        :data:`DEFAULT_THRESHOLD` with score NaN when no labeled pixel is road (nothing
        to judge by).
    """
    if rule not in THRESHOLD_RULES:
        raise BadInputError(f"rule={rule!r} is invalid: one of {', '.join(THRESHOLD_RULES)}")
    if not (prob.shape == truth.shape == valid.shape) or prob.ndim != 2:
        raise BadInputError(f"prob {prob.shape}, truth {truth.shape} and valid {valid.shape} "
                            "must be 2-D arrays of one shape")
    if rho_px < 0:
        raise BadInputError(f"rho_px={rho_px!r} is invalid: a tolerance in pixels >= 0")
    if not 0.0 <= tolerance < 1.0:
        raise BadInputError(f"tolerance={tolerance!r} is invalid: a score difference in [0, 1)")
    truth = truth.astype(bool) & valid
    if rule == "fixed" or not truth.any():
        return ThresholdChoice(DEFAULT_THRESHOLD, rule, float("nan"))
    candidates = np.asarray(candidates, dtype=float)
    n_pred = _at_or_above(prob[valid], candidates).astype(float)
    if rule == "f1":
        tp = _at_or_above(prob[truth], candidates).astype(float)
        scores = _f1(tp, n_pred, float(truth.sum()))
    else:
        near_truth = ndimage.binary_dilation(truth, structure=_disk(rho_px)) & valid
        tp_pred = _at_or_above(prob[near_truth], candidates).astype(float)
        # A true pixel is found at t when some valid pixel within rho has p >= t.
        reach = ndimage.maximum_filter(np.where(valid, prob, -1.0), footprint=_disk(rho_px))
        tp_true = _at_or_above(reach[truth], candidates).astype(float)
        scores = _f1(tp_pred, n_pred, float(truth.sum()), tp_true)
    # The middle of the thresholds that score within ``tolerance`` of the best: on a small
    # hold-out the single best threshold is noisy (bench/RESULTS.md), the plateau is not.
    near = np.flatnonzero(scores >= scores.max() - tolerance)
    i = near[len(near) // 2]
    return ThresholdChoice(float(candidates[i]), rule, float(scores[i]))


def model_threshold(meta: dict[str, Any]) -> float:
    """The decision threshold stored in a model's metadata, else :data:`DEFAULT_THRESHOLD`."""
    stored = meta.get("decision_threshold")
    value = _valid(stored.get("value")) if isinstance(stored, dict) else None
    return DEFAULT_THRESHOLD if value is None else value


def _valid(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0.0 < number <= 1.0 else None


def raster_threshold(path: str) -> float | None:
    """The decision threshold ``predict`` recorded in a probability raster, or None.

    None for a raster without the record (a mask, a probability from elsewhere, a vector
    file, or a file GDAL cannot open: the caller's reader reports that).
    """
    from osgeo import gdal

    try:
        ds = gdal.OpenEx(path, gdal.OF_RASTER)
    except RuntimeError:
        return None
    if ds is None:
        return None
    return _valid(ds.GetMetadataItem(THRESHOLD_TAG))


def resolve_threshold(given: float | None, *, model_meta: dict[str, Any] | None = None,
                      probability_path: str | None = None) -> float:
    """The threshold to use: the user's, else the model's, else the raster's, else 0.5."""
    if given is not None:
        return given
    if model_meta is not None:
        return model_threshold(model_meta)
    if probability_path is not None:
        recorded = raster_threshold(probability_path)
        if recorded is not None:
            return recorded
    return DEFAULT_THRESHOLD
