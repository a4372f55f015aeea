"""Windows of the contrastive branch: a core R, two views A and B that contain it, a negative N."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import BadInputError
from .io.raster import Window

__all__ = ["PairWindows", "windows_overlap", "sample_view", "sample_pair", "core_offset"]


@dataclass(frozen=True)
class PairWindows:
    """Where one positive pair and its negative region are read from.

    ``source`` indexes the raster holding R, A and B; ``negative_source`` the raster
    holding N (the same one when N fits beside the views without overlap).
    """

    source: int
    core: Window
    view_a: Window
    view_b: Window
    negative_source: int
    negative: Window


def windows_overlap(a: Window, b: Window) -> bool:
    """Return True when two windows share at least one pixel."""
    return (a.row_off < b.row_off + b.rows and b.row_off < a.row_off + a.rows
            and a.col_off < b.col_off + b.cols and b.col_off < a.col_off + a.cols)


def core_offset(core: Window, view: Window) -> tuple[int, int]:
    """Return (row, col) of the core's top-left pixel inside a view that contains it."""
    dr, dc = core.row_off - view.row_off, core.col_off - view.col_off
    if dr < 0 or dc < 0 or dr + core.rows > view.rows or dc + core.cols > view.cols:
        raise ValueError(f"view {view} does not contain core {core}")
    return dr, dc


def sample_view(core: Window, view_px: int, shape: tuple[int, int], *,
                rng: np.random.Generator) -> Window:
    """Draw a ``view_px`` square that contains ``core`` and lies inside a raster of ``shape``.

    Parameters
    ----------
    core : Window
        The region both views must contain.
    view_px : int
        Side of the view, >= the core's sides and <= the raster's sides.
    shape : (rows, cols)
        Size of the raster.
    rng : numpy.random.Generator
        Source of the random offset.
    """
    rows, cols = shape
    lo_r = max(0, core.row_off + core.rows - view_px)
    hi_r = min(core.row_off, rows - view_px)
    lo_c = max(0, core.col_off + core.cols - view_px)
    hi_c = min(core.col_off, cols - view_px)
    if lo_r > hi_r or lo_c > hi_c:
        raise BadInputError(f"no {view_px} px view contains {core} inside a {shape} raster")
    return Window(int(rng.integers(lo_r, hi_r + 1)), int(rng.integers(lo_c, hi_c + 1)),
                  view_px, view_px)


def _sample_negative(shape: tuple[int, int], negative_px: int, avoid: list[Window],
                     rng: np.random.Generator) -> Window | None:
    """A random ``negative_px`` window overlapping none of ``avoid``, or None if none fits.

    Candidates lie on a grid (an eighth of the window apart) so that a free place is found
    whenever one exists on that grid, without an unbounded number of random tries.
    """
    rows, cols = shape
    if rows < negative_px or cols < negative_px:
        return None
    step = max(1, negative_px // 8)
    r = np.unique(np.append(np.arange(0, rows - negative_px + 1, step), rows - negative_px))
    c = np.unique(np.append(np.arange(0, cols - negative_px + 1, step), cols - negative_px))
    rr, cc = (g.ravel() for g in np.meshgrid(r, c, indexing="ij"))
    free = np.ones(rr.shape, bool)
    for w in avoid:
        free &= ~((rr < w.row_off + w.rows) & (w.row_off < rr + negative_px)
                  & (cc < w.col_off + w.cols) & (w.col_off < cc + negative_px))
    if not free.any():
        return None
    i = int(rng.choice(np.flatnonzero(free)))
    return Window(int(rr[i]), int(cc[i]), negative_px, negative_px)


def sample_pair(shapes: list[tuple[int, int]], *, core_px: int, view_px: int,
                negative_px: int, rng: np.random.Generator) -> PairWindows:
    """Draw one positive pair (R inside A and B) and a negative region N.

    N never overlaps A or B: it is taken beside them in the same raster when there is
    room, else from another raster.

    Parameters
    ----------
    shapes : list of (rows, cols)
        Sizes of the rasters that may supply pairs (index = source).
    core_px, view_px, negative_px : int
        Sides of R, of A and B, and of N.
    rng : numpy.random.Generator
        Source of every random choice.

    Returns
    -------
    PairWindows
    """
    usable = [i for i, (r, c) in enumerate(shapes) if r >= view_px and c >= view_px]
    if not usable:
        raise BadInputError(
            f"every raster is smaller than the contrastive view ({view_px} px; sizes "
            f"{shapes}); use a smaller profile or set contrastive.enabled = false")
    src = int(rng.choice(usable))
    rows, cols = shapes[src]
    core = Window(int(rng.integers(0, rows - core_px + 1)),
                  int(rng.integers(0, cols - core_px + 1)), core_px, core_px)
    view_a = sample_view(core, view_px, shapes[src], rng=rng)
    view_b = sample_view(core, view_px, shapes[src], rng=rng)
    neg = _sample_negative(shapes[src], negative_px, [view_a, view_b], rng)
    neg_src = src
    if neg is None:
        others = [i for i, (r, c) in enumerate(shapes)
                  if i != src and r >= negative_px and c >= negative_px]
        if not others:
            raise BadInputError(
                f"no room for a {negative_px} px negative region that overlaps neither "
                f"{view_px} px view (raster sizes {shapes}); add an unlabeled raster, use a "
                "smaller profile, or lower contrastive.negative_px")
        neg_src = int(rng.choice(others))
        neg = _sample_negative(shapes[neg_src], negative_px, [], rng)
    assert neg is not None  # a raster at least negative_px wide always has a place for N
    return PairWindows(src, core, view_a, view_b, neg_src, neg)
