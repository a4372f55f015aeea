"""Scores of the model on the held-out labeled tiles."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..inference import predict_probability
from ..io.raster import Window
from ..labels import IGNORE, ROAD
from ..metrics import pixel_scores, relaxed_scores
from .holdout import HoldoutTile

__all__ = ["predict_tile", "mosaic", "holdout_probabilities", "holdout_scores"]

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


def holdout_scores(model: torch.nn.Module, read: Reader, holdout: list[HoldoutTile], *,
                   tile_px: int, device: torch.device, amp: bool = True) -> dict[str, float]:
    """Pixel and relaxed scores of the model on every hold-out tile, pooled.

    Tiles are laid side by side with gaps wider than the relaxed tolerance, so the
    relaxed scores never match pixels across two tiles.

    Returns
    -------
    dict
        precision, recall, f1, iou, relaxed_precision, relaxed_recall, relaxed_f1.
    """
    preds = [p >= 0.5 for p in holdout_probabilities(model, read, holdout, tile_px=tile_px,
                                                      device=device, amp=amp)]
    gap = 2 * RHO_PX + 2
    pred = mosaic(preds, gap, False)
    truth = mosaic([t.labels == ROAD for t in holdout], gap, False)
    valid = mosaic([t.labels != IGNORE for t in holdout], gap, False)
    px = pixel_scores(pred, truth, valid=valid)
    rx = relaxed_scores(pred, truth, rho_px=RHO_PX, valid=valid)
    return {**px.to_dict(), "relaxed_precision": rx.precision, "relaxed_recall": rx.recall,
            "relaxed_f1": rx.f1}
