"""Tests of engine.metrics.centerline against hand-computed lengths."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from engine.errors import BadInputError
from engine.metrics import centerline_scores

# Truth: 100 m of road in two pieces, 60 m and 40 m, far apart.
TRUTH = [LineString([(0, 0), (60, 0)]), LineString([(0, 100), (40, 100)])]
# Prediction: the 60 m piece, 2 m to the side (inside the 3 m buffer), and 20 m elsewhere.
PRED = [LineString([(0, 2), (60, 2)]), LineString([(200, 200), (220, 200)])]


class TestCenterlineScores:
    def test_centerline_scores_hand_computed(self):
        # Matched truth 60 of 100 -> completeness 0.6; matched prediction 60 of 80 ->
        # correctness 0.75; quality 60 / (100 + 20 unmatched predicted) = 0.5.
        scores = centerline_scores(PRED, TRUTH, buffer_m=3.0)
        assert scores.completeness == pytest.approx(0.6)
        assert scores.correctness == pytest.approx(0.75)
        assert scores.quality == pytest.approx(0.5)

    def test_centerline_scores_do_not_match_beyond_the_buffer(self):
        scores = centerline_scores(PRED, TRUTH, buffer_m=1.5)  # the 2 m offset is too far
        assert (scores.completeness, scores.correctness, scores.quality) == (0.0, 0.0, 0.0)

    def test_centerline_scores_of_identical_lines_are_one(self):
        scores = centerline_scores(TRUTH, TRUTH)
        assert scores.to_dict() == pytest.approx(
            {"completeness": 1.0, "correctness": 1.0, "quality": 1.0})

    def test_centerline_scores_count_overlapping_lines_once(self):
        doubled = TRUTH + [LineString([(0, 0), (60, 0)])]
        assert centerline_scores(doubled, TRUTH).correctness == pytest.approx(1.0)

    @pytest.mark.parametrize(("pred", "truth", "expected"), [
        ([], [], (math.nan, math.nan, math.nan)),  # 0 / 0 everywhere
        (PRED, [], (math.nan, 0.0, 0.0)),          # nothing to find: all predicted is wrong
        ([], TRUTH, (0.0, math.nan, 0.0)),         # nothing predicted
    ])
    def test_centerline_scores_of_empty_inputs(self, pred, truth, expected):
        scores = centerline_scores(pred, truth)
        got = (scores.completeness, scores.correctness, scores.quality)
        assert got == pytest.approx(expected, nan_ok=True)

    @pytest.mark.parametrize("buffer_m", [0.0, -1.0, float("inf")])
    def test_centerline_scores_reject_bad_buffer_m(self, buffer_m):
        with pytest.raises(BadInputError, match="buffer_m must be"):
            centerline_scores(PRED, TRUTH, buffer_m=buffer_m)

    def test_centerline_scores_reject_points(self):
        with pytest.raises(BadInputError, match="truth line 0 is a Point"):
            centerline_scores(PRED, [Point(0, 0)])


def test_centerline_scores_by_tiles_equal_one_tile():
    rng = np.random.default_rng(0)
    truth = [LineString(rng.uniform(0, 900, (3, 2))) for _ in range(12)]
    pred = [shapely.transform(line, lambda xy: xy + rng.normal(0, 2, xy.shape))
            for line in truth[:10]]
    whole = centerline_scores(pred, truth, buffer_m=3.0, tile_m=1e6)
    tiled = centerline_scores(pred, truth, buffer_m=3.0, tile_m=230.0)  # 4 x 4 tiles
    assert 0.5 < whole.completeness < 1.0
    assert tiled.to_dict() == pytest.approx(whole.to_dict(), rel=1e-9)


def test_centerline_scores_reject_a_bad_tile():
    line = LineString([(0, 0), (1, 0)])
    with pytest.raises(BadInputError, match="tile_m must be a finite number > 0 metres"):
        centerline_scores([line], [line], tile_m=0)
