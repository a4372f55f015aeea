"""Tests of RowBand: blending in a band of rows that hands finished rows back early."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.predict import WindowLayout
from engine.predict.blend import RowBand

TILE = 64


def _feed(band: RowBand, layout: WindowLayout, value: float) -> list[tuple[int, int]]:
    """Add constant windows; return (grid row, rows handed back) at each hand-back."""
    handed: list[tuple[int, int]] = []
    for _, row, col in layout.offsets():
        for prob, _ in band.advance_to(row):
            handed.append((band.top, prob.shape[0]))
        band.add(row, col, np.full((TILE, TILE), value, np.float32), np.ones((TILE, TILE), bool))
        assert band.buffer_rows == TILE  # the buffer never grows with the raster's height
    for prob, _ in band.advance_to(layout.height):
        handed.append((band.top, prob.shape[0]))
    return handed


def test_row_band_hands_back_rows_before_the_end():
    layout = WindowLayout.for_grid(1000, 96, tile_px=TILE, overlap=0.25)
    handed = _feed(RowBand(layout), layout, 0.3)
    assert sum(n for _, n in handed) == 1000  # every row exactly once
    assert len(handed) >= len(layout.row_starts) - 1  # once per row of windows, not at the end
    assert max(n for _, n in handed) <= TILE


def test_row_band_blend_of_equal_windows_is_that_value():
    layout = WindowLayout.for_grid(150, 200, tile_px=TILE, overlap=0.5)
    band = RowBand(layout)
    rows = []
    for _, row, col in layout.offsets():
        rows += [p for p, _ in band.advance_to(row)]
        band.add(row, col, np.full((TILE, TILE), 0.7, np.float32), np.ones((TILE, TILE), bool))
    rows += [p for p, _ in band.advance_to(150)]
    blended = np.concatenate(rows)
    assert blended.shape == (150, 200)
    np.testing.assert_allclose(blended, 0.7, atol=1e-6)


def test_row_band_rows_no_window_reached_are_invalid():
    layout = WindowLayout.for_grid(300, 64, tile_px=TILE, overlap=0.0)
    band = RowBand(layout)
    band.add(0, 0, np.full((TILE, TILE), 0.5, np.float32), np.ones((TILE, TILE), bool))
    chunks = list(band.advance_to(256))  # windows at 64, 128 and 192 were skipped
    valid = np.concatenate([v for _, v in chunks])
    assert valid.shape == (256, 64)
    assert valid[:64].all() and not valid[64:].any()


def test_row_band_refuses_a_window_above_or_below_its_top():
    band = RowBand(WindowLayout.for_grid(200, 64, tile_px=TILE, overlap=0.25))
    with pytest.raises(BadInputError, match="call advance_to"):
        band.add(48, 0, np.zeros((TILE, TILE), np.float32), np.ones((TILE, TILE), bool))
    list(band.advance_to(48))
    with pytest.raises(BadInputError, match="cannot move the band up"):
        list(band.advance_to(0))


def test_row_band_blends_again_after_an_empty_stretch():
    layout = WindowLayout.for_grid(400, 64, tile_px=TILE, overlap=0.25)  # stride 48
    band = RowBand(layout)
    ones = np.ones((TILE, TILE), bool)
    band.add(0, 0, np.full((TILE, TILE), 0.2, np.float32), ones)
    rows = list(band.advance_to(240))  # windows at 48 ... 192 were empty
    band.add(240, 0, np.full((TILE, TILE), 0.6, np.float32), ones)
    rows += list(band.advance_to(288))
    band.add(288, 0, np.full((TILE, TILE), 0.6, np.float32), ones)
    rows += list(band.advance_to(400))
    prob = np.concatenate([p for p, _ in rows])
    valid = np.concatenate([v for _, v in rows])
    assert valid[:64].all() and not valid[64:240].any() and valid[240:352].all()
    np.testing.assert_allclose(prob[:64], 0.2, atol=1e-6)
    np.testing.assert_allclose(prob[240:352], 0.6, atol=1e-6)  # nothing left from row 0
