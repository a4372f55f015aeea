"""Tests of engine.io.raster: headers and their errors."""

from __future__ import annotations

import pytest

from engine.errors import RasterReadError
from engine.io.raster import read_info

UTM_GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)


class TestReadInfo:
    def test_read_info_fields(self, make_raster, scene):
        path = make_raster(scene(3, "uint16"), nodata=0)
        info = read_info(path)
        assert (info.width, info.height, info.band_count, info.dtype) == (64, 64, 3, "uint16")
        assert info.nodata == (0.0, 0.0, 0.0)
        assert info.bounds == (500000.0, 5000000.0, 500064.0, 5000064.0)
        assert info.pixel_size == (1.0, 1.0)
        assert info.pixel_size_m == pytest.approx(1.0)
        assert not info.is_geographic
        assert info.to_dict()["geotransform"] == UTM_GT

    def test_read_info_nodata_none_where_unset(self, make_raster, scene):
        info = read_info(make_raster(scene(1, "uint8")))
        assert info.nodata == (None,)

    def test_read_info_geographic_pixel_size_m_at_centre(self, make_raster, scene):
        # 1e-5 degree pixels around 45 N: ~0.79 m in x, ~1.11 m in y.
        path = make_raster(scene(1), crs_epsg=4326, geotransform=(3.0, 1e-5, 0, 45.0, 0, -1e-5))
        info = read_info(path)
        assert info.is_geographic
        assert info.pixel_size_m == pytest.approx((0.787 + 1.113) / 2, rel=0.01)

    def test_read_info_missing_file(self, tmp_path):
        with pytest.raises(RasterReadError, match="nope.tif does not exist"):
            read_info(str(tmp_path / "nope.tif"))

    def test_read_info_not_a_raster(self, tmp_path):
        path = tmp_path / "notes.tif"
        path.write_text("not an image")
        with pytest.raises(RasterReadError, match="cannot read .*notes.tif as a raster"):
            read_info(str(path))

    def test_read_info_no_crs(self, make_raster, scene):
        path = make_raster(scene(1), crs_epsg=None)
        with pytest.raises(RasterReadError, match="no coordinate reference system.*gdal_edit"):
            read_info(path)

    def test_read_info_rotated_unsupported(self, make_raster, scene):
        path = make_raster(scene(1), geotransform=(500000.0, 1.0, 0.2, 5000064.0, 0.1, -1.0))
        with pytest.raises(RasterReadError, match="rotated geotransform"):
            read_info(path)
