"""Tests of engine.vectorize.polygons: outlines of the mask in map coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.vectorize import mask_to_polygons

# 0.5 m pixels; top-left corner at (1000, 2000).
GT = (1000.0, 0.5, 0.0, 2000.0, 0.0, -0.5)


def ring_mask() -> np.ndarray:
    """A 20 x 20 square with a 6 x 6 hole, and a separate 3 x 5 blob."""
    mask = np.zeros((40, 40), bool)
    mask[5:25, 5:25] = True
    mask[12:18, 12:18] = False
    mask[30:33, 30:35] = True
    return mask


class TestMaskToPolygons:
    def test_mask_to_polygons_areas_match_pixel_counts(self):
        polygons = mask_to_polygons(ring_mask(), GT)
        areas = sorted(p.area for p in polygons)
        assert areas == pytest.approx([15 * 0.25, (400 - 36) * 0.25])

    def test_mask_to_polygons_keeps_holes(self):
        square = max(mask_to_polygons(ring_mask(), GT), key=lambda p: p.area)
        assert len(square.interiors) == 1

    def test_mask_to_polygons_in_map_coordinates(self):
        blob = min(mask_to_polygons(ring_mask(), GT), key=lambda p: p.area)
        # Columns 30-34, rows 30-32: x from 1000 + 30 * 0.5, y down from 2000 - 30 * 0.5.
        assert blob.bounds == pytest.approx((1015.0, 1983.5, 1017.5, 1985.0))

    def test_mask_to_polygons_simplified_within_tolerance(self):
        yy, xx = np.mgrid[:80, :80]
        disk = np.hypot(yy - 40, xx - 40) < 30
        exact = mask_to_polygons(disk, GT)[0]
        simple = mask_to_polygons(disk, GT, tolerance_px=2.0)[0]
        assert len(simple.exterior.coords) < len(exact.exterior.coords) / 3
        assert simple.hausdorff_distance(exact) <= 2.0 * 0.5 + 1e-9
        assert simple.is_valid

    def test_mask_to_polygons_empty_mask(self):
        assert mask_to_polygons(np.zeros((8, 8), bool), GT) == []

    def test_mask_to_polygons_input_not_modified(self):
        mask = ring_mask()
        mask_to_polygons(mask, GT, tolerance_px=1.0)
        np.testing.assert_array_equal(mask, ring_mask())

    def test_mask_to_polygons_mask_must_be_bool(self):
        with pytest.raises(BadInputError, match="mask must be a 2-D bool array; got uint8"):
            mask_to_polygons(np.zeros((8, 8), np.uint8), GT)

    def test_mask_to_polygons_geotransform_has_six_numbers(self):
        with pytest.raises(BadInputError, match="geotransform must have 6 numbers"):
            mask_to_polygons(ring_mask(), GT[:4])

    def test_mask_to_polygons_tolerance_not_negative(self):
        with pytest.raises(BadInputError, match="tolerance_px must be >= 0; got -1"):
            mask_to_polygons(ring_mask(), GT, tolerance_px=-1)
