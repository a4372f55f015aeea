"""Tests of predict_raster's output: grid, agreement with in-memory prediction, nodata, TTA."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.inference import predict_probability
from engine.io.raster import Window, open_raster, read_valid_mask, read_window
from engine.model_file import load_model
from engine.normalization import BandStats, normalize
from engine.predict import NODATA, PredictConfig, predict_raster

from .conftest import write_image

#: Small windows keep the tests fast: 64 px with 25 % overlap is a stride of 48 px.
TILE = PredictConfig(tile_px=64, overlap=0.25, batch_size=3)


def _read(path: Path) -> np.ndarray:
    return open_raster(str(path)).ReadAsArray()


def _in_memory(model_path: Path, image_path: Path, config: PredictConfig) -> tuple:
    """Reference: normalise the whole raster in memory and predict it in one piece."""
    model, meta = load_model(model_path)
    ds = open_raster(str(image_path))
    window = Window.whole(ds.RasterXSize, ds.RasterYSize)
    data = read_window(ds, window)
    valid = read_valid_mask(ds, window, data=data)
    image = normalize(data, BandStats.from_dict(meta["normalization"]), valid_mask=valid)
    prob = predict_probability(model, image, tile_px=config.tile_px, overlap=config.overlap,
                               batch_size=config.batch_size, tta=config.tta)
    return prob, valid


def test_predict_raster_keeps_the_input_grid(model_rgb, image_150x200, tmp_path):
    out = tmp_path / "prob.tif"
    result = predict_raster(model_rgb, image_150x200, out, TILE, device="cpu")
    src, dst = open_raster(str(image_150x200)), open_raster(str(out))
    assert (dst.RasterXSize, dst.RasterYSize) == (src.RasterXSize, src.RasterYSize)
    assert dst.GetGeoTransform() == src.GetGeoTransform()
    assert dst.GetSpatialRef().IsSame(src.GetSpatialRef())
    assert result.pixels == 150 * 200 and result.out_path == str(out)
    assert result.windows_total == 3 * 4  # row starts 0, 48, 86; column starts 0, 48, 96, 136


@pytest.mark.parametrize("size", [
    (150, 200),  # several windows; neither side a multiple of the 48 px stride
    (50, 70),  # smaller than one window: read past the edges, padded
])
@pytest.mark.parametrize("dtype", ["byte", "float32"])
def test_predict_raster_equals_in_memory_prediction(model_rgb, scene_pixels, tmp_path, size,
                                                     dtype):
    image = write_image(tmp_path / "image.tif", scene_pixels[:, :size[0], :size[1]])
    config = PredictConfig(tile_px=64, overlap=0.25, batch_size=3, output_dtype=dtype)
    predict_raster(model_rgb, image, tmp_path / "prob.tif", config, device="cpu")
    expected, _ = _in_memory(model_rgb, image, config)
    assert expected.std() > 0.02  # a model whose output varies, or blending errors would hide
    got = _read(tmp_path / "prob.tif")
    if dtype == "byte":
        assert got.dtype == np.uint8
        np.testing.assert_allclose(got / 254.0, expected, atol=1 / 254)
    else:
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, atol=1e-4)


def test_predict_raster_writes_nodata_where_the_input_has_none(model_rgb, scene_pixels,
                                                               tmp_path):
    pixels = scene_pixels[:, :150, :200].copy()
    pixels[:, 20:40, 30:90] = 0  # a hole of nodata inside
    pixels[1, 100:110, 150:160] = 0  # one band missing is nodata too
    image = write_image(tmp_path / "image.tif", pixels)
    predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu")
    got = _read(tmp_path / "prob.tif")
    invalid = (pixels == 0).any(axis=0)
    assert np.all(got[invalid] == NODATA["byte"])
    assert np.all(got[~invalid] <= 254)


def test_predict_raster_skips_all_nodata_windows(model_rgb, scene_pixels, tmp_path):
    pixels = scene_pixels[:, :150, :128].copy()
    pixels[:, :, :64] = 0  # the left half is nodata: the first column of windows has no data
    image = write_image(tmp_path / "image.tif", pixels)
    result = predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu")
    assert result.windows_total == 3 * 3  # column starts 0, 48, 64
    assert result.windows_skipped_nodata == 3
    got = _read(tmp_path / "prob.tif")
    assert np.all(got[:, :64] == NODATA["byte"]) and np.all(got[:, 64:] <= 254)


def test_predict_raster_tta_differs_from_plain_and_stays_a_probability(model_rgb,
                                                                       image_150x200, tmp_path):
    plain = PredictConfig(tile_px=64, output_dtype="float32")
    predict_raster(model_rgb, image_150x200, tmp_path / "plain.tif", plain, device="cpu")
    tta = PredictConfig(tile_px=64, output_dtype="float32", tta=True)
    predict_raster(model_rgb, image_150x200, tmp_path / "tta.tif", tta, device="cpu")
    a, b = _read(tmp_path / "plain.tif"), _read(tmp_path / "tta.tif")
    assert np.abs(a - b).max() > 1e-3
    assert b.min() >= 0.0 and b.max() <= 1.0


@pytest.mark.parametrize("k", [1, 2])  # a quarter turn, a half turn
def test_predict_raster_tta_commutes_with_rotating_the_raster(model_rgb, scene_pixels,
                                                              tmp_path, k):
    # 112 px with 64 px windows at stride 48 puts windows at 0 and 48 on both axes, a layout
    # that turning maps onto itself; then TTA's average over D4 makes the whole result
    # equivariant: predicting the turned raster gives the turned prediction.
    pixels = scene_pixels[:, :112, :112]
    config = PredictConfig(tile_px=64, overlap=0.25, output_dtype="float32", tta=True)
    write_image(tmp_path / "a.tif", pixels)
    write_image(tmp_path / "b.tif", np.ascontiguousarray(np.rot90(pixels, k, axes=(1, 2))))
    predict_raster(model_rgb, tmp_path / "a.tif", tmp_path / "pa.tif", config, device="cpu")
    predict_raster(model_rgb, tmp_path / "b.tif", tmp_path / "pb.tif", config, device="cpu")
    turned = np.rot90(_read(tmp_path / "pa.tif"), k)
    np.testing.assert_allclose(_read(tmp_path / "pb.tif"), turned, atol=1e-4)


def test_predict_raster_writes_a_tiled_compressed_geotiff_with_overviews(model_rgb,
                                                                         scene_pixels, tmp_path):
    pixels = np.tile(scene_pixels[:, :64, :], (1, 1, 2))  # 64 x 512: one overview level
    image = write_image(tmp_path / "image.tif", pixels)
    predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu")
    ds = open_raster(str(tmp_path / "prob.tif"))
    band = ds.GetRasterBand(1)
    assert band.GetBlockSize() == [256, 256]
    assert ds.GetMetadata("IMAGE_STRUCTURE").get("COMPRESSION") == "DEFLATE"
    assert band.GetOverviewCount() == 1 and band.GetOverview(0).XSize == 256
    assert band.GetNoDataValue() == NODATA["byte"]
