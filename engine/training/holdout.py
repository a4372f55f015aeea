"""Spatial hold-out of the labeled area: whole tiles, never random pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadInputError
from ..io.raster import Window
from ..labels import IGNORE, ROAD

__all__ = ["HoldoutTile", "split_holdout"]


@dataclass(frozen=True)
class HoldoutTile:
    """One validation tile: the raster index, its window, and its true labels."""

    source: int
    window: Window
    labels: np.ndarray  # uint8 (rows, cols): ROAD, BACKGROUND or IGNORE


def _tiles(shape: tuple[int, int], tile_px: int) -> list[Window]:
    rows, cols = shape
    return [Window(r, c, min(tile_px, rows - r), min(tile_px, cols - c))
            for r in range(0, rows, tile_px) for c in range(0, cols, tile_px)]


def split_holdout(labels: list[np.ndarray], *, tile_px: int, fraction: float,
                  rng: np.random.Generator) -> tuple[list[np.ndarray], list[HoldoutTile]]:
    """Hold out whole tiles holding about ``fraction`` of the labeled pixels.

    Tiles that contain road are drawn first, so validation scores are defined.

    Parameters
    ----------
    labels : list of ndarray of uint8, shape (H_i, W_i)
        Label rasters (ROAD, BACKGROUND, IGNORE) of the labeled rasters.
    tile_px : int
        Side of the hold-out tiles.
    fraction : float
        Share of labeled pixels to hold out, in (0, 1).
    rng : numpy.random.Generator

    Returns
    -------
    train_labels : list of ndarray of uint8
        Copies of ``labels`` with the held-out tiles set to IGNORE.
    holdout : list of HoldoutTile
    """
    total = sum(int(np.count_nonzero(lab != IGNORE)) for lab in labels)
    candidates = []
    for i, lab in enumerate(labels):
        for w in _tiles(lab.shape, tile_px):
            tile = lab[w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols]
            n = int(np.count_nonzero(tile != IGNORE))
            if n:
                has_road = bool(np.any(tile == ROAD))
                candidates.append((not has_road, float(rng.random()), i, w, n))
    candidates.sort(key=lambda c: (c[0], c[1]))
    train = [lab.copy() for lab in labels]
    holdout: list[HoldoutTile] = []
    taken = 0
    for _, _, i, w, n in candidates:
        if taken >= fraction * total:
            break
        sl = (slice(w.row_off, w.row_off + w.rows), slice(w.col_off, w.col_off + w.cols))
        holdout.append(HoldoutTile(i, w, labels[i][sl].copy()))
        train[i][sl] = IGNORE
        taken += n
    if not any(np.any(t == ROAD) for t in train) or not any(
            np.any((t != ROAD) & (t != IGNORE)) for t in train):
        raise BadInputError(
            f"the labeled area is too small to hold out {fraction:.0%} for validation in "
            f"{tile_px} px tiles and still train on road and background; label a larger "
            "area or lower val_fraction / val_tile_px")
    return train, holdout
