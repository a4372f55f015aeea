"""Tests of engine.pairs: views contain their core, window overlap."""

from __future__ import annotations

import numpy as np
import pytest

from engine.io.raster import Window
from engine.pairs import core_offset, sample_view, windows_overlap


@pytest.mark.parametrize("seed", range(10))
def test_sample_view_contains_core_and_stays_inside(seed):
    core = Window(10, 150, 32, 32)
    view = sample_view(core, 64, (200, 190), rng=np.random.default_rng(seed))
    dr, dc = core_offset(core, view)
    assert 0 <= dr <= 32 and 0 <= dc <= 32
    assert view.row_off >= 0 and view.col_off + 64 <= 190


def test_core_offset_rejects_view_without_core():
    with pytest.raises(ValueError, match="does not contain core"):
        core_offset(Window(0, 0, 10, 10), Window(5, 5, 20, 20))


@pytest.mark.parametrize(("a", "b", "expected"), [
    (Window(0, 0, 10, 10), Window(9, 9, 5, 5), True),  # one shared corner pixel
    (Window(0, 0, 10, 10), Window(10, 0, 5, 5), False),  # touching edges share no pixel
    (Window(0, 0, 10, 10), Window(2, 2, 3, 3), True),  # nested
])
def test_windows_overlap_cases(a, b, expected):
    assert windows_overlap(a, b) is expected
    assert windows_overlap(b, a) is expected
