"""Tests of engine.vectorize.mask: threshold, small objects, small holes, checks."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.vectorize import area_px, road_mask

# Pixels of 0.5 m: a pixel is 0.25 m2, so 20 m2 is 80 pixels.
PIXEL_AREA_M2 = 0.25


def blob_image(side_px: int, hole_px: int = 0) -> np.ndarray:
    """A 64 x 64 float32 image: a square road blob of ``side_px`` with a central hole."""
    prob = np.zeros((64, 64), np.float32)
    prob[10:10 + side_px, 10:10 + side_px] = 0.9
    if hole_px:
        start = 10 + (side_px - hole_px) // 2
        prob[start:start + hole_px, start:start + hole_px] = 0.1
    return prob


def mask_of(prob: np.ndarray, **options) -> np.ndarray:
    settings = {"threshold": 0.5, "min_object_px": area_px(20, PIXEL_AREA_M2),
                "min_hole_px": area_px(20, PIXEL_AREA_M2)}
    settings.update(options)
    return road_mask(prob, np.ones(prob.shape, bool), **settings)


class TestAreaPx:
    def test_area_px_rounds_up(self):
        assert area_px(20.0, 0.25) == 80
        assert area_px(20.1, 0.25) == 81

    def test_area_px_pixel_area_positive(self):
        with pytest.raises(BadInputError, match="pixel_area_m2 must be > 0; got 0"):
            area_px(20.0, 0.0)


class TestRoadMask:
    def test_road_mask_threshold_inclusive(self):
        prob = np.array([[0.49, 0.5, 0.51]], np.float32)
        mask = road_mask(prob, np.ones((1, 3), bool), threshold=0.5, min_object_px=0,
                         min_hole_px=0)
        assert mask.tolist() == [[False, True, True]]

    @pytest.mark.parametrize(("side_px", "kept"), [(8, False), (9, True)])  # 16 m2, 20.25 m2
    def test_road_mask_small_objects_removed_by_area(self, side_px, kept):
        assert mask_of(blob_image(side_px)).any() == kept

    @pytest.mark.parametrize(("hole_px", "filled"), [(8, True), (9, False)])  # 16 m2, 20.25 m2
    def test_road_mask_small_holes_filled_by_area(self, hole_px, filled):
        mask = mask_of(blob_image(30, hole_px))
        assert bool(mask[25, 25]) == filled

    def test_road_mask_invalid_pixels_never_road(self):
        prob = blob_image(30, hole_px=4)
        valid = np.ones(prob.shape, bool)
        valid[20:30, 20:30] = False  # nodata covering the small hole
        mask = road_mask(prob, valid, threshold=0.5, min_object_px=80, min_hole_px=80)
        assert not mask[~valid].any()

    def test_road_mask_input_not_modified(self):
        prob = blob_image(30, hole_px=4)
        valid = np.ones(prob.shape, bool)
        before = (prob.copy(), valid.copy())
        road_mask(prob, valid, threshold=0.5, min_object_px=80, min_hole_px=80)
        np.testing.assert_array_equal(prob, before[0])
        np.testing.assert_array_equal(valid, before[1])

    def test_road_mask_shapes_must_match(self):
        with pytest.raises(BadInputError, match="same shape"):
            road_mask(np.zeros((4, 4), np.float32), np.ones((4, 5), bool), threshold=0.5,
                      min_object_px=0, min_hole_px=0)

    def test_road_mask_prob_must_be_floating(self):
        with pytest.raises(BadInputError, match="prob must be a floating array; got dtype uint8"):
            road_mask(np.zeros((4, 4), np.uint8), np.ones((4, 4), bool), threshold=0.5,
                      min_object_px=0, min_hole_px=0)

    @pytest.mark.parametrize("name", ["min_object_px", "min_hole_px"])
    def test_road_mask_pixel_counts_not_negative(self, name):
        options = {"min_object_px": 0, "min_hole_px": 0, name: -1}
        with pytest.raises(BadInputError, match=f"{name} must be >= 0 pixels; got -1"):
            road_mask(np.zeros((4, 4), np.float32), np.ones((4, 4), bool), threshold=0.5,
                      **options)
