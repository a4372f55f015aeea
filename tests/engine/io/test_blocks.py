"""Tests of engine.io.blocks: square blocks with a halo, in row-major order."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.io.blocks import BlockGrid


class TestBlockGrid:
    @pytest.mark.parametrize(("height", "width", "block_px"), [
        (100, 100, 32),  # last row and column narrower
        (64, 96, 32),  # exact multiples
        (10, 300, 64),  # one row of blocks, lower than a block
    ])
    def test_block_grid_cores_tile_the_raster_once(self, height, width, block_px):
        grid = BlockGrid(height, width, block_px, 5)
        covered = np.zeros((height, width), int)
        for block in grid:
            core = block.core
            covered[core.row_off:core.row_off + core.rows,
                    core.col_off:core.col_off + core.cols] += 1
        assert (covered == 1).all()
        assert len(grid) == grid.rows * grid.cols == len(list(grid))

    def test_block_grid_read_windows_grow_by_the_halo_inside_the_raster(self):
        grid = BlockGrid(100, 100, 32, 8)
        first, middle = grid.block(0), grid.block(5)  # (0, 0) and (1, 1)
        assert (first.read.row_off, first.read.col_off, first.read.rows) == (0, 0, 40)
        assert (middle.read.row_off, middle.read.col_off) == (24, 24)
        assert (middle.read.rows, middle.read.cols) == (48, 48)
        last = grid.block(len(grid) - 1)  # 4 x 4 px core at the corner
        assert (last.read.rows, last.read.cols) == (12, 12)

    def test_block_core_in_read_slices_the_core(self):
        block = BlockGrid(100, 100, 32, 8).block(5)
        image = np.arange(100 * 100).reshape(100, 100)
        read = image[block.read.row_off:block.read.row_off + block.read.rows,
                     block.read.col_off:block.read.col_off + block.read.cols]
        np.testing.assert_array_equal(read[block.core_in_read], image[32:64, 32:64])

    @pytest.mark.parametrize(("row", "col", "radius", "expected"), [
        (10, 10, 5, 0),  # well inside the first block
        (30, 10, 5, 3),  # near the seam below it: the block under it too
        (30, 30, 5, 4),  # near a corner: the block diagonally below
        (99, 99, 50, 8),  # the last block
    ])
    def test_block_grid_last_index_near(self, row, col, radius, expected):
        assert BlockGrid(96, 96, 32, 0).last_index_near(row, col, radius) == expected

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"height": 0}, "height must be a whole number >= 1; got 0"),
        ({"block_px": 2.5}, "block_px must be a whole number >= 1; got 2.5"),
        ({"halo_px": -1}, "halo_px must be a whole number >= 0; got -1"),
    ])
    def test_block_grid_rejects_bad_sizes(self, kwargs, message):
        with pytest.raises(BadInputError, match=message):
            BlockGrid(**{"height": 10, "width": 10, "block_px": 4, "halo_px": 1, **kwargs})

    def test_block_grid_rejects_an_index_outside(self):
        with pytest.raises(BadInputError, match=r"block index must be in \[0, 4\); got 4"):
            BlockGrid(8, 8, 4, 0).block(4)
