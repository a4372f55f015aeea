"""Scores of the model on the held-out labeled tiles, at the threshold they calibrate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..inference import predict_probability
from ..io.raster import Window
from ..labels import IGNORE, ROAD
from ..metrics import pixel_scores, relaxed_scores
from ..threshold import DEFAULT_THRESHOLD, ThresholdChoice, calibrate_threshold
from .holdout import HoldoutTile

if TYPE_CHECKING:
    from ..config import TrainConfig
    from .inputs import TrainingData

__all__ = ["predict_tile", "mosaic", "holdout_probabilities", "holdout_scores",
           "HoldoutEvaluation", "evaluate_holdout", "round_verdict"]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]

#: Relaxed scores use a tolerance of this many pixels (Mnih and Hinton's rho).
RHO_PX = 3


def predict_tile(model: torch.nn.Module, read: Reader, source: int, window: Window, *,
                 tile_px: int, device: torch.device, amp: bool = True) -> np.ndarray:
    """Predict a window with a context margin around it, so its edges see their neighbours.

    Returns
    -------
    ndarray of float32, shape (window.rows, window.cols)
    """
    margin = tile_px // 4
    ctx = Window(window.row_off - margin, window.col_off - margin,
                 window.rows + 2 * margin, window.cols + 2 * margin)
    image, _ = read(source, ctx)
    prob = predict_probability(model, image, tile_px=tile_px, device=device, amp=amp)
    return prob[margin:margin + window.rows, margin:margin + window.cols]


def mosaic(arrays: list[np.ndarray], gap: int, fill: float | int | bool) -> np.ndarray:
    """Place 2-D arrays side by side, separated by ``gap`` columns of ``fill``."""
    rows = max(a.shape[0] for a in arrays)
    cols = sum(a.shape[1] for a in arrays) + gap * (len(arrays) - 1)
    out = np.full((rows, cols), fill, dtype=arrays[0].dtype)
    c = 0
    for a in arrays:
        out[:a.shape[0], c:c + a.shape[1]] = a
        c += a.shape[1] + gap
    return out


def holdout_probabilities(model: torch.nn.Module, read: Reader, holdout: list[HoldoutTile], *,
                          tile_px: int, device: torch.device, amp: bool = True
                          ) -> list[np.ndarray]:
    """The model's road probability on every hold-out tile, float32 of each tile's shape."""
    was_training = model.training
    model.eval()
    try:
        return [predict_tile(model, read, t.source, t.window, tile_px=tile_px, device=device,
                             amp=amp) for t in holdout]
    finally:
        model.train(was_training)


@dataclass(frozen=True)
class HoldoutEvaluation:
    """The hold-out's verdict on a model: its threshold and its scores there."""

    threshold: ThresholdChoice  # chosen on the hold-out by the configured rule
    metrics: dict[str, float]  # scores at ``threshold.value``
    metrics_at_default: dict[str, float]  # scores at 0.5, to show what calibration changed
    probabilities: list[np.ndarray]  # per hold-out tile, float32 of the tile's shape


def _mosaics(probs: list[np.ndarray], holdout: list[HoldoutTile]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tiles side by side with gaps wider than the relaxed tolerance: prob, truth, valid.

    The gaps keep the relaxed scores from matching pixels across two tiles.
    """
    gap = 2 * RHO_PX + 2
    return (mosaic(probs, gap, 0.0), mosaic([t.labels == ROAD for t in holdout], gap, False),
            mosaic([t.labels != IGNORE for t in holdout], gap, False))


def _scores(prob: np.ndarray, truth: np.ndarray, valid: np.ndarray,
            threshold: float) -> dict[str, float]:
    pred = prob >= threshold
    px = pixel_scores(pred, truth, valid=valid)
    rx = relaxed_scores(pred, truth, rho_px=RHO_PX, valid=valid)
    return {**px.to_dict(), "relaxed_precision": rx.precision, "relaxed_recall": rx.recall,
            "relaxed_f1": rx.f1}


def holdout_scores(model: torch.nn.Module, read: Reader, holdout: list[HoldoutTile], *,
                   tile_px: int, device: torch.device, amp: bool = True,
                   threshold: float = DEFAULT_THRESHOLD) -> dict[str, float]:
    """Pixel and relaxed scores of the model on every hold-out tile, pooled, at ``threshold``.

    Returns
    -------
    dict
        precision, recall, f1, iou, relaxed_precision, relaxed_recall, relaxed_f1.
    """
    probs = holdout_probabilities(model, read, holdout, tile_px=tile_px, device=device, amp=amp)
    return _scores(*_mosaics(probs, holdout), threshold)


def evaluate_holdout(model: torch.nn.Module, read: Reader, holdout: list[HoldoutTile], *,
                     tile_px: int, device: torch.device, rule: str,
                     tolerance: float, amp: bool = True) -> HoldoutEvaluation:
    """Predict the hold-out once, choose the decision threshold there, and score at it.

    The threshold and the scores come from the same pixels, so the scores are a little
    optimistic as estimates for new imagery; they rank rounds fairly, since every round
    is judged alike.

    Parameters
    ----------
    model : torch.nn.Module
    read : callable (source, Window) -> (image, valid)
    holdout : list of HoldoutTile
    tile_px : int
        Window of the sliding prediction.
    device : torch.device
    rule : str
        ``"f1"``, ``"relaxed_f1"`` or ``"fixed"`` (:func:`engine.threshold.calibrate_threshold`).
    tolerance : float
        Width of the plateau of near-best scores whose middle is chosen.
    amp : bool
    """
    probs = holdout_probabilities(model, read, holdout, tile_px=tile_px, device=device, amp=amp)
    prob, truth, valid = _mosaics(probs, holdout)
    choice = calibrate_threshold(prob, truth, valid, rule=rule, rho_px=RHO_PX,
                                 tolerance=tolerance)
    return HoldoutEvaluation(choice, _scores(prob, truth, valid, choice.value),
                             _scores(prob, truth, valid, DEFAULT_THRESHOLD), probs)


def round_verdict(model: torch.nn.Module, data: TrainingData, config: TrainConfig,
                  device: torch.device) -> dict[str, Any]:
    """A round's threshold and scores on the hold-out, as plain data (sent to every process).

    Without a hold-out (labels too few to hold any out), the threshold is calibrated on
    the training labels (``data.fit_tiles``) and the round has no validation score: the
    scores there are returned as ``training_fit``, how well the model fits the labels it
    was trained on, not how well it does elsewhere.

    Returns
    -------
    dict
        ``metrics`` (at the chosen threshold; empty without a hold-out), ``threshold``
        (:meth:`engine.threshold.ThresholdChoice.to_dict` with ``source``: ``"hold-out"``,
        ``"training labels"``, or ``"fixed"`` for ``threshold_rule = "fixed"``),
        ``metrics_at_default`` (at 0.5; empty without a hold-out) and, without a hold-out
        only, ``training_fit`` (the scores on the training labels at the threshold).
    """
    tiles = data.holdout or data.fit_tiles
    found = evaluate_holdout(model, data.read, tiles, tile_px=config.predict_tile_px,
                             device=device, rule=config.threshold_rule,
                             tolerance=config.threshold_tolerance,
                             amp=config.mixed_precision)
    source = ("fixed" if config.threshold_rule == "fixed"
              else "hold-out" if data.holdout else "training labels")
    threshold = {**found.threshold.to_dict(), "source": source}
    if data.holdout:
        return {"metrics": found.metrics, "threshold": threshold,
                "metrics_at_default": found.metrics_at_default}
    return {"metrics": {}, "threshold": threshold, "metrics_at_default": {},
            "training_fit": found.metrics}
