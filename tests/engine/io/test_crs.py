"""Tests of engine.io.crs: metric frames, linear units, metric lengths and areas."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, box

from engine.errors import BadInputError
from engine.io.crs import (
    areas_m2,
    lengths_m,
    metres_per_unit,
    metric_frame,
    pixel_size_xy_m,
    to_metric,
)

# One degree of longitude along the equator and of latitude near 60 N, WGS 84 (metres).
DEGREE_EQUATOR_M = 111_319.49
DEGREE_LAT_60_M = 111_412.24


class TestMetricFrame:
    def test_metric_frame_centre_is_origin(self):
        to_local, _ = metric_frame("EPSG:4326", (4.0, 52.0, 6.0, 54.0))
        x, y, _ = to_local.TransformPoint(5.0, 53.0)
        assert (x, y) == pytest.approx((0.0, 0.0), abs=1e-6)

    def test_metric_frame_round_trip(self):
        to_local, from_local = metric_frame("EPSG:4326", (4.0, 52.0, 6.0, 54.0))
        x, y, _ = from_local.TransformPoint(*to_local.TransformPoint(4.3, 52.7)[:2])
        assert (x, y) == pytest.approx((4.3, 52.7), abs=1e-9)


class TestMetresPerUnit:
    @pytest.mark.parametrize(("crs", "metres"), [("EPSG:32631", 1.0), ("EPSG:2227", 0.3048006)])
    def test_metres_per_unit_linear_units(self, crs, metres):  # metres; US survey feet
        assert metres_per_unit(crs) == pytest.approx(metres)

    def test_metres_per_unit_geographic_refused(self):
        with pytest.raises(BadInputError, match="a geographic CRS has no linear unit"):
            metres_per_unit("EPSG:4326")

    def test_metres_per_unit_unknown_crs(self):
        with pytest.raises(BadInputError, match="crs_wkt is not a CRS GDAL understands"):
            metres_per_unit("not a crs")


class TestMetricMeasures:
    def test_lengths_m_geographic_equator(self):
        line = LineString([(10.0, 0.0), (10.01, 0.0)])
        length = lengths_m([line], crs_wkt="EPSG:4326", bounds=(10.0, 0.0, 10.01, 0.0))
        assert length[0] == pytest.approx(0.01 * DEGREE_EQUATOR_M, rel=1e-3)

    def test_lengths_m_projected_feet(self):
        line = LineString([(0.0, 0.0), (1000.0, 0.0)])
        length = lengths_m([line], crs_wkt="EPSG:2227", bounds=(0.0, 0.0, 1000.0, 0.0))
        assert length[0] == pytest.approx(304.8006, rel=1e-6)

    def test_areas_m2_projected(self):
        area = areas_m2([box(0, 0, 10, 20)], crs_wkt="EPSG:32631", bounds=(0, 0, 10, 20))
        assert area[0] == pytest.approx(200.0)

    def test_to_metric_empty(self):
        assert to_metric([], "EPSG:4326", (0.0, 0.0, 1.0, 1.0)).size == 0


class TestPixelSizeXyM:
    def test_pixel_size_xy_m_geographic_narrower_east_west(self):
        # 1e-5 degree pixels at 60 N: half as wide (east-west) as high.
        x_m, y_m = pixel_size_xy_m("EPSG:4326", (4.0, 1e-5, 0, 60.005, 0, -1e-5), 1000, 1000)
        assert y_m == pytest.approx(1e-5 * DEGREE_LAT_60_M, rel=1e-3)
        assert x_m / y_m == pytest.approx(math.cos(math.radians(60)), rel=5e-3)

    def test_pixel_size_xy_m_projected(self):
        assert pixel_size_xy_m("EPSG:32631", (0, 0.5, 0, 0, 0, -2.0), 10, 10) == (0.5, 2.0)
