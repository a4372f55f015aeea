"""Tests of engine.pairs: positive pairs share ground, negatives overlap neither view."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.io.raster import Window
from engine.pairs import core_offset, sample_pair, sample_view, windows_overlap


def coordinate_image(rows: int, cols: int) -> np.ndarray:
    """A raster whose pixels hold their own (row, col): equal values mean equal ground."""
    r, c = np.mgrid[0:rows, 0:cols]
    return np.stack([r, c]).astype(np.int64)


def crop(array: np.ndarray, w: Window) -> np.ndarray:
    return array[..., w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols]


@pytest.mark.parametrize("seed", range(20))
def test_sample_pair_positive_views_cover_the_same_ground(seed):
    image = coordinate_image(300, 260)
    pair = sample_pair([image.shape[1:]], core_px=64, view_px=96, negative_px=96,
                       rng=np.random.default_rng(seed))
    a, b = crop(image, pair.view_a), crop(image, pair.view_b)
    (ra, ca), (rb, cb) = core_offset(pair.core, pair.view_a), core_offset(pair.core, pair.view_b)
    core_a = a[:, ra:ra + 64, ca:ca + 64]
    core_b = b[:, rb:rb + 64, cb:cb + 64]
    np.testing.assert_array_equal(core_a, core_b)
    np.testing.assert_array_equal(core_a, crop(image, pair.core))


def test_sample_pair_views_differ_in_context():
    # Over many draws the two views of the same core sit at different offsets.
    rng = np.random.default_rng(0)
    pairs = [sample_pair([(400, 400)], core_px=64, view_px=128, negative_px=128, rng=rng)
             for _ in range(20)]
    assert any(p.view_a != p.view_b for p in pairs)


@pytest.mark.parametrize("seed", range(30))
def test_sample_pair_negative_overlaps_neither_view(seed):
    pair = sample_pair([(400, 300)], core_px=64, view_px=96, negative_px=128,
                       rng=np.random.default_rng(seed))
    assert pair.negative_source == pair.source
    assert not windows_overlap(pair.negative, pair.view_a)
    assert not windows_overlap(pair.negative, pair.view_b)
    assert pair.negative.row_off + 128 <= 400 and pair.negative.col_off + 128 <= 300


def test_sample_pair_takes_negative_from_other_raster_when_no_room():
    # A 100 px raster cannot hold a 96 px view and a disjoint 96 px negative.
    pair = sample_pair([(100, 100), (50, 50), (200, 200)], core_px=64, view_px=96,
                       negative_px=96, rng=np.random.default_rng(1))
    if pair.source == 0:
        assert pair.negative_source == 2
    else:
        assert pair.source == 2


def test_sample_pair_rejects_rasters_smaller_than_the_view():
    with pytest.raises(BadInputError, match="smaller than the contrastive view"):
        sample_pair([(50, 50)], core_px=32, view_px=64, negative_px=64,
                    rng=np.random.default_rng(0))


def test_sample_pair_rejects_single_raster_without_room_for_negative():
    with pytest.raises(BadInputError, match="no room for a 96 px negative"):
        sample_pair([(100, 100)], core_px=64, view_px=96, negative_px=96,
                    rng=np.random.default_rng(0))


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
