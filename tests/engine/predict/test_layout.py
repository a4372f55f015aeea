"""Tests of WindowLayout: windows that cover the grid, in row-major order."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.predict import WindowLayout, stride_px


@pytest.mark.parametrize(("height", "width"), [
    (150, 200),  # sides that the stride does not divide
    (40, 300),  # shorter than a window
    (64, 64),  # exactly one window
])
def test_window_layout_covers_every_pixel(height, width):
    layout = WindowLayout.for_grid(height, width, tile_px=64, overlap=0.25)
    seen = np.zeros(layout.padded_shape, int)
    for _, row, col in layout.offsets():
        seen[row:row + 64, col:col + 64] += 1
    assert seen[:height, :width].min() >= 1
    assert len(layout) == sum(1 for _ in layout.offsets())


def test_window_layout_offsets_are_row_major_with_row_indices():
    layout = WindowLayout.for_grid(150, 200, tile_px=64, overlap=0.25)
    offsets = list(layout.offsets())
    assert offsets == sorted(offsets)
    assert [o[0] for o in offsets[::4]] == [0, 1, 2]
    assert layout.row_starts == [0, 48, 86]


def test_stride_px_rounds_the_overlap():
    assert stride_px(512, 0.25) == 384
    assert stride_px(64, 0.0) == 64


def test_window_layout_rejects_empty_grids():
    with pytest.raises(BadInputError, match="positive sizes"):
        WindowLayout(0, 10, 64, 48)
