"""Tests of predict_raster's checks before work: outputs, bands, pixel size; and cancel."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import CancelledError, ModelLoadError, OutputWriteError, RasterReadError
from engine.events import CollectingSink, Reporter
from engine.predict import PredictConfig, predict_raster

from .conftest import write_image

TILE = PredictConfig(tile_px=64, overlap=0.25, batch_size=1)


def test_predict_raster_refuses_to_overwrite_an_existing_output(model_rgb, image_150x200,
                                                               tmp_path):
    out = tmp_path / "prob.tif"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputWriteError, match="already exists; pass --overwrite"):
        predict_raster(model_rgb, image_150x200, out, TILE, device="cpu")
    assert out.read_bytes() == b"keep me"


def test_predict_raster_replaces_an_output_with_overwrite(model_rgb, image_150x200, tmp_path):
    out = tmp_path / "prob.tif"
    out.write_bytes(b"old")
    predict_raster(model_rgb, image_150x200, out, TILE, device="cpu", overwrite=True)
    assert out.read_bytes()[:2] in (b"II", b"MM")  # a TIFF now


@pytest.mark.parametrize("overwrite", [False, True])  # refused even when overwriting is allowed
def test_predict_raster_never_writes_over_its_input(model_rgb, image_150x200, overwrite):
    before = image_150x200.read_bytes()
    with pytest.raises(OutputWriteError, match="would overwrite the input image_path"):
        predict_raster(model_rgb, image_150x200, image_150x200, TILE, device="cpu",
                       overwrite=overwrite)
    assert image_150x200.read_bytes() == before


def test_predict_raster_rejects_a_missing_output_folder(model_rgb, image_150x200, tmp_path):
    with pytest.raises(OutputWriteError, match="does not exist"):
        predict_raster(model_rgb, image_150x200, tmp_path / "missing" / "prob.tif", TILE,
                       device="cpu")


def test_predict_raster_names_both_band_counts_on_a_mismatch(model_rgb, scene_pixels,
                                                             tmp_path):
    image = write_image(tmp_path / "pan.tif", scene_pixels[:1, :64, :64])
    with pytest.raises(ModelLoadError, match=r"trained on 3 band\(s\) but the raster .*pan\.tif"
                                             r" has 1") as caught:
        predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu")
    assert str(model_rgb) in str(caught.value)
    assert not (tmp_path / "prob.tif").exists()


@pytest.mark.parametrize(("raster_m", "factor"), [
    (1.0, "2.0x"),  # coarser than the 0.5 m training pixels
    (0.25, "0.5x"),  # finer
])
def test_predict_raster_warns_about_a_different_pixel_size(model_rgb, scene_pixels, tmp_path,
                                                           raster_m, factor):
    image = write_image(tmp_path / "image.tif", scene_pixels[:, :64, :64], pixel_m=raster_m)
    sink = CollectingSink()
    predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu",
                   reporter=Reporter(sink))
    [warning] = sink.of_kind("warning")
    assert f"raster pixel {raster_m:.2f} m is {factor} the model's 0.50 m" in warning["message"]


def test_predict_raster_does_not_warn_within_the_pixel_size_tolerance(model_rgb, scene_pixels,
                                                                      tmp_path):
    image = write_image(tmp_path / "image.tif", scene_pixels[:, :64, :64], pixel_m=0.6)
    sink = CollectingSink()
    predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu",
                   reporter=Reporter(sink))
    assert sink.of_kind("warning") == []


def test_predict_raster_reports_progress_per_batch(model_rgb, image_150x200, tmp_path):
    sink = CollectingSink()
    predict_raster(model_rgb, image_150x200, tmp_path / "prob.tif", TILE, device="cpu",
                   reporter=Reporter(sink))
    done = [e["done"] for e in sink.of_kind("progress") if e["stage"] == "predicting"]
    assert done == list(range(13))  # 12 windows, batches of 1, and the start at 0


def test_predict_raster_cancel_leaves_no_file(model_rgb, image_150x200, tmp_path):
    sink = CollectingSink()
    reporter = Reporter(sink, should_stop=lambda: len(sink.of_kind("progress")) >= 2)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(CancelledError):
        predict_raster(model_rgb, image_150x200, out_dir / "prob.tif", TILE, device="cpu",
                       reporter=reporter)
    assert os.listdir(out_dir) == []  # neither the output nor its temporary file
    assert not [t for t in threading.enumerate() if t.name.startswith("predict-")]


def test_predict_raster_refuses_an_all_nan_raster(model_rgb, tmp_path):
    image = write_image(tmp_path / "nan.tif", np.full((3, 64, 64), np.nan, np.float32),
                        nodata=None)
    with pytest.raises(RasterReadError, match=r"nan\.tif holds only nodata pixels"):
        predict_raster(model_rgb, image, tmp_path / "prob.tif", TILE, device="cpu")
    assert sorted(os.listdir(tmp_path)) == ["nan.tif"]


def test_predict_raster_passes_on_a_read_error_of_the_reader_thread(model_rgb, image_150x200,
                                                                    tmp_path):
    vrt = tmp_path / "mosaic.vrt"
    gdal.BuildVRT(str(vrt), [str(image_150x200)]).FlushCache()
    image_150x200.unlink()  # the header opens; reading the pixels fails in the reader thread
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(RasterReadError, match=r"mosaic\.vrt: its pixels .* cannot be read.*"
                                              r"a file it is made of is missing"):
        predict_raster(model_rgb, vrt, out_dir / "prob.tif", TILE, device="cpu")
    assert os.listdir(out_dir) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("predict-")]


@pytest.mark.parametrize(("raster_m", "warns"), [
    (0.3, False), (1.0, False),  # the ends of the range a base model was trained on
    (0.15, True),  # half its finest pixel
    (2.0, True),  # twice its coarsest
])
def test_check_pixel_size_measures_from_the_nearest_end_of_a_trained_range(raster_m, warns):
    from types import SimpleNamespace

    from engine.predict.streaming import check_pixel_size

    sink = CollectingSink()
    check_pixel_size(SimpleNamespace(pixel_size_m=raster_m),
                     {"pixel_size_m": 0.55, "pixel_size_range_m": [0.3, 1.0]}, Reporter(sink))
    assert bool(sink.of_kind("warning")) == warns
