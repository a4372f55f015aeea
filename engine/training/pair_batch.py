"""A step's contrastive pairs: drawn over valid data, read, and redrawn until usable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..config import ContrastiveConfig
from ..io.raster import Window
from ..pairs import PairWindows, core_offset
from .pair_sites import PairSites

__all__ = ["PairBatch", "PAIR_TRIES", "read_pair", "draw_pair_batch", "negative_redraw"]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]

#: A pair whose R or N turns out too empty when read is drawn again, this many times at
#: most (the block map of valid data makes a second draw rare).
PAIR_TRIES = 20


@dataclass
class PairBatch:
    """P positive pairs with their negative regions, as tensors on one device."""

    view_a: torch.Tensor  # (P, C, V, V) float32
    view_b: torch.Tensor  # (P, C, V, V)
    negative: torch.Tensor  # (P, C, N, N)
    valid_core: torch.Tensor  # (P, R, R) bool: valid in both views, not hold-out
    valid_negative: torch.Tensor  # (P, N, N) bool
    core_a: list[tuple[int, int]]  # R's top-left inside A, per pair
    core_b: list[tuple[int, int]]
    core_px: int
    pairs: list[PairWindows]  # where each pair was read


@dataclass(frozen=True)
class _ReadPair:
    view_a: np.ndarray
    view_b: np.ndarray
    negative: np.ndarray
    valid_core: np.ndarray
    valid_negative: np.ndarray
    core_a: tuple[int, int]
    core_b: tuple[int, int]


def _whole_cells(valid: np.ndarray, cell_px: int) -> np.ndarray:
    n = (valid.shape[0] // cell_px) * cell_px
    return valid[:n, :n]


def read_pair(read: Reader, sites: PairSites, pair: PairWindows) -> _ReadPair:
    """Read a pair's views and N; their valid masks leave out nodata and hold-out pixels."""
    (ia, ma), (ib, mb) = read(pair.source, pair.view_a), read(pair.source, pair.view_b)
    inn, mn = read(pair.negative_source, pair.negative)
    ma = sites.valid(pair.source, pair.view_a, ma)
    mb = sites.valid(pair.source, pair.view_b, mb)
    mn = sites.valid(pair.negative_source, pair.negative, mn)
    (ra, qa), (rb, qb) = core_offset(pair.core, pair.view_a), core_offset(pair.core, pair.view_b)
    k = pair.core.rows
    valid_core = ma[ra:ra + k, qa:qa + k] & mb[rb:rb + k, qb:qb + k]
    return _ReadPair(ia, ib, inn, valid_core, mn, (ra, qa), (rb, qb))


def _usable(read_pair: _ReadPair, config: ContrastiveConfig) -> bool:
    """Enough valid pixels in R (both views) and in N's whole cells to give a loss."""
    return (read_pair.valid_core.mean() >= config.min_valid_share
            and _whole_cells(read_pair.valid_negative, config.cell_px).mean()
            >= config.min_valid_share)


def draw_pair_batch(read: Reader, sites: PairSites, config: ContrastiveConfig,
                    rng: np.random.Generator, device: torch.device) -> PairBatch | None:
    """Draw ``config.pairs_per_step`` usable pairs and put them on ``device``.

    A pair is usable when at least ``config.min_valid_share`` of R (valid in both views)
    and of N is valid; an unusable one is drawn again, never trained on.

    Returns
    -------
    PairBatch, or None when :data:`PAIR_TRIES` draws gave no usable pair (the step
    then has no contrastive term).
    """
    chosen: list[tuple[PairWindows, _ReadPair]] = []
    tries = 0
    while len(chosen) < config.pairs_per_step and tries < PAIR_TRIES * config.pairs_per_step:
        tries += 1
        pair = sites.sample(rng)
        if pair is None:
            continue
        got = read_pair(read, sites, pair)
        if _usable(got, config):
            chosen.append((pair, got))
    if not chosen:
        return None

    def to(values: list[np.ndarray]) -> torch.Tensor:
        return torch.from_numpy(np.stack(values)).to(device)

    reads = [g for _, g in chosen]
    return PairBatch(to([g.view_a for g in reads]), to([g.view_b for g in reads]),
                     to([g.negative for g in reads]), to([g.valid_core for g in reads]),
                     to([g.valid_negative for g in reads]), [g.core_a for g in reads],
                     [g.core_b for g in reads], chosen[0][0].core.rows, [p for p, _ in chosen])


def negative_redraw(read: Reader, sites: PairSites, batch: PairBatch, config: ContrastiveConfig,
                    rng: np.random.Generator
                    ) -> Callable[[int], tuple[np.ndarray, np.ndarray] | None]:
    """A function that draws and reads a new usable N for pair ``i`` of ``batch``."""

    def redraw(i: int) -> tuple[np.ndarray, np.ndarray] | None:
        pair = batch.pairs[i]
        for _ in range(PAIR_TRIES):
            placed = sites.sample_negative(pair.source, [pair.view_a, pair.view_b], rng)
            if placed is None:
                return None
            image, valid = read(*placed)
            valid = sites.valid(placed[0], placed[1], valid)
            if _whole_cells(valid, config.cell_px).mean() >= config.min_valid_share:
                return image, valid
        return None

    return redraw
