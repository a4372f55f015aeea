"""Where the prediction windows lie and how much each of their pixels weighs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import BadInputError

__all__ = ["hann_window", "window_starts", "stride_px", "WindowLayout"]

#: Smallest blending weight, so pixels that only one window sees (the border) stay defined.
_WEIGHT_FLOOR = 1e-3


def hann_window(tile_px: int) -> np.ndarray:
    """2-D Hann weights, floored so edge pixels still count.

    The floor (1e-3) keeps pixels that only one window sees (the raster's border)
    defined instead of 0 / 0.

    Returns
    -------
    ndarray of float32, shape (tile_px, tile_px)
    """
    w = np.hanning(tile_px + 2)[1:-1].astype(np.float32)
    return np.maximum(np.outer(w, w), _WEIGHT_FLOOR).astype(np.float32)


def window_starts(length: int, tile_px: int, stride: int) -> list[int]:
    """Offsets of windows of ``tile_px`` covering ``length`` with the given stride.

    The last window ends flush with ``length`` (closer to its neighbour when the stride
    does not divide the length); one window at 0 when ``length <= tile_px``.
    """
    if length <= tile_px:
        return [0]
    starts = list(range(0, length - tile_px + 1, stride))
    if starts[-1] != length - tile_px:
        starts.append(length - tile_px)
    return starts


def stride_px(tile_px: int, overlap: float) -> int:
    """Distance between neighbouring windows: ``tile_px * (1 - overlap)``, rounded, >= 1."""
    return max(1, int(round(tile_px * (1 - overlap))))


@dataclass(frozen=True)
class WindowLayout:
    """The windows covering a ``height`` x ``width`` grid, in row-major order.

    A grid smaller than a window is covered by one window at 0 that extends past its
    edge (the caller pads); otherwise every window lies inside the grid.
    """

    height: int  # rows of the grid
    width: int  # columns of the grid
    tile_px: int  # side of a window
    stride: int  # distance between neighbouring window starts (the last may be closer)

    def __post_init__(self) -> None:
        if min(self.height, self.width, self.tile_px, self.stride) < 1:
            raise BadInputError(f"a window layout needs positive sizes; got {self}")

    @classmethod
    def for_grid(cls, height: int, width: int, *, tile_px: int, overlap: float) -> WindowLayout:
        """The layout of ``tile_px`` windows overlapping by the fraction ``overlap``."""
        return cls(height, width, tile_px, stride_px(tile_px, overlap))

    @property
    def row_starts(self) -> list[int]:
        """First row of each row of windows, increasing."""
        return window_starts(max(self.height, self.tile_px), self.tile_px, self.stride)

    @property
    def col_starts(self) -> list[int]:
        """First column of each column of windows, increasing."""
        return window_starts(max(self.width, self.tile_px), self.tile_px, self.stride)

    @property
    def padded_shape(self) -> tuple[int, int]:
        """(rows, cols) of the grid grown to at least one window on each side."""
        return max(self.height, self.tile_px), max(self.width, self.tile_px)

    def __len__(self) -> int:
        return len(self.row_starts) * len(self.col_starts)

    def offsets(self, rows: range | None = None) -> Iterator[tuple[int, int, int]]:
        """Yield ``(row_index, row_off, col_off)`` of every window, row by row.

        ``rows`` limits them to those rows of windows (indices into :attr:`row_starts`).
        """
        cols, starts = self.col_starts, self.row_starts
        for index in range(len(starts)) if rows is None else rows:
            for col in cols:
                yield index, starts[index], col
