"""Which pseudo-labeled tiles a round keeps: consistent ones, road-bearing among them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import BadInputError
from .pseudo_labels import TileScore

__all__ = ["select_tiles", "selection_change"]


def _confident(value: float, minimum: float) -> bool:
    return not np.isfinite(value) or value >= minimum


def _lowest(scores: Sequence[TileScore], n: int) -> list[TileScore]:
    return sorted(scores, key=lambda s: s.inconsistency)[:max(0, n)]


def _stratified(scores: Sequence[TileScore], n: int, strata: int) -> list[TileScore]:
    """The ``n`` most consistent tiles, taken from strata of predicted road share in
    proportion to their sizes, so that busy and quiet road tiles are both kept."""
    if n <= 0 or not scores:
        return []
    ordered = sorted(scores, key=lambda s: s.road_share)
    groups = [g for g in np.array_split(np.arange(len(ordered)), min(strata, len(ordered)))
              if len(g)]
    quota = np.array([len(g) for g in groups], float) * n / len(ordered)
    take = np.floor(quota).astype(int)
    for i in np.argsort(-(quota - take))[:n - int(take.sum())]:
        take[i] += 1
    return [s for g, k in zip(groups, take, strict=True)
            for s in _lowest([ordered[i] for i in g], int(k))]


def select_tiles(scores: Sequence[TileScore], *, keep_fraction: float,
                 min_confident_fraction: float, min_road_share: float = 0.005,
                 road_strata: int = 3, road_tile_share: float = 0.5) -> list[TileScore]:
    """Keep the most consistent tiles, with road-bearing tiles among them.

    A tile is eligible when, per class, at least ``min_confident_fraction`` of the pixels
    predicted of that class are confident (so road tiles are not dropped for the
    background they lack, nor the reverse). Of the eligible tiles the ``keep_fraction``
    share is kept: tiles bearing road (predicted road share >= ``min_road_share``) are
    ranked by :attr:`TileScore.inconsistency` within ``road_strata`` strata of road share,
    road-free tiles among themselves, and at least ``road_tile_share`` of the kept tiles
    bear road when that many are eligible.

    Returns
    -------
    list of TileScore
        Road-bearing tiles first, then road-free ones.
    """
    if not 0.0 <= keep_fraction <= 1.0:
        raise BadInputError(f"keep_fraction must be in [0, 1], got {keep_fraction}")
    if not 0.0 <= road_tile_share <= 1.0:
        raise BadInputError(f"road_tile_share must be in [0, 1], got {road_tile_share}")
    eligible = [s for s in scores if np.isfinite(s.inconsistency)
                and _confident(s.road_confident, min_confident_fraction)
                and _confident(s.background_confident, min_confident_fraction)]
    if keep_fraction == 0.0 or not eligible:
        return []
    road = [s for s in eligible if s.road_share >= min_road_share]
    free = [s for s in eligible if s.road_share < min_road_share]
    n_keep = max(1, int(round(keep_fraction * len(eligible))))
    n_road = min(len(road), max(int(round(keep_fraction * len(road))),
                                int(np.ceil(road_tile_share * n_keep))))
    return (_stratified(road, n_road, road_strata)
            + _lowest(free, min(len(free), n_keep - n_road)))


def selection_change(previous: set, current: set) -> float:
    """Share of the previous selection that left it: |A - B| / |A| (0 when A is empty).

    The selection grows from round to round (q rises), so tiles that join it say nothing
    about stability; tiles that drop out do.
    """
    return len(previous - current) / len(previous) if previous else 0.0
