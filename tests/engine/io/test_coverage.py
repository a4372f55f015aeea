"""Tests of engine.io.coverage: windows known to hold no data, without reading them."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.io.coverage import window_without_data
from engine.io.windows import Window


def sparse_raster(make_raster) -> str:
    """256 px, nodata 255 except a 40 x 40 corner; 32 px tiles, the empty ones unwritten."""
    data = np.full((256, 256), 255, np.uint8)
    data[:40, :40] = 7
    return make_raster(data, nodata=255, options=("TILED=YES", "BLOCKXSIZE=32",
                                                  "BLOCKYSIZE=32", "SPARSE_OK=TRUE"))


class TestWindowWithoutData:
    def test_window_without_data_from_sparse_tiles(self, make_raster):
        ds = gdal.Open(sparse_raster(make_raster))
        assert window_without_data(ds, Window(64, 64, 128, 128))
        assert not window_without_data(ds, Window(0, 0, 64, 64))

    def test_window_without_data_outside_a_vrts_sources(self, make_raster, tmp_path):
        tile = make_raster(np.full((32, 32), 9, np.uint8), nodata=0)
        gt = gdal.Open(tile).GetGeoTransform()
        vrt = str(tmp_path / "big.vrt")
        gdal.BuildVRT(vrt, [tile], outputBounds=(gt[0], gt[3] - 256, gt[0] + 256, gt[3]))
        ds = gdal.Open(vrt)
        assert window_without_data(ds, Window(100, 100, 64, 64))
        assert not window_without_data(ds, Window(0, 0, 64, 64))

    @pytest.mark.parametrize("trusted", [True, False])  # overviews that are nodata-aware
    def test_window_without_data_from_overviews(self, make_raster, trusted):
        # A raster whose empty tiles are written (not sparse): only the overviews can tell.
        data = np.full((256, 256), 255, np.uint8)
        data[:40, :40] = 7
        path = make_raster(data, nodata=255, options=("TILED=YES", "BLOCKXSIZE=32",
                                                      "BLOCKYSIZE=32"))
        ds = gdal.Open(path, gdal.GA_Update)
        ds.BuildOverviews("AVERAGE", [2, 4, 8])
        ds = None
        ds = gdal.Open(path)
        assert window_without_data(ds, Window(64, 64, 128, 128),
                                   nodata_overviews=trusted) is trusted
        assert not window_without_data(ds, Window(32, 32, 64, 64), nodata_overviews=True)

    def test_window_without_data_of_a_window_touching_data_by_one_pixel(self, make_raster):
        data = np.full((256, 256), 255, np.uint8)
        data[100, 100] = 7  # one valid pixel, just inside the window below
        path = make_raster(data, nodata=255, options=("TILED=YES", "BLOCKXSIZE=32",
                                                      "BLOCKYSIZE=32"))
        ds = gdal.Open(path, gdal.GA_Update)
        ds.BuildOverviews("AVERAGE", [2, 4, 8, 16])
        ds = None
        ds = gdal.Open(path)
        assert not window_without_data(ds, Window(100, 100, 64, 64), nodata_overviews=True)
        # Overview pixels are coarse: a window beside the pixel is not called empty (never
        # wrongly so), one an overview pixel away is.
        assert not window_without_data(ds, Window(101, 101, 64, 64), nodata_overviews=True)
        assert window_without_data(ds, Window(120, 120, 64, 64), nodata_overviews=True)
