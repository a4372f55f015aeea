"""Tests of engine.metrics.pixel against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.metrics import pixel_scores, relaxed_scores


def vertical_line(col: int, shape=(40, 40), width: int = 1) -> np.ndarray:
    m = np.zeros(shape, bool)
    m[:, col:col + width] = True
    return m


def test_pixel_scores_hand_computed():
    truth = np.array([[1, 1, 0, 0]], bool)
    pred = np.array([[1, 0, 1, 0]], bool)
    s = pixel_scores(pred, truth)
    assert (s.precision, s.recall, s.f1, s.iou) == pytest.approx((0.5, 0.5, 0.5, 1 / 3))


def test_pixel_scores_ignores_invalid_pixels():
    truth = np.array([[1, 1, 0, 0]], bool)
    pred = np.array([[1, 0, 1, 0]], bool)
    valid = np.array([[1, 1, 0, 1]], bool)  # the false positive is not labeled
    s = pixel_scores(pred, truth, valid=valid)
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.5)


def test_relaxed_scores_forgive_a_2px_shift_at_rho_3():
    truth, pred = vertical_line(10), vertical_line(12)
    assert relaxed_scores(pred, truth, rho_px=3).f1 == pytest.approx(1.0)
    assert pixel_scores(pred, truth).iou < 1.0


def test_relaxed_scores_do_not_forgive_a_shift_beyond_rho():
    truth, pred = vertical_line(10), vertical_line(15)
    assert relaxed_scores(pred, truth, rho_px=3).f1 == pytest.approx(0.0)


def test_scores_are_nan_when_undefined():
    empty = np.zeros((5, 5), bool)
    s = pixel_scores(empty, empty)
    assert np.isnan(s.precision) and np.isnan(s.recall) and np.isnan(s.iou)


@pytest.mark.parametrize("fn", [pixel_scores, relaxed_scores])
def test_scores_reject_shape_mismatch(fn):
    with pytest.raises(BadInputError, match="same shape"):
        fn(np.zeros((3, 3), bool), np.zeros((3, 4), bool))


def test_relaxed_scores_reject_negative_rho():
    with pytest.raises(BadInputError, match="rho_px must be >= 0"):
        relaxed_scores(np.zeros((3, 3), bool), np.zeros((3, 3), bool), rho_px=-1)


class TestCountPixels:
    def test_count_pixels_by_blocks_add_up_to_the_whole(self):
        from engine.io.blocks import BlockGrid
        from engine.metrics.pixel import PixelCounts, count_pixels

        rng = np.random.default_rng(0)
        pred, truth = rng.random((60, 70)) > 0.8, rng.random((60, 70)) > 0.8
        valid = rng.random((60, 70)) > 0.1
        total = PixelCounts()
        for block in BlockGrid(60, 70, 16, 4):  # a margin of rho + 1
            read = (slice(block.read.row_off, block.read.row_off + block.read.rows),
                    slice(block.read.col_off, block.read.col_off + block.read.cols))
            total.add(count_pixels(pred[read], truth[read], rho_px=3, valid=valid[read],
                                   core=block.core_in_read))
        assert total.scores() == pixel_scores(pred, truth, valid=valid)
        assert total.relaxed() == relaxed_scores(pred, truth, rho_px=3, valid=valid)

    def test_count_pixels_rho_not_negative(self):
        from engine.metrics.pixel import count_pixels

        mask = np.zeros((4, 4), bool)
        with pytest.raises(BadInputError, match="rho_px must be >= 0, got -1"):
            count_pixels(mask, mask, rho_px=-1)
