"""Tests of engine.io.geotiff (and engine.io.atomic): atomic GeoTIFF writing."""

from __future__ import annotations

import os

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import BadInputError, OutputWriteError
from engine.io import atomic as atomic_module
from engine.io import geotiff as geotiff_module
from engine.io.geotiff import write_raster
from engine.io.raster import open_raster, read_info
from engine.io.windows import Window, read_window

UTM_GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)

DTYPES = [
    "uint8",  # Byte imagery
    "uint16",  # 11/12-bit satellite imagery
    "float32",  # reflectance
]
BAND_COUNTS = [
    1,  # panchromatic
    3,  # RGB
    4,  # RGB + NIR
]


class TestWriteRaster:
    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize("bands", BAND_COUNTS)
    def test_write_raster_roundtrip(self, tmp_path, scene, dtype, bands):
        array = scene(bands, dtype)
        path = str(tmp_path / "out.tif")
        write_raster(path, array, geotransform=UTM_GT, crs_wkt="EPSG:32631", nodata=0)
        info = read_info(path)
        assert (info.band_count, info.dtype, info.nodata) == (bands, dtype, (0.0,) * bands)
        assert info.geotransform == UTM_GT and "UTM zone 31N" in info.crs_wkt
        np.testing.assert_array_equal(read_window(open_raster(path), Window(0, 0, 64, 64)), array)

    def test_write_raster_2d_bool_as_one_byte_band(self, tmp_path):
        path = str(tmp_path / "mask.tif")
        write_raster(path, np.eye(8, dtype=bool), geotransform=UTM_GT, crs_wkt="EPSG:32631")
        info = read_info(path)
        assert (info.band_count, info.dtype) == (1, "uint8")

    def test_write_raster_tiled_deflate(self, tmp_path, scene):
        path = str(tmp_path / "out.tif")
        write_raster(path, scene(1), geotransform=UTM_GT, crs_wkt="EPSG:32631")
        ds = gdal.Open(path)
        assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
        assert ds.GetRasterBand(1).GetBlockSize() == [256, 256]

    def test_write_raster_refuses_to_overwrite(self, tmp_path, scene):
        path = tmp_path / "out.tif"
        path.write_bytes(b"keep me")
        with pytest.raises(OutputWriteError, match="out.tif already exists.*overwrite=True"):
            write_raster(str(path), scene(1), geotransform=UTM_GT, crs_wkt="EPSG:32631")
        assert path.read_bytes() == b"keep me"

    def test_write_raster_overwrite_replaces(self, tmp_path, scene):
        path = str(tmp_path / "out.tif")
        write_raster(path, scene(1), geotransform=UTM_GT, crs_wkt="EPSG:32631")
        write_raster(path, scene(3), geotransform=UTM_GT, crs_wkt="EPSG:32631", overwrite=True)
        assert read_info(path).band_count == 3
        assert os.listdir(tmp_path) == ["out.tif"]

    def test_write_raster_missing_folder(self, tmp_path, scene):
        with pytest.raises(OutputWriteError, match="does not exist"):
            write_raster(
                str(tmp_path / "no" / "out.tif"), scene(1), geotransform=UTM_GT,
                crs_wkt="EPSG:32631",
            )

    @pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
    def test_write_raster_unwritable_dir_leaves_nothing(self, tmp_path, scene):
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        with pytest.raises(OutputWriteError, match="cannot write"):
            write_raster(str(folder / "out.tif"), scene(1), geotransform=UTM_GT,
                         crs_wkt="EPSG:32631")
        assert os.listdir(folder) == []

    def test_write_raster_no_permission_leaves_nothing(self, tmp_path, scene, monkeypatch):
        # Simulates an unwritable folder for every user, root included.
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(atomic_module.tempfile, "mkstemp", refuse)
        with pytest.raises(OutputWriteError, match="Permission denied"):
            write_raster(str(tmp_path / "out.tif"), scene(1), geotransform=UTM_GT,
                         crs_wkt="EPSG:32631")
        assert os.listdir(tmp_path) == []

    def test_write_raster_failure_midway_leaves_nothing(self, tmp_path, scene, monkeypatch):
        # A disk that fills up after part of the file is written.
        final = tmp_path / "out.tif"
        final.write_bytes(b"previous")

        def fail(tmp, *args):
            with open(tmp, "wb") as handle:
                handle.write(b"partial")
            raise RuntimeError("No space left on device")

        monkeypatch.setattr(geotiff_module, "_write_gtiff", fail)
        with pytest.raises(OutputWriteError, match="No space left"):
            write_raster(str(final), scene(1), geotransform=UTM_GT, crs_wkt="EPSG:32631",
                         overwrite=True)
        assert os.listdir(tmp_path) == ["out.tif"] and final.read_bytes() == b"previous"

    def test_write_raster_bad_shape(self, tmp_path):
        with pytest.raises(BadInputError, match="shape"):
            write_raster(str(tmp_path / "o.tif"), np.zeros(5), geotransform=UTM_GT,
                         crs_wkt="EPSG:32631")

    def test_write_raster_unsupported_dtype(self, tmp_path):
        with pytest.raises(BadInputError, match="dtype int64 cannot be written"):
            write_raster(str(tmp_path / "o.tif"), np.zeros((2, 2), dtype=np.int64),
                         geotransform=UTM_GT, crs_wkt="EPSG:32631")

    def test_write_raster_nodata_count_mismatch(self, tmp_path, scene):
        with pytest.raises(BadInputError, match="2 values for 3 bands"):
            write_raster(str(tmp_path / "o.tif"), scene(3), geotransform=UTM_GT,
                         crs_wkt="EPSG:32631", nodata=[0, 0])
