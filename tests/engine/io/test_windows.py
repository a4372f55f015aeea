"""Tests of engine.io.windows: windows, reads padded at edges, masks, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import BadInputError
from engine.io import windows as windows_module
from engine.io.raster import open_raster
from engine.io.windows import (
    Window,
    raster_is_all_nodata,
    read_valid_mask,
    read_window,
    sample_valid_pixels,
)

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


class TestWindow:
    def test_window_clip_inside_unchanged(self):
        assert Window(2, 3, 4, 5).clip(64, 64) == Window(2, 3, 4, 5)

    def test_window_clip_at_edges(self):
        assert Window(-2, 60, 10, 10).clip(64, 64) == Window(0, 60, 8, 4)

    def test_window_clip_outside_is_none(self):
        assert Window(70, 0, 5, 5).clip(64, 64) is None

    def test_window_rejects_empty(self):
        with pytest.raises(BadInputError, match="rows=0"):
            Window(0, 0, 0, 5)


class TestReadWindow:
    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize("bands", BAND_COUNTS)
    def test_read_window_native_dtype_and_shape(self, make_raster, scene, dtype, bands):
        array = scene(bands, dtype)
        ds = open_raster(make_raster(array))
        out = read_window(ds, Window(10, 20, 8, 6))
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, array[:, 10:18, 20:26])

    @pytest.mark.parametrize("bands", BAND_COUNTS)
    def test_read_window_edge_padded_with_fill(self, make_raster, scene, bands):
        array = scene(bands, "uint16")
        ds = open_raster(make_raster(array))
        out = read_window(ds, Window(-3, 60, 10, 10), fill=7)
        assert out.shape == (bands, 10, 10)
        np.testing.assert_array_equal(out[:, 3:, :4], array[:, :7, 60:])
        assert (out[:, :3, :] == 7).all() and (out[:, :, 4:] == 7).all()

    def test_read_window_fully_outside_is_fill(self, make_raster, scene):
        ds = open_raster(make_raster(scene(3, "float32")))
        out = read_window(ds, Window(100, 100, 4, 4), fill=np.nan)
        assert out.shape == (3, 4, 4) and np.isnan(out).all()

    def test_read_window_fill_not_representable(self, make_raster, scene):
        ds = open_raster(make_raster(scene(1, "uint8")))
        with pytest.raises(BadInputError, match="fill=-1 cannot be stored in a uint8"):
            read_window(ds, Window(0, 0, 4, 4), fill=-1)


class TestReadValidMask:
    @pytest.mark.parametrize("dtype", DTYPES)
    def test_read_valid_mask_nodata_in_any_band(self, make_raster, scene, dtype):
        array = scene(3, dtype)
        array[1, 5, 7] = 0
        ds = open_raster(make_raster(array, nodata=0))
        valid = read_valid_mask(ds, Window(0, 0, 64, 64))
        assert valid.dtype == bool and valid.shape == (64, 64)
        assert not valid[5, 7] and valid.sum() == 64 * 64 - 1

    def test_read_valid_mask_nan(self, make_raster, scene):
        array = scene(1, "float32")
        array[0, 2, 3] = np.nan
        valid = read_valid_mask(open_raster(make_raster(array)), Window(0, 0, 64, 64))
        assert not valid[2, 3] and valid.sum() == 64 * 64 - 1

    def test_read_valid_mask_float_nodata_not_exact_in_double(self, make_raster, scene):
        # 0.1 is not exact in float32: the comparison must happen in the band's dtype.
        array = scene(1, "float32")
        array[0, 0, 0] = 0.1
        valid = read_valid_mask(open_raster(make_raster(array, nodata=0.1)), Window(0, 0, 2, 2))
        assert not valid[0, 0] and valid[1, 1]

    def test_read_valid_mask_alpha_band(self, make_raster, scene):
        array = scene(4, "uint8")
        array[3] = 255
        array[3, :, :10] = 0
        path = make_raster(array, options=("ALPHA=YES",))
        valid = read_valid_mask(open_raster(path), Window(0, 0, 64, 64))
        assert not valid[:, :10].any() and valid[:, 10:].all()

    def test_read_valid_mask_per_dataset_mask(self, make_raster, scene):
        path = make_raster(scene(3, "uint8"))
        ds = gdal.Open(path, gdal.GA_Update)
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        mask = np.full((64, 64), 255, dtype=np.uint8)
        mask[20:30, 20:30] = 0
        ds.GetRasterBand(1).GetMaskBand().WriteArray(mask)
        ds = None
        valid = read_valid_mask(open_raster(path), Window(0, 0, 64, 64))
        assert not valid[20:30, 20:30].any() and valid.sum() == 64 * 64 - 100

    def test_read_valid_mask_outside_raster_invalid(self, make_raster, scene):
        ds = open_raster(make_raster(scene(1)))
        valid = read_valid_mask(ds, Window(-2, -2, 4, 4))
        expected = np.zeros((4, 4), dtype=bool)
        expected[2:, 2:] = True
        np.testing.assert_array_equal(valid, expected)

    def test_read_valid_mask_given_data_same_result(self, make_raster, scene):
        array = scene(3, "uint16")
        array[:, 3, 3] = 9
        ds = open_raster(make_raster(array, nodata=9))
        window = Window(-5, -5, 20, 20)
        data = read_window(ds, window)
        np.testing.assert_array_equal(
            read_valid_mask(ds, window, data=data), read_valid_mask(ds, window)
        )


    def test_read_valid_mask_given_data_wrong_shape(self, make_raster, scene):
        ds = open_raster(make_raster(scene(3)))
        message = r"data has shape \(1, 4, 4\); expected \(3, 4, 4\)"
        with pytest.raises(BadInputError, match=message):
            read_valid_mask(ds, Window(0, 0, 4, 4), data=np.zeros((1, 4, 4)))


class TestSampleValidPixels:
    def test_sample_valid_pixels_only_valid(self, make_raster, scene):
        array = scene(3, "uint16")
        array[:, :, :32] = 0
        ds = open_raster(make_raster(array, nodata=0))
        sample = sample_valid_pixels(ds, 500, rng=np.random.default_rng(0))
        assert sample.shape == (3, 500) and sample.dtype == np.float64
        assert (sample > 0).all()

    def test_sample_valid_pixels_all_when_n_exceeds(self, make_raster, scene):
        array = scene(1, "uint8")
        array[:, 10:, :] = 0
        ds = open_raster(make_raster(array, nodata=0))
        sample = sample_valid_pixels(ds, 10_000, rng=np.random.default_rng(0))
        np.testing.assert_array_equal(np.sort(sample[0]), np.sort(array[0, :10].ravel()))

    def test_sample_valid_pixels_reads_bounded_blocks(self, make_raster, monkeypatch):
        # 600 x 600 = 9 blocks of 256 px; with the spread capped at 2 blocks, 2 are read.
        monkeypatch.setattr(windows_module, "_SAMPLE_BLOCKS", 2)
        ds = open_raster(make_raster(np.ones((1, 600, 600), dtype=np.uint8)))
        reads = []
        original = windows_module.read_window
        monkeypatch.setattr(
            windows_module, "read_window", lambda d, w, **k: reads.append(w) or original(d, w)
        )
        sample = sample_valid_pixels(ds, 20, rng=np.random.default_rng(0))
        assert sample.shape == (1, 20) and len(reads) == 2

    def test_sample_valid_pixels_seeded_repeatable(self, make_raster, scene):
        ds = open_raster(make_raster(scene(3)))
        first = sample_valid_pixels(ds, 50, rng=np.random.default_rng(3))
        second = sample_valid_pixels(ds, 50, rng=np.random.default_rng(3))
        np.testing.assert_array_equal(first, second)

    def test_sample_valid_pixels_rejects_n_below_one(self, make_raster, scene):
        ds = open_raster(make_raster(scene(1)))
        with pytest.raises(BadInputError, match="got 0"):
            sample_valid_pixels(ds, 0, rng=np.random.default_rng(0))


class TestRasterIsAllNodata:
    def test_raster_is_all_nodata_true(self, make_raster):
        ds = open_raster(make_raster(np.zeros((3, 300, 300), dtype=np.uint16), nodata=0))
        assert raster_is_all_nodata(ds)

    def test_raster_is_all_nodata_nan(self, make_raster):
        ds = open_raster(make_raster(np.full((1, 64, 64), np.nan, dtype=np.float32)))
        assert raster_is_all_nodata(ds)

    def test_raster_is_all_nodata_one_valid_pixel(self, make_raster):
        array = np.zeros((1, 300, 300), dtype=np.uint8)
        array[0, 299, 299] = 5
        assert not raster_is_all_nodata(open_raster(make_raster(array, nodata=0)))
