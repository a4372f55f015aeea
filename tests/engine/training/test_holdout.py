"""Tests of engine.training.holdout: whole tiles, the asked share, no leak into training."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.labels import BACKGROUND, IGNORE, ROAD
from engine.training.holdout import split_holdout


def labeled_area(rows=256, cols=256) -> np.ndarray:
    lab = np.full((rows, cols), BACKGROUND, np.uint8)
    lab[:, 100:108] = ROAD
    lab[60:66, :] = ROAD
    lab[:, 200:] = IGNORE  # outside the labeled area
    return lab


def test_split_holdout_takes_whole_tiles_and_hides_them_from_training():
    labels = [labeled_area()]
    train, holdout = split_holdout(labels, tile_px=64, fraction=0.15,
                                   rng=np.random.default_rng(0))
    assert holdout
    for tile in holdout:
        w = tile.window
        assert (w.row_off % 64, w.col_off % 64) == (0, 0)
        block = train[0][w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols]
        assert np.all(block == IGNORE)
        np.testing.assert_array_equal(
            tile.labels, labels[0][w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols])


def test_split_holdout_holds_out_about_the_asked_share():
    labels = [labeled_area()]
    _, holdout = split_holdout(labels, tile_px=32, fraction=0.15, rng=np.random.default_rng(0))
    held = sum(np.count_nonzero(t.labels != IGNORE) for t in holdout)
    total = np.count_nonzero(labels[0] != IGNORE)
    assert 0.15 <= held / total < 0.15 + 32 * 32 / total + 1e-9


def test_split_holdout_prefers_tiles_with_road():
    _, holdout = split_holdout([labeled_area()], tile_px=64, fraction=0.1,
                               rng=np.random.default_rng(3))
    assert np.any(holdout[0].labels == ROAD)


def test_split_holdout_does_not_modify_its_input():
    labels = [labeled_area()]
    before = labels[0].copy()
    split_holdout(labels, tile_px=64, fraction=0.2, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(labels[0], before)


def test_split_holdout_rejects_a_labeled_area_too_small_to_split():
    tiny = np.full((64, 64), IGNORE, np.uint8)
    tiny[:32, :32] = BACKGROUND
    tiny[10:12, :32] = ROAD
    with pytest.raises(BadInputError, match="too small to hold out"):
        split_holdout([tiny], tile_px=64, fraction=0.15, rng=np.random.default_rng(0))
