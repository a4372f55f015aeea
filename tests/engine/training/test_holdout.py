"""Tests of engine.training.holdout: whole tiles, the asked share, no leak into training."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.labels import BACKGROUND, IGNORE, ROAD
from engine.training.holdout import choose_holdout, split_holdout


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


# --- choose_holdout: a hold-out fitted to the labels (issue 22) ------------------------------


def one_road_tile(size=1024, road_rows=(490, 511)) -> np.ndarray:
    """One tile labeled all over with one straight road across it (about 2 % road)."""
    lab = np.full((size, size), BACKGROUND, np.uint8)
    lab[road_rows[0]:road_rows[1], :] = ROAD
    return lab


def held(choice) -> tuple[int, int]:
    """(labeled, road) pixels of a choice's hold-out."""
    return (sum(int(np.count_nonzero(t.labels != IGNORE)) for t in choice.tiles),
            sum(int(np.count_nonzero(t.labels == ROAD)) for t in choice.tiles))


def check_split(choice, labels) -> None:
    """Hold-out tiles hidden from training, training untouched elsewhere."""
    train = [t.copy() for t in choice.train]
    for tile in choice.tiles:
        w = tile.window
        sl = (slice(w.row_off, w.row_off + w.rows), slice(w.col_off, w.col_off + w.cols))
        assert np.all(train[tile.source][sl] == IGNORE)
        np.testing.assert_array_equal(tile.labels, labels[tile.source][sl])
        train[tile.source][sl] = labels[tile.source][sl]
    for t, lab in zip(train, labels, strict=True):
        np.testing.assert_array_equal(t, lab)


def test_the_issue_label_set_is_refused_by_the_configured_split():
    # The label set of issue 22: the configured 15 % in 96 px tiles takes every road tile.
    with pytest.raises(BadInputError, match="too small to hold out"):
        split_holdout([one_road_tile()], tile_px=96, fraction=0.15,
                      rng=np.random.default_rng(0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_choose_holdout_fits_one_tile_with_one_sparse_road(seed):
    labels = [one_road_tile()]
    road = np.count_nonzero(labels[0] == ROAD)
    assert 0.015 < road / labels[0].size < 0.025
    choice = choose_holdout(labels, tile_px=96, fraction=0.15, rng=np.random.default_rng(seed))
    check_split(choice, labels)
    n, n_road = held(choice)
    assert n_road > 0 and n > n_road  # the hold-out can score: road and background
    # training keeps road (at least half of it) and background
    assert np.count_nonzero(choice.train[0] == ROAD) >= road / 2
    assert np.any(choice.train[0] == BACKGROUND)
    assert choice.tile_px is not None and choice.tile_px <= 96
    assert n / labels[0].size <= 2 * 0.15
    assert choice.held_share == pytest.approx(n / labels[0].size)
    assert choice.held_road_share == pytest.approx(n_road / road)
    assert choice.fitted


def test_choose_holdout_keeps_a_configured_split_that_leaves_road_to_train_on():
    # A diagonal road: the configured split holds out most of the road but leaves some to
    # train on, so it is kept as it was (runs and benchmarks made before stay the same).
    lab = np.full((1024, 1024), BACKGROUND, np.uint8)
    for r in range(1024):
        lab[r, max(0, r - 10):r + 10] = ROAD
    road = np.count_nonzero(lab == ROAD)
    _, old = split_holdout([lab], tile_px=96, fraction=0.15, rng=np.random.default_rng(0))
    choice = choose_holdout([lab], tile_px=96, fraction=0.15, rng=np.random.default_rng(0))
    assert [t.window for t in choice.tiles] == [t.window for t in old]
    assert not choice.fitted and (choice.tile_px, choice.fraction) == (96, 0.15)
    assert choice.held_road_share == pytest.approx(
        sum(np.count_nonzero(t.labels == ROAD) for t in old) / road)


def test_choose_holdout_takes_smaller_tiles_for_a_small_labeled_area():
    # 128 x 128 labeled, its roads inside the first 96 px tile, which is more than half
    # of it: 96 px tiles cannot leave road to train on, nor hold out a fair share.
    lab = np.full((160, 160), IGNORE, np.uint8)
    lab[:128, :128] = BACKGROUND
    lab[60:66, :96] = ROAD
    lab[:96, 30:36] = ROAD
    choice = choose_holdout([lab], tile_px=96, fraction=0.15, rng=np.random.default_rng(0))
    check_split(choice, [lab])
    n, n_road = held(choice)
    assert choice.tile_px is not None and 32 <= choice.tile_px < 96
    assert n_road > 0
    assert n / np.count_nonzero(lab != IGNORE) <= 2 * 0.15
    assert np.any(choice.train[0] == ROAD) and np.any(choice.train[0] == BACKGROUND)


def test_choose_holdout_gives_none_when_the_road_fits_one_small_tile():
    lab = np.full((160, 160), IGNORE, np.uint8)
    lab[40:100, 40:100] = BACKGROUND
    lab[77:84, 67:94] = ROAD  # inside the 32 px cell at (64, 64)
    choice = choose_holdout([lab], tile_px=48, fraction=0.15, rng=np.random.default_rng(0))
    assert choice.tiles == []
    assert choice.tile_px is None and choice.fitted
    assert choice.held_share == 0.0
    np.testing.assert_array_equal(choice.train[0], lab)
    assert choice.train[0] is not lab


@pytest.mark.parametrize(("seed", "tile_px", "fraction"), [(0, 96, 0.15), (1, 64, 0.15),
                                                           (2, 256, 0.1), (3, 96, 0.3)])
def test_choose_holdout_keeps_the_configured_split_for_a_big_label_set(seed, tile_px, fraction):
    # A big labeled area with roads all over: the same tiles as the configured split.
    rng = np.random.default_rng(99)
    labels = []
    for shape in [(1500, 1300), (900, 1100)]:
        lab = np.full(shape, BACKGROUND, np.uint8)
        for r in range(40, shape[0], 110):
            lab[r:r + 8, :] = ROAD
        for c in rng.integers(0, shape[1] - 8, 6):
            lab[:, c:c + 8] = ROAD
        lab[:, :70] = IGNORE
        labels.append(lab)
    train, old = split_holdout(labels, tile_px=tile_px, fraction=fraction,
                               rng=np.random.default_rng(seed))
    choice = choose_holdout(labels, tile_px=tile_px, fraction=fraction,
                            rng=np.random.default_rng(seed))
    assert (choice.tile_px, choice.fraction, choice.fitted) == (tile_px, fraction, False)
    assert [(t.source, t.window) for t in choice.tiles] == [(t.source, t.window) for t in old]
    for a, b in zip(choice.train, train, strict=True):
        np.testing.assert_array_equal(a, b)


def test_choose_holdout_does_not_modify_its_input():
    labels = [one_road_tile(256, (100, 106))]
    before = labels[0].copy()
    choose_holdout(labels, tile_px=96, fraction=0.15, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(labels[0], before)
