"""Tests of engine.normalization: band statistics and scaling."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError, RasterReadError
from engine.io.raster import write_raster
from engine.normalization import BandStats, compute_band_stats, model_stats, normalize

UTM_GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)


@pytest.fixture
def raster(tmp_path):
    """Factory writing ``array`` (bands, rows, cols) as a GeoTIFF named ``name``."""

    def make(array: np.ndarray, name: str = "image.tif", nodata: float | None = None) -> str:
        path = str(tmp_path / name)
        write_raster(path, array, geotransform=UTM_GT, crs_wkt="EPSG:32631", nodata=nodata)
        return path

    return make


def ramp(bands: int, dtype: str = "uint16") -> np.ndarray:
    """Band b holds 0..4095 plus 1000 * b, each value once."""
    values = np.arange(64 * 64).reshape(64, 64)
    return np.stack([values + 1000 * b for b in range(bands)]).astype(dtype)


class TestBandStats:
    def test_band_stats_constant_band_widened(self):
        stats = BandStats(low=(5.0, 0.0), high=(5.0, 10.0))
        assert stats.high == (6.0, 10.0)

    def test_band_stats_high_below_low(self):
        message = r"high must be >= low.*low=\(5.0,\), high=\(4.0,\)"
        with pytest.raises(BadInputError, match=message):
            BandStats(low=(5.0,), high=(4.0,))

    def test_band_stats_length_mismatch(self):
        with pytest.raises(BadInputError, match="got 2 and 3"):
            BandStats(low=(0, 0), high=(1, 1, 1))

    def test_band_stats_not_finite(self):
        with pytest.raises(BadInputError, match="finite"):
            BandStats(low=(0.0,), high=(float("nan"),))

    @pytest.mark.parametrize("percentiles", [(98.0, 2.0), (-1.0, 50.0), (2.0, 101.0), (5.0,)])
    def test_band_stats_bad_percentiles(self, percentiles):
        with pytest.raises(BadInputError, match="percentiles must be"):
            BandStats(low=(0.0,), high=(1.0,), percentiles=percentiles)

    def test_band_stats_dict_roundtrip(self):
        stats = BandStats(low=(1, 2, 3), high=(4, 5, 6), percentiles=(1, 99))
        assert BandStats.from_dict(stats.to_dict()) == stats
        assert stats.to_dict() == {
            "low": [1.0, 2.0, 3.0], "high": [4.0, 5.0, 6.0], "percentiles": [1.0, 99.0]
        }

    def test_band_stats_from_dict_missing_key(self):
        with pytest.raises(BadInputError, match="'low' and 'high'"):
            BandStats.from_dict({"low": [0.0]})


class TestComputeBandStats:
    @pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB + NIR
    def test_compute_band_stats_percentiles_of_ramp(self, raster, bands):
        stats = compute_band_stats([raster(ramp(bands))], rng=np.random.default_rng(0))
        # All 4096 pixels are sampled: the 2nd and 98th percentiles of 0..4095.
        expected_low = np.percentile(np.arange(4096), 2.0)
        expected_high = np.percentile(np.arange(4096), 98.0)
        assert stats.low == pytest.approx([expected_low + 1000 * b for b in range(bands)])
        assert stats.high == pytest.approx([expected_high + 1000 * b for b in range(bands)])
        assert stats.percentiles == (2.0, 98.0)

    def test_compute_band_stats_ignores_nodata(self, raster):
        array = np.full((1, 64, 64), 150, dtype=np.uint8)
        array[0, :32] = 0
        array[0, 40, 40] = 200
        stats = compute_band_stats([raster(array, nodata=0)], percentiles=(0.0, 100.0),
                                   rng=np.random.default_rng(0))
        assert (stats.low, stats.high) == ((150.0,), (200.0,))

    def test_compute_band_stats_several_rasters(self, raster):
        dark = raster(np.full((1, 64, 64), 10, dtype=np.uint8), "dark.tif")
        bright = raster(np.full((1, 64, 64), 200, dtype=np.uint8), "bright.tif")
        stats = compute_band_stats([dark, bright], percentiles=(1.0, 99.0), sample_size=1000,
                                   rng=np.random.default_rng(0))
        assert (stats.low, stats.high) == ((10.0,), (200.0,))

    def test_compute_band_stats_band_count_mismatch(self, raster):
        rgb = raster(ramp(3), "rgb.tif")
        rgbn = raster(ramp(4), "rgbn.tif")
        with pytest.raises(BadInputError, match="rgb.tif has 3 bands but .*rgbn.tif has 4"):
            compute_band_stats([rgb, rgbn], rng=np.random.default_rng(0))

    def test_compute_band_stats_all_nodata(self, raster):
        good = raster(ramp(1), "good.tif")
        empty = raster(np.zeros((1, 64, 64), dtype=np.uint16), "empty.tif", nodata=0)
        with pytest.raises(RasterReadError, match="empty.tif has no valid pixel"):
            compute_band_stats([good, empty], rng=np.random.default_rng(0))

    def test_compute_band_stats_needs_paths(self):
        with pytest.raises(BadInputError, match="at least one raster"):
            compute_band_stats([], rng=np.random.default_rng(0))

    def test_compute_band_stats_sample_size_positive(self, raster):
        with pytest.raises(BadInputError, match="sample_size must be >= 1; got 0"):
            compute_band_stats([raster(ramp(1))], sample_size=0, rng=np.random.default_rng(0))


class TestNormalize:
    @pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
    def test_normalize_maps_low_to_0_high_to_1(self, dtype):
        array = np.array([[[10, 20, 30]], [[0, 50, 100]]], dtype=dtype)
        stats = BandStats(low=(10.0, 0.0), high=(30.0, 100.0))
        out = normalize(array, stats)
        assert out.dtype == np.float32 and out.shape == (2, 1, 3)
        np.testing.assert_allclose(out, [[[0.0, 0.5, 1.0]], [[0.0, 0.5, 1.0]]])

    def test_normalize_clips_to_minus_1_and_2(self):
        out = normalize(np.array([[[-100.0, 500.0]]]), BandStats(low=(0.0,), high=(100.0,)))
        np.testing.assert_array_equal(out, [[[-1.0, 2.0]]])

    def test_normalize_invalid_and_nan_are_zero(self):
        array = np.array([[[50.0, 60.0, np.nan]]], dtype=np.float32)
        out = normalize(array, BandStats(low=(0.0,), high=(100.0,)),
                        valid_mask=np.array([[False, True, True]]))
        np.testing.assert_allclose(out, [[[0.0, 0.6, 0.0]]])

    def test_normalize_band_count_mismatch(self):
        with pytest.raises(BadInputError, match="array has 3 bands but the statistics describe 4"):
            normalize(np.zeros((3, 2, 2)), BandStats(low=(0,) * 4, high=(1,) * 4))

    def test_normalize_mask_shape_mismatch(self):
        with pytest.raises(BadInputError, match="valid_mask has shape"):
            normalize(np.zeros((1, 2, 2)), BandStats(low=(0,), high=(1,)),
                      valid_mask=np.ones((3, 3), dtype=bool))

    def test_normalize_input_not_modified(self):
        array = np.array([[[5, 6]]], dtype=np.uint16)
        normalize(array, BandStats(low=(0,), high=(10,)), valid_mask=np.array([[False, True]]))
        np.testing.assert_array_equal(array, [[[5, 6]]])


def test_model_stats_are_the_stored_ones_by_default(raster):
    path = raster(ramp(2))
    stored = BandStats((1.0, 2.0), (10.0, 20.0))
    assert model_stats({"normalization": stored.to_dict()}, path) == stored


def test_model_stats_of_an_image_scoped_model_are_the_rasters_own(raster):
    path = raster(ramp(2))
    meta = {"normalization": BandStats((0.0, 0.0), (1.0, 1.0), (5.0, 95.0)).to_dict(),
            "normalization_scope": "image"}
    expected = compute_band_stats([path], percentiles=(5.0, 95.0),
                                  rng=np.random.default_rng(0))
    assert model_stats(meta, path) == expected
    assert expected.low[1] > expected.low[0] + 900  # band 1 is band 0 plus 1000


def test_model_stats_refuses_an_unknown_scope(raster):
    meta = {"normalization": BandStats((0.0,), (1.0,)).to_dict(),
            "normalization_scope": "tile"}
    with pytest.raises(BadInputError, match="normalization_scope 'tile'"):
        model_stats(meta, raster(ramp(1)))
