"""Spatial hold-out of the labeled area: whole tiles, never random pixels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import BadInputError
from ..io.raster import Window
from ..labels import IGNORE, ROAD

__all__ = ["HoldoutTile", "HoldoutChoice", "MIN_TILE_PX", "MAX_HELD_ROAD", "MAX_OVERSHOOT",
           "choose_holdout", "split_holdout", "labeled_tiles"]

#: :func:`choose_holdout` halves the configured tile size down to this side, not below.
MIN_TILE_PX = 32
#: Where the configured hold-out leaves no road or background to train on, the one
#: :func:`choose_holdout` fits instead holds at most this share of the labeled road ...
MAX_HELD_ROAD = 0.5
#: ... and at most this many times the asked share of the labeled pixels.
MAX_OVERSHOOT = 2.0


@dataclass(frozen=True)
class HoldoutTile:
    """One validation tile: the raster index, its window, and its true labels."""

    source: int
    window: Window
    labels: np.ndarray  # uint8 (rows, cols): ROAD, BACKGROUND or IGNORE


@dataclass(frozen=True)
class _Candidate:
    no_road: bool
    key: float  # random order within the road and the road-free tiles
    source: int
    window: Window
    labeled: int  # labeled pixels
    road: int  # road pixels


def _tiles(shape: tuple[int, int], tile_px: int) -> list[Window]:
    rows, cols = shape
    return [Window(r, c, min(tile_px, rows - r), min(tile_px, cols - c))
            for r in range(0, rows, tile_px) for c in range(0, cols, tile_px)]


def _slices(w: Window) -> tuple[slice, slice]:
    return slice(w.row_off, w.row_off + w.rows), slice(w.col_off, w.col_off + w.cols)


def _candidates(labels: list[np.ndarray], tile_px: int,
                rng: np.random.Generator) -> list[_Candidate]:
    """Every tile holding a labeled pixel, road-bearing tiles first, each group shuffled."""
    out = []
    for i, lab in enumerate(labels):
        for w in _tiles(lab.shape, tile_px):
            tile = lab[_slices(w)]
            n = int(np.count_nonzero(tile != IGNORE))
            if n:
                road = int(np.count_nonzero(tile == ROAD))
                out.append(_Candidate(not road, float(rng.random()), i, w, n, road))
    out.sort(key=lambda c: (c.no_road, c.key))
    return out


def _take(labels: list[np.ndarray], candidates: list[_Candidate], fraction: float,
          max_road: float) -> tuple[list[np.ndarray], list[HoldoutTile]]:
    """Hold out candidates in order until ``fraction`` of the labeled pixels are held,
    skipping road tiles that would bring the held road over ``max_road`` pixels."""
    total = sum(c.labeled for c in candidates)
    train = [lab.copy() for lab in labels]
    holdout: list[HoldoutTile] = []
    taken = road = 0
    for c in candidates:
        if taken >= fraction * total:
            break
        if c.road and road + c.road > max_road:
            continue
        sl = _slices(c.window)
        holdout.append(HoldoutTile(c.source, c.window, labels[c.source][sl].copy()))
        train[c.source][sl] = IGNORE
        taken += c.labeled
        road += c.road
    return train, holdout


def _has_road_and_background(arrays: list[np.ndarray]) -> bool:
    return any(np.any(a == ROAD) for a in arrays) and any(
        np.any((a != ROAD) & (a != IGNORE)) for a in arrays)


def split_holdout(labels: list[np.ndarray], *, tile_px: int, fraction: float,
                  rng: np.random.Generator) -> tuple[list[np.ndarray], list[HoldoutTile]]:
    """Hold out whole tiles holding about ``fraction`` of the labeled pixels.

    Tiles that contain road are drawn first, so validation scores are defined. This is
    the one split of the given size; :func:`choose_holdout` fits one to the labels.

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

    Raises
    ------
    BadInputError
        When the training part would keep no road or no background pixel.
    """
    train, holdout = _take(labels, _candidates(labels, tile_px, rng), fraction, np.inf)
    if not _has_road_and_background(train):
        raise BadInputError(
            f"the labeled area is too small to hold out {fraction:.0%} for validation in "
            f"{tile_px} px tiles and still train on road and background; label a larger "
            "area or lower val_fraction / val_tile_px")
    return train, holdout


@dataclass(frozen=True)
class HoldoutChoice:
    """The hold-out :func:`choose_holdout` found, and what it asked for to find it."""

    train: list[np.ndarray]  # labels minus the hold-out (all of them when there is none)
    tiles: list[HoldoutTile]  # empty: no hold-out was possible
    tile_px: int | None  # side of the hold-out tiles; None without a hold-out
    fraction: float  # share of the labeled pixels asked for (0.0 without a hold-out)
    held_share: float  # share of the labeled pixels held out
    held_road_share: float  # share of the road pixels held out
    asked_tile_px: int  # the configured tile size ...
    asked_fraction: float  # ... and share
    # False: the configured split (split_holdout's); True: fitted instead, or none
    fitted: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no arrays), as the model's metadata records it."""
        return {"tile_px": self.tile_px, "fraction": self.fraction, "tiles": len(self.tiles),
                "held_share": self.held_share, "held_road_share": self.held_road_share,
                "fitted": self.fitted,
                "asked": {"tile_px": self.asked_tile_px, "fraction": self.asked_fraction}}


def _sizes(tile_px: int, min_tile_px: int) -> list[int]:
    sizes = [tile_px]
    while sizes[-1] // 2 >= min_tile_px:
        sizes.append(sizes[-1] // 2)
    return sizes


def choose_holdout(labels: list[np.ndarray], *, tile_px: int, fraction: float,
                   rng: np.random.Generator, min_tile_px: int = MIN_TILE_PX) -> HoldoutChoice:
    """A hold-out fitted to the labels: the configured one where it fits, else a smaller one,
    else none.

    The configured split (:func:`split_holdout`'s, tile for tile) is kept whenever its
    training part keeps road and background pixels, as before. Otherwise (road-bearing
    tiles drawn first took every road pixel, typically: a few roads in a large labeled
    area) splits are tried in which a road tile that would bring the hold-out over
    :data:`MAX_HELD_ROAD` of the labeled road is passed over: at ``tile_px``, then halved
    down to ``min_tile_px``, then the same sizes at half the ``fraction``. Such a split is
    kept when its hold-out has road and background pixels, the training part keeps road
    and background pixels, and the hold-out is at most :data:`MAX_OVERSHOOT` x
    ``fraction`` of the labeled pixels (one big tile of a small labeled area is not a
    fair share).

    Parameters
    ----------
    labels : list of ndarray of uint8, shape (H_i, W_i)
        Label rasters (ROAD, BACKGROUND, IGNORE) of the labeled rasters, holding road and
        background pixels.
    tile_px : int
        Configured side of the hold-out tiles.
    fraction : float
        Configured share of the labeled pixels to hold out, in (0, 1).
    rng : numpy.random.Generator
    min_tile_px : int
        The smallest tile side tried (``tile_px`` when that is smaller).

    Returns
    -------
    HoldoutChoice
        With ``tiles`` empty and ``train`` a copy of ``labels`` when no split fits: a road
        within one ``min_tile_px`` tile, or a labeled area too small for one tile.
    """
    total = sum(int(np.count_nonzero(lab != IGNORE)) for lab in labels)
    total_road = sum(int(np.count_nonzero(lab == ROAD)) for lab in labels)

    def choice(size: int, frac: float, train: list[np.ndarray], tiles: list[HoldoutTile],
               fitted: bool) -> HoldoutChoice:
        held = sum(int(np.count_nonzero(t.labels != IGNORE)) for t in tiles)
        held_road = sum(int(np.count_nonzero(t.labels == ROAD)) for t in tiles)
        return HoldoutChoice(train, tiles, size, frac, held / total, held_road / total_road,
                             tile_px, fraction, fitted)

    train, tiles = _take(labels, _candidates(labels, tile_px, rng), fraction, np.inf)
    if _has_road_and_background(train):
        return choice(tile_px, fraction, train, tiles, fitted=False)
    for frac in (fraction, fraction / 2):
        for size in _sizes(tile_px, min(min_tile_px, tile_px)):
            train, tiles = _take(labels, _candidates(labels, size, rng), frac,
                                 MAX_HELD_ROAD * total_road)
            held = sum(int(np.count_nonzero(t.labels != IGNORE)) for t in tiles)
            if (held <= MAX_OVERSHOOT * fraction * total
                    and _has_road_and_background([t.labels for t in tiles])
                    and _has_road_and_background(train)):
                return choice(size, frac, train, tiles, fitted=True)
    return HoldoutChoice([lab.copy() for lab in labels], [], None, 0.0, 0.0, 0.0,
                         tile_px, fraction, fitted=True)


def labeled_tiles(labels: list[np.ndarray], tile_px: int) -> list[HoldoutTile]:
    """Every tile of ``tile_px`` holding a labeled pixel, with its labels: what the decision
    threshold is calibrated on when there is no hold-out."""
    out = []
    for i, lab in enumerate(labels):
        for w in _tiles(lab.shape, tile_px):
            tile = lab[_slices(w)]
            if np.any(tile != IGNORE):
                out.append(HoldoutTile(i, w, tile.copy()))
    return out
