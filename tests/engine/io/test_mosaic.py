"""Tests of engine.io.mosaic: rasters checked for one mosaic, VRTs of them."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import BadInputError
from engine.io.mosaic import build_vrt, check_mosaic, memory_vrt, remove_memory_vrt

GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)


def tile(make_raster, name: str, *, x0: float = 500000.0, pixel: float = 1.0,
         epsg: int = 32631, bands: int = 1) -> str:
    data = np.full((bands, 16, 16), 3, np.uint8)
    return make_raster(data, name=name, crs_epsg=epsg, nodata=255,
                       geotransform=(x0, pixel, 0.0, 5000064.0, 0.0, -pixel))


class TestCheckMosaic:
    def test_check_mosaic_accepts_neighbours(self, make_raster):
        infos = check_mosaic([tile(make_raster, "a.tif"), tile(make_raster, "b.tif",
                                                                x0=500016.0)], option="--image")
        assert [info.width for info in infos] == [16, 16]

    @pytest.mark.parametrize(("other", "message"), [
        ({"epsg": 32632}, "one mosaic needs one CRS"),
        ({"pixel": 2.0}, "one mosaic needs one pixel size"),
        ({"bands": 3}, r"has 3 band\(s\) but"),
    ])
    def test_check_mosaic_refuses_rasters_that_differ(self, make_raster, other, message):
        paths = [tile(make_raster, "a.tif"), tile(make_raster, "b.tif", **other)]
        with pytest.raises(BadInputError, match=f"--image: .*b.tif.*{message}|{message}"):
            check_mosaic(paths, option="--image")

    def test_check_mosaic_refuses_one_raster_twice(self, make_raster):
        path = tile(make_raster, "a.tif")
        with pytest.raises(BadInputError, match="--prob names .*a.tif twice"):
            check_mosaic([path, path], option="--prob")

    def test_check_mosaic_needs_a_raster(self):
        with pytest.raises(BadInputError, match="--prob needs at least one raster"):
            check_mosaic([], option="--prob")


class TestBuildVrt:
    def test_build_vrt_mosaic_with_metadata(self, make_raster, tmp_path):
        paths = [tile(make_raster, "a.tif"), tile(make_raster, "b.tif", x0=500016.0)]
        vrt = build_vrt(str(tmp_path / "m.vrt"), paths, metadata={"KEY": "1"})
        ds = gdal.Open(vrt)
        assert (ds.RasterXSize, ds.RasterYSize) == (32, 16)
        assert ds.GetMetadataItem("KEY") == "1"
        assert ds.GetRasterBand(1).GetNoDataValue() == 255

    def test_memory_vrt_is_removed(self, make_raster):
        vrt = memory_vrt([tile(make_raster, "a.tif")])
        assert vrt.startswith("/vsimem/") and gdal.Open(vrt) is not None
        remove_memory_vrt(vrt)
        assert gdal.VSIStatL(vrt) is None
