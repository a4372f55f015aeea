"""Where contrastive pairs may go: R and N over valid data only, never on hold-out tiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import ContrastiveConfig
from ..io.raster import Window
from ..pairs import PairWindows, sample_view

__all__ = ["PairSites", "block_shares", "mask_windows"]


def block_shares(valid: np.ndarray, block_px: int) -> np.ndarray:
    """Share of valid pixels in each ``block_px`` square block (edge blocks count the
    pixels outside the array as invalid).

    Parameters
    ----------
    valid : ndarray of bool, shape (H, W)
    block_px : int

    Returns
    -------
    ndarray of float32, shape (ceil(H / block_px), ceil(W / block_px))
    """
    h, w = valid.shape
    rows, cols = -(-h // block_px), -(-w // block_px)
    padded = np.zeros((rows * block_px, cols * block_px), np.float32)
    padded[:h, :w] = valid
    return padded.reshape(rows, block_px, cols, block_px).mean(axis=(1, 3))


def mask_windows(valid: np.ndarray, window: Window, excluded: Sequence[Window]) -> np.ndarray:
    """``valid`` of ``window`` with the pixels of every ``excluded`` window set to False.

    Returns a new array; ``valid`` is not modified.
    """
    out = valid.copy()
    for ex in excluded:
        r0, c0 = max(ex.row_off, window.row_off), max(ex.col_off, window.col_off)
        r1 = min(ex.row_off + ex.rows, window.row_off + window.rows)
        c1 = min(ex.col_off + ex.cols, window.col_off + window.cols)
        if r0 < r1 and c0 < c1:
            out[r0 - window.row_off:r1 - window.row_off, c0 - window.col_off:c1 - window.col_off] \
                = False
    return out


def _window_positions(share: np.ndarray, shape: tuple[int, int], size_px: int, block_px: int,
                      min_share: float) -> np.ndarray:
    """Top-left pixels (on the block grid) of ``size_px`` windows inside the raster whose
    blocks hold at least ``min_share`` valid pixels; shape (n, 2) int64."""
    rows, cols = shape
    if rows < size_px or cols < size_px:
        return np.empty((0, 2), np.int64)
    nb = -(-size_px // block_px)
    table = np.zeros((share.shape[0] + 1, share.shape[1] + 1))
    table[1:, 1:] = share.cumsum(0).cumsum(1)
    bi = np.arange((rows - size_px) // block_px + 1)
    bj = np.arange((cols - size_px) // block_px + 1)
    total = (table[bi[:, None] + nb, bj[None, :] + nb] - table[bi[:, None], bj[None, :] + nb]
             - table[bi[:, None] + nb, bj[None, :]] + table[bi[:, None], bj[None, :]])
    ok = np.argwhere(total / (nb * nb) >= min_share)
    return ok.astype(np.int64) * block_px


class PairSites:
    """Places R (inside views A and B) and N where the data is valid, away from hold-out.

    Each raster is summarised by the valid share of its ``block_px`` blocks, hold-out
    tiles counting as invalid; R and N go only where their blocks hold at least
    ``config.min_valid_share`` valid pixels, N overlapping neither view (beside them in
    the same raster when there is room, else in another raster).

    Parameters
    ----------
    shapes : sequence of (rows, cols)
        Size of every raster (index = source).
    shares : sequence of ndarray of float
        :func:`block_shares` of each raster's valid mask.
    holdout : sequence of sequence of Window
        Hold-out tiles of each raster (none for unlabeled ones).
    config : ContrastiveConfig
        The pair geometry and ``min_valid_share``.
    block_px : int
        Side of the blocks of ``shares``.
    """

    def __init__(self, shapes: Sequence[tuple[int, int]], shares: Sequence[np.ndarray],
                 holdout: Sequence[Sequence[Window]], config: ContrastiveConfig, *,
                 block_px: int) -> None:
        self.shapes = [tuple(s) for s in shapes]
        self.holdout = [list(h) for h in holdout]
        self.config = config
        self.block_px = block_px
        cleared = [self._clear_holdout(s, h) for s, h in zip(shares, self.holdout, strict=True)]
        self._cores = [_window_positions(s, shape, config.core_px, block_px,
                                         config.min_valid_share)
                       for s, shape in zip(cleared, self.shapes, strict=True)]
        # R's views must fit inside the raster too.
        self._cores = [c if min(shape) >= config.view_px else c[:0]
                       for c, shape in zip(self._cores, self.shapes, strict=True)]
        self._negatives = [_window_positions(s, shape, config.negative_px, block_px,
                                             config.min_valid_share)
                           for s, shape in zip(cleared, self.shapes, strict=True)]

    def _clear_holdout(self, share: np.ndarray, tiles: Sequence[Window]) -> np.ndarray:
        out = share.copy()
        b = self.block_px
        for t in tiles:
            out[t.row_off // b:-(-(t.row_off + t.rows) // b),
                t.col_off // b:-(-(t.col_off + t.cols) // b)] = 0.0
        return out

    @property
    def core_sites(self) -> int:
        """Number of places a core region R may go, over every raster."""
        return sum(len(c) for c in self._cores)

    def sample(self, rng: np.random.Generator) -> PairWindows | None:
        """Draw R, A, B and N; None when no valid N overlaps neither view."""
        counts = np.array([len(c) for c in self._cores], dtype=float)
        if counts.sum() == 0:
            return None
        cfg = self.config
        src = int(rng.choice(len(counts), p=counts / counts.sum()))
        rows, cols = self.shapes[src]
        r, c = self._cores[src][int(rng.integers(len(self._cores[src])))]
        # Jitter inside the block, so that R is not tied to the block grid.
        r = min(int(r) + int(rng.integers(self.block_px)), rows - cfg.core_px)
        c = min(int(c) + int(rng.integers(self.block_px)), cols - cfg.core_px)
        core = Window(r, c, cfg.core_px, cfg.core_px)
        view_a = sample_view(core, cfg.view_px, (rows, cols), rng=rng)
        view_b = sample_view(core, cfg.view_px, (rows, cols), rng=rng)
        placed = self.sample_negative(src, [view_a, view_b], rng)
        if placed is None:
            return None
        return PairWindows(src, core, view_a, view_b, placed[0], placed[1])

    def sample_negative(self, source: int, avoid: Sequence[Window],
                        rng: np.random.Generator) -> tuple[int, Window] | None:
        """A valid N in ``source`` overlapping none of ``avoid``, else one in another raster."""
        size = self.config.negative_px
        pos = self._negatives[source]
        free = np.ones(len(pos), bool)
        for a in avoid:
            free &= ~((pos[:, 0] < a.row_off + a.rows) & (a.row_off < pos[:, 0] + size)
                      & (pos[:, 1] < a.col_off + a.cols) & (a.col_off < pos[:, 1] + size))
        if free.any():
            r, c = pos[int(rng.choice(np.flatnonzero(free)))]
            return source, Window(int(r), int(c), size, size)
        others = [i for i, n in enumerate(self._negatives) if i != source and len(n)]
        if not others:
            return None
        other = int(rng.choice(others))
        r, c = self._negatives[other][int(rng.integers(len(self._negatives[other])))]
        return other, Window(int(r), int(c), size, size)

    def valid(self, source: int, window: Window, valid: np.ndarray) -> np.ndarray:
        """``valid`` of a window read from ``source``, minus the hold-out tiles' pixels."""
        return mask_windows(valid, window, self.holdout[source])
