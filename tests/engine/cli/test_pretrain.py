"""Tests of ``pretrain`` and of the options that use its models: ``train --init`` and
``--model base`` (in-process CLI, tiny network, generated scenes)."""

from __future__ import annotations

import json

import pytest

import engine.base_model as base_model
from engine.base_model import base_model_name
from engine.model_file import read_model_file

from .conftest import write_model


@pytest.fixture
def config_file(tmp_path, tiny_config):
    """The tiny training configuration, as a --config file."""
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_config.to_dict()))
    return path


def _pretrain(run_cli, out, config_file, *extra):
    return run_cli("pretrain", "--out", out, "--profile", "fast", "--config", config_file,
                   "--steps", "2", "--scenes-per-chunk", "2", "--device", "cpu",
                   "--progress", "json", *extra)


def test_cli_pretrain_writes_a_base_model_with_progress_events(run_cli, tmp_path,
                                                               config_file):
    run = _pretrain(run_cli, tmp_path / "base.pt", config_file, "--bands", "1", "--seed", "4")
    assert run.code == 0, run.err
    stages = {e["stage"] for e in run.events if e["event"] == "progress"}
    assert {"pretrain chunk 1/1: scenes", "pretrain chunk 1/1: training"} <= stages
    done = run.events[-1]
    assert (done["event"], done["steps"], done["scenes"]) == ("done", 2, 2)
    meta = read_model_file(tmp_path / "base.pt")[1]
    assert meta["bands"]["count"] == 1 and meta["pretrain"]["seed"] == 4
    assert meta["pretrain"]["images_seen"] == "generated scenes only"


def test_cli_pretrain_resume_of_a_finished_model_trains_nothing(run_cli, tmp_path,
                                                                 config_file):
    out = tmp_path / "base.pt"
    assert _pretrain(run_cli, out, config_file).code == 0
    run = _pretrain(run_cli, out, config_file, "--resume")
    assert run.code == 0 and run.events[-1]["already_finished"] is True
    again = _pretrain(run_cli, out, config_file)  # neither --resume nor --overwrite
    assert again.code == 2 and "--resume" in again.error


def _train(run_cli, files, out, config_file, *extra):
    return run_cli("train", "--image", files["image"], "--roads", files["roads"], "--aoi",
                   files["aoi"], "--out", out, "--profile", "fast", "--config", config_file,
                   "--steps", "2", "--rounds", "1", "--device", "cpu", "--progress", "json",
                   *extra)


def test_cli_train_init_path_adapts_a_pan_model_to_rgb(run_cli, scene_files, tmp_path,
                                                       config_file, tiny_config):
    init = write_model(tmp_path / "pan.pt", tiny_config, bands=1)
    run = _train(run_cli, scene_files, tmp_path / "m.pt", config_file, "--init", init)
    assert run.code == 0, run.error
    assert run.events[-1]["init_model"] == str(init)
    assert any("adapted from 1 to 3 bands" in e["stage"] for e in run.events
               if e["event"] == "progress")
    assert read_model_file(tmp_path / "m.pt")[1]["init_model"] == str(init)


def test_cli_train_init_of_another_architecture_continues_with_that_one(run_cli, scene_files,
                                                                         tmp_path, config_file,
                                                                         tiny_config):
    # The dock continues a model with its own profile: the model's network must be kept.
    init = write_model(tmp_path / "other.pt", tiny_config.updated({"model": {"depth": 3}}))
    run = _train(run_cli, scene_files, tmp_path / "m.pt", config_file, "--init", init)
    assert run.code == 0, run.error
    assert read_model_file(tmp_path / "m.pt")[1]["config"]["model"]["depth"] == 3
    assert any("'depth': 3" in e["message"] for e in run.events if e["event"] == "warning")


def test_cli_train_init_auto_without_a_base_model_warns(run_cli, scene_files, tmp_path,
                                                        config_file, monkeypatch):
    monkeypatch.setattr(base_model, "BASE_MODELS_DIR", tmp_path / "models")
    run = _train(run_cli, scene_files, tmp_path / "m.pt", config_file, "--init", "auto")
    assert run.code == 0, run.error
    assert any("no base model for 3-band rasters" in e["message"] for e in run.events
               if e["event"] == "warning")
    assert run.events[-1]["init_model"] is None


def test_cli_extract_model_base_without_a_bundled_one_exits_2(run_cli, scene_files,
                                                              tmp_path, monkeypatch):
    monkeypatch.setattr(base_model, "BASE_MODELS_DIR", tmp_path / "models")
    run = run_cli("extract", "--model", "base", "--image", scene_files["image"], "--out-dir",
                  tmp_path, "--device", "cpu", "--progress", "json")
    assert run.code == 2
    assert "--model base: no base model for 3-band rasters is bundled yet" in run.error


def test_cli_predict_model_base_uses_the_base_model_of_the_band_count(run_cli, scene_files,
                                                                      tmp_path, monkeypatch,
                                                                      tiny_config):
    folder = tmp_path / "models"
    folder.mkdir()
    write_model(folder / base_model_name(3), tiny_config)
    monkeypatch.setattr(base_model, "BASE_MODELS_DIR", folder)
    run = run_cli("predict", "--model", "base", "--image", scene_files["image"], "--out",
                  tmp_path / "prob.tif", "--device", "cpu", "--progress", "json")
    assert run.code == 0, run.error
    assert (tmp_path / "prob.tif").exists()


def test_cli_pretrain_trains_on_real_images_beside_the_scenes(run_cli, tmp_path, config_file,
                                                              scene_factory):
    real = scene_factory(tmp_path / "real", size_px=320)  # room for 128 px hold-out tiles
    run = _pretrain(run_cli, tmp_path / "base.pt", config_file, "--real",
                    real["image"], real["roads"], real["aoi"], "--real-share", "0.3")
    assert run.code == 0, run.err
    meta = read_model_file(tmp_path / "base.pt")[1]
    assert meta["pretrain"]["settings"]["real_share"] == 0.3
    assert [s["image"] for s in meta["training_data"]["images"]] == ["image.tif"]
    assert "decision_threshold" in meta


def test_cli_pretrain_refuses_real_without_its_labels(run_cli, tmp_path, config_file,
                                                      scene_files):
    run = _pretrain(run_cli, tmp_path / "base.pt", config_file, "--real",
                    scene_files["image"])
    assert run.code == 2 and "--real takes IMAGE ROADS [AOI]; got 1 file(s)" in run.error
