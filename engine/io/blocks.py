"""A raster cut into square blocks, each read with a margin (halo) of its neighbours' pixels."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from engine.errors import BadInputError
from engine.io.windows import Window

__all__ = ["Block", "BlockGrid"]


@dataclass(frozen=True)
class Block:
    """One block of a :class:`BlockGrid`."""

    index: int  # row-major position in the grid, 0 first
    row: int  # row of blocks
    col: int  # column of blocks
    core: Window  # the pixels this block owns; the cores tile the raster exactly
    read: Window  # the core grown by the halo, clipped to the raster

    @property
    def core_in_read(self) -> tuple[slice, slice]:
        """Slices (rows, cols) of the core inside an array read over ``read``."""
        top, left = self.core.row_off - self.read.row_off, self.core.col_off - self.read.col_off
        return slice(top, top + self.core.rows), slice(left, left + self.core.cols)


@dataclass(frozen=True)
class BlockGrid:
    """Square blocks of ``block_px`` covering a ``height`` x ``width`` raster, row by row.

    The last row and column of blocks may be narrower. Each block is read with
    ``halo_px`` more pixels on every side (less at the raster's edges), so that work near
    a block's edge sees what lies beyond it.
    """

    height: int  # rows of the raster
    width: int  # columns of the raster
    block_px: int  # side of a block's core
    halo_px: int  # margin read around each core

    def __post_init__(self) -> None:
        for name in ("height", "width", "block_px"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise BadInputError(f"{name} must be a whole number >= 1; got {value!r}")
        if isinstance(self.halo_px, bool) or not isinstance(self.halo_px, int) \
                or self.halo_px < 0:
            raise BadInputError(f"halo_px must be a whole number >= 0; got {self.halo_px!r}")

    @property
    def rows(self) -> int:
        """Rows of blocks."""
        return math.ceil(self.height / self.block_px)

    @property
    def cols(self) -> int:
        """Columns of blocks."""
        return math.ceil(self.width / self.block_px)

    def __len__(self) -> int:
        return self.rows * self.cols

    def block(self, index: int) -> Block:
        """The block at a row-major ``index`` in [0, len(self))."""
        if not 0 <= index < len(self):
            raise BadInputError(f"block index must be in [0, {len(self)}); got {index!r}")
        row, col = divmod(index, self.cols)
        top, left = row * self.block_px, col * self.block_px
        core = Window(top, left, min(self.block_px, self.height - top),
                      min(self.block_px, self.width - left))
        grown = Window(top - self.halo_px, left - self.halo_px, core.rows + 2 * self.halo_px,
                       core.cols + 2 * self.halo_px)
        read = grown.clip(self.width, self.height)
        assert read is not None  # the core lies inside the raster
        return Block(index, row, col, core, read)

    def __iter__(self) -> Iterator[Block]:
        return (self.block(index) for index in range(len(self)))

    def last_index_near(self, row: float, col: float, radius_px: float) -> int:
        """Row-major index of the last block whose core comes within ``radius_px`` of the
        point (row, col) (pixel units; a square neighbourhood).

        Blocks are done in row-major order, so once this block is done, every block near
        the point is.
        """
        last_row = min(int((row + radius_px) // self.block_px), self.rows - 1)
        last_col = min(int((col + radius_px) // self.block_px), self.cols - 1)
        return max(last_row, 0) * self.cols + max(last_col, 0)
