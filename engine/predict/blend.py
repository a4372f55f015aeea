"""Hann-weighted blending of window predictions over a band of rows that slides down."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import BadInputError
from .layout import WindowLayout, hann_window

__all__ = ["RowBand", "CHUNK_ROWS"]

#: Finished rows are handed back this many at a time, which bounds the temporaries of
#: blending, encoding and writing to 64 rows x width.
CHUNK_ROWS = 64
#: The band is held in blocks of this many columns, each made when a window first reaches
#: it and dropped when it slides out empty: over an empty area (the space between a
#: mosaic's tiles) the band holds nothing, however wide the raster.
_BLOCK_COLS = 2048


@dataclass
class _Block:
    """The band's buffers over one block of columns."""

    acc: np.ndarray  # sum of weight * probability, (tile_px, cols) float32
    norm: np.ndarray  # sum of weights
    valid: np.ndarray  # input pixel holds data (bool)
    # Buffer rows from here down hold nothing yet (all zero): finishing and sliding skip them.
    filled: int = 0


class RowBand:
    """Accumulates weighted probabilities of one row of windows at a time.

    The buffer holds ``tile_px`` rows of the (padded) grid width, starting at the
    first row of the current row of windows, in blocks of columns that exist only where
    windows were added. Windows arrive in row-major order; when a window of a lower row
    of windows arrives, the rows above its start are final (no later window touches
    them) and :meth:`advance_to` hands them back and slides the buffer down. Memory is
    therefore at most ``tile_px`` x width, whatever the height, and only ``tile_px`` x
    the columns with data.

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
        self._columns = layout.padded_shape[1]
        self._blocks: dict[int, _Block] = {}  # by index of the block of columns
        self.top = top  # grid row of the buffer's first row

    @property
    def buffer_rows(self) -> int:
        """Rows held in memory (constant: ``tile_px``)."""
        return self.layout.tile_px

    @property
    def nbytes(self) -> int:
        """Bytes of the buffers held now."""
        return sum(b.acc.nbytes + b.norm.nbytes + b.valid.nbytes for b in self._blocks.values())

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
        for index in range(col_off // _BLOCK_COLS, (col_off + t - 1) // _BLOCK_COLS + 1):
            first = index * _BLOCK_COLS
            lo, hi = max(col_off, first), min(col_off + t, first + _BLOCK_COLS)
            block, part = self._block(index), slice(lo - col_off, hi - col_off)
            cols = slice(lo - first, hi - first)
            block.acc[:, cols] += prob[:, part] * self.weights[:, part]
            block.norm[:, cols] += self.weights[:, part]
            block.valid[:, cols] |= valid[:, part]
            block.filled = t

    def _block(self, index: int) -> _Block:
        """The block of columns ``index``, made (all zero) when first reached."""
        block = self._blocks.get(index)
        if block is None:
            shape = (self.layout.tile_px,
                     min(_BLOCK_COLS, self._columns - index * _BLOCK_COLS))
            block = _Block(np.zeros(shape, np.float32), np.zeros(shape, np.float32),
                           np.zeros(shape, bool))
            self._blocks[index] = block
        return block

    def advance_to(self, row: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Hand back the finished rows above ``row`` and slide the buffer down to it.

        Rows beyond the buffer (a jump over windows that were never added, e.g. skipped
        nodata) come back as invalid. Rows past the grid's height are dropped. Consume the
        whole iterator: the buffer slides when it ends.

        Yields
        ------
        prob : ndarray of float32, shape (n, width)
            Blended probabilities of the next ``n <= 64`` finished rows (0 where invalid).
        valid : ndarray of bool, shape (n, width)
            Where the input held data and at least one window was added.
        """
        if row < self.top:
            raise BadInputError(f"cannot move the band up from row {self.top} to {row}")
        while self.top < row:
            step = min(row - self.top, self.buffer_rows)  # buffer rows that become final
            inside = min(step, self.layout.height - self.top)  # of those, rows of the grid
            for start in range(0, inside, CHUNK_ROWS):
                yield self._finished(start, min(start + CHUNK_ROWS, inside))
            self._shift(step)
            self.top += step

    def _finished(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Blended probabilities and validity of buffer rows ``start:stop``.

        The arrays start as zeros (pages the system lends only once written): the columns
        no block holds cost no memory.
        """
        width = self.layout.width
        prob = np.zeros((stop - start, width), np.float32)
        valid = np.zeros((stop - start, width), bool)
        for index, block in self._blocks.items():
            first = index * _BLOCK_COLS
            cols = min(block.acc.shape[1], width - first)  # the padding is not handed back
            if start >= block.filled or cols <= 0:  # no window reached these rows here
                continue
            norm = block.norm[start:stop, :cols]
            with np.errstate(invalid="ignore", divide="ignore"):
                prob[:, first:first + cols] = np.where(norm > 0, block.acc[start:stop, :cols]
                                                       / norm, np.float32(0))
            valid[:, first:first + cols] = block.valid[start:stop, :cols] & (norm > 0)
        return prob, valid

    def _shift(self, n: int) -> None:
        """Drop the first ``n`` buffer rows and clear as many at the bottom; a block left
        holding nothing is let go."""
        for index in list(self._blocks):
            block = self._blocks[index]
            kept = max(block.filled - n, 0)  # rows below filled are zero: neither copied
            if not kept:                     # nor cleared
                del self._blocks[index]
                continue
            for buffer, empty in ((block.acc, 0.0), (block.norm, 0.0), (block.valid, False)):
                buffer[:kept] = buffer[n:n + kept]  # numpy copies overlapping slices safely
                buffer[kept:block.filled] = empty
            block.filled = kept
