"""Windows of the contrastive branch: a core R, two views A and B that contain it, a negative N."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import BadInputError
from .io.raster import Window

__all__ = ["PairWindows", "windows_overlap", "sample_view", "core_offset"]


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
