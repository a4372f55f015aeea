"""Hann-weighted blending of window predictions over a band of rows that slides down."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import BadInputError
from .layout import WindowLayout, hann_window

__all__ = ["RowBand"]

#: Finished rows are handed back this many at a time, which bounds the temporary arrays
#: of blending, encoding and writing to 64 rows x width.
_CHUNK_ROWS = 64


class RowBand:
    """Accumulates weighted probabilities of one row of windows at a time.

    The buffer holds ``tile_px`` rows of the (padded) grid width, starting at the
    first row of the current row of windows. Windows arrive in row-major order; when
    a window of a lower row of windows arrives, the rows above its start are final
    (no later window touches them) and :meth:`advance_to` hands them back and slides
    the buffer down. Memory is therefore ``tile_px`` x width, whatever the height.

    Parameters
    ----------
    layout : WindowLayout
        The windows that will be added.
    top : int
        Grid row of the first window that will be added (0 unless the caller adds only
        the windows from some row of windows down, as a process of a sharded run does).
    """

    def __init__(self, layout: WindowLayout, *, top: int = 0) -> None:
        self.layout = layout
        self.weights = hann_window(layout.tile_px)
        rows, cols = layout.tile_px, layout.padded_shape[1]
        self._acc = np.zeros((rows, cols), np.float32)  # sum of weight * probability
        self._norm = np.zeros((rows, cols), np.float32)  # sum of weights
        self._valid = np.zeros((rows, cols), bool)  # input pixel holds data
        # Buffer rows from here down hold nothing yet (all zero): over an empty area, where
        # no window is added, finishing and sliding cost nothing.
        self._filled_rows = 0
        self.top = top  # grid row of the buffer's first row

    @property
    def buffer_rows(self) -> int:
        """Rows held in memory (constant: ``tile_px``)."""
        return self._acc.shape[0]

    def add(self, row_off: int, col_off: int, prob: np.ndarray, valid: np.ndarray) -> None:
        """Blend one window in.

        Parameters
        ----------
        row_off, col_off : int
            The window's first row and column in the grid; ``row_off`` must be the
            current :attr:`top` (advance first).
        prob : ndarray of float32, shape (T, T)
            The window's probabilities.
        valid : ndarray of bool, shape (T, T)
            Which of its input pixels hold data.
        """
        t = self.layout.tile_px
        if row_off != self.top:
            raise BadInputError(f"window at row {row_off} added while the band starts at "
                                f"row {self.top}; call advance_to({row_off}) first")
        cols = slice(col_off, col_off + t)
        self._acc[:, cols] += prob * self.weights
        self._norm[:, cols] += self.weights
        self._valid[:, cols] |= valid
        self._filled_rows = t

    def advance_to(self, row: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Hand back the finished rows above ``row`` and slide the buffer down to it.

        Rows beyond the buffer (a jump over windows that were never added, e.g. skipped
        nodata) come back as invalid. Rows past the grid's height are dropped. Consume the
        whole iterator: the buffer slides when it ends.

        Yields
        ------
        prob : ndarray of float32, shape (n, width)
            Blended probabilities of the next ``n <= 64`` finished rows.
        valid : ndarray of bool, shape (n, width)
            Where the input held data and at least one window was added.
        """
        if row < self.top:
            raise BadInputError(f"cannot move the band up from row {self.top} to {row}")
        while self.top < row:
            step = min(row - self.top, self.buffer_rows)  # buffer rows that become final
            inside = min(step, self.layout.height - self.top)  # of those, rows of the grid
            for start in range(0, inside, _CHUNK_ROWS):
                yield self._finished(start, min(start + _CHUNK_ROWS, inside))
            self._shift(step)
            self.top += step

    def _finished(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Blended probabilities and validity of buffer rows ``start:stop``."""
        width = self.layout.width
        if start >= self._filled_rows:  # no window reached these rows: all invalid
            return np.zeros((stop - start, width), np.float32), np.zeros((stop - start, width),
                                                                        bool)
        norm = self._norm[start:stop, :width]
        with np.errstate(invalid="ignore", divide="ignore"):
            prob = np.where(norm > 0, self._acc[start:stop, :width] / norm, np.float32(0))
        return prob.astype(np.float32, copy=False), self._valid[start:stop, :width] & (norm > 0)

    def _shift(self, n: int) -> None:
        """Drop the first ``n`` buffer rows and clear as many at the bottom."""
        filled = self._filled_rows  # rows below are zero already: neither copied nor cleared
        kept = max(filled - n, 0)
        for buffer, empty in ((self._acc, 0.0), (self._norm, 0.0), (self._valid, False)):
            buffer[:kept] = buffer[n:n + kept]  # numpy copies overlapping slices safely
            buffer[kept:filled] = empty
        self._filled_rows = kept
