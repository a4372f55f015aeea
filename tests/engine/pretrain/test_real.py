"""Tests of engine.pretrain.real and of pretraining with real labelled images."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.events import CollectingSink, Reporter
from engine.labels import IGNORE
from engine.model_file import read_model_file
from engine.pretrain import PretrainConfig, PretrainJob, RealImage, pretrain
from engine.pretrain.real import load_real_images, real_scene

#: One chunk of two steps on two 64 px scenes, with a 128 px hold-out tile side
#: small enough for the 160 px test scene.
TINY = PretrainConfig(bands=3, scene_px=64, scenes_per_chunk=2, steps=2, chunk_steps=2,
                      real_holdout_tile_px=40)


def _real(files) -> RealImage:
    return RealImage(str(files["image"]), str(files["roads"]), str(files["aoi"]))


def test_real_images_hold_out_whole_tiles_the_same_on_every_run(scene_files):
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout": 0.3})
    images, holdout = load_real_images(config)
    again = load_real_images(config)[1]
    assert holdout and [t.window for t in holdout] == [t.window for t in again]
    for tile in holdout:
        w = tile.window
        trained = images[0].labels[w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols]
        assert np.all(trained == IGNORE)  # never trained on
        assert np.any(tile.labels != IGNORE)


def test_real_images_refuse_another_band_count(scene_files):
    config = TINY.updated({"bands": 1, "real_images": [_real(scene_files)]})
    with pytest.raises(BadInputError, match="has 3 band\\(s\\) but the base model is for 1"):
        load_real_images(config)


def test_real_scene_is_normalised_by_its_own_percentiles(scene_files):
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout": 0.0})
    image = load_real_images(config)[0][0]
    scene = real_scene(image, jitter=0.0, percentiles=(2.0, 98.0),
                       rng=np.random.default_rng(0))
    inside = scene.image[:, image.valid]
    assert np.all(np.abs(np.percentile(inside, [2, 98], axis=1) - [[0.0], [1.0]]) < 0.02)
    assert np.array_equal(scene.labels, image.labels)


def test_pretrain_with_a_real_image_records_it_and_chooses_a_threshold(scene_files, tmp_path,
                                                                        tiny_config):
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout": 0.3})
    out = tmp_path / "base.pt"
    pretrain(PretrainJob(out=str(out)), config, tiny_config, device="cpu",
             reporter=Reporter(CollectingSink()))
    meta = read_model_file(out)[1]
    seen = meta["training_data"]["images"]
    digest = hashlib.sha256(scene_files["image"].read_bytes()).hexdigest()
    assert [s["image"] for s in seen] == ["image.tif"]
    assert seen[0]["files"] == [{"name": "image.tif", "sha256": digest}]
    assert "/" not in seen[0]["labels"]  # no folder of this machine in a shipped file
    assert meta["pretrain"]["images_seen"] == \
        "generated scenes and 1 real labelled image(s): image.tif"
    threshold = meta["decision_threshold"]
    assert threshold["rule"] == tiny_config.threshold_rule and 0 < threshold["value"] <= 1
    assert meta["pretrain"]["holdout"]["threshold"] == threshold
    assert set(meta["holdout_metrics"]) >= {"iou", "f1", "relaxed_f1"}


def test_pretrain_on_real_images_alone_generates_no_scene(scene_files, tmp_path, tiny_config,
                                                         monkeypatch):
    import engine.pretrain.run as run

    def no_scenes(*args, **kwargs):
        raise AssertionError("a scene was generated although real_share is 1")

    monkeypatch.setattr(run, "chunk_scenes", no_scenes)
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout": 0.3,
                           "real_share": 1.0})
    out = tmp_path / "base.pt"
    result = pretrain(PretrainJob(out=str(out)), config, tiny_config, device="cpu",
                      reporter=Reporter(CollectingSink()))
    meta = read_model_file(out)[1]
    assert result.scenes == 0 and meta["pretrain"]["scenes"] == 0
    assert meta["pretrain"]["images_seen"] == "1 real labelled image(s): image.tif"
    # the pixel size learned is the real image's, not the generator's range
    pixel = abs(_pixel_m(scene_files["image"]))
    assert meta["pixel_size_m"] == pytest.approx(pixel)
    assert meta["pixel_size_range_m"] == [pytest.approx(pixel)] * 2


def test_pretrain_with_scale_augmentation_records_the_zoomed_pixel_sizes(
        scene_files, tmp_path, tiny_config):
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout": 0.3,
                           "real_share": 1.0})
    out = tmp_path / "base.pt"
    zoomed = tiny_config.updated({"augment": {"scale": 1.0}})
    pretrain(PretrainJob(out=str(out)), config, zoomed, device="cpu",
             reporter=Reporter(CollectingSink()))
    meta = read_model_file(out)[1]
    pixel = abs(_pixel_m(scene_files["image"]))
    # crops read at 1/2 to 2 x their side and resized: pixels of half to twice the image's
    assert meta["pixel_size_range_m"] == [pytest.approx(pixel / 2), pytest.approx(pixel * 2)]
    assert meta["pixel_size_m"] == pytest.approx(pixel)


def _pixel_m(path) -> float:
    from osgeo import gdal

    return gdal.Open(str(path)).GetGeoTransform()[1]


def test_pretrain_without_real_images_keeps_no_threshold(tmp_path, tiny_config):
    out = tmp_path / "base.pt"
    pretrain(PretrainJob(out=str(out)), TINY, tiny_config, device="cpu",
             reporter=Reporter(CollectingSink()))
    meta = read_model_file(out)[1]
    assert "decision_threshold" not in meta and meta["pretrain"]["holdout"] is None


def test_real_images_too_small_for_the_hold_out_say_which_setting(scene_files):
    config = TINY.updated({"real_images": [_real(scene_files)], "real_holdout_tile_px": 128})
    with pytest.raises(BadInputError, match="real_holdout 0.2, tiles of 128 px"):
        load_real_images(config)


def test_a_vrt_is_recorded_with_the_files_it_reads(scene_files, tmp_path):
    from osgeo import gdal

    vrt = tmp_path / "view.vrt"
    gdal.Translate(str(vrt), str(scene_files["image"]), format="VRT")
    real = RealImage(str(vrt), str(scene_files["roads"]), str(scene_files["aoi"]))
    image = load_real_images(TINY.updated({"real_images": [real], "real_holdout": 0.0}))[0][0]
    names = [name for name, _ in image.files]
    assert names == ["view.vrt", "image.tif"]
    digest = hashlib.sha256(scene_files["image"].read_bytes()).hexdigest()
    assert dict(image.files)["image.tif"] == digest
