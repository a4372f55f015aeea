"""End-to-end tests of engine.training.train on generated scenes (tiny model, CPU)."""

from __future__ import annotations

import errno
import shutil

import numpy as np
import pytest
import torch

from engine.errors import (
    BadInputError,
    CancelledError,
    LabelsOutsideRasterError,
    OutputWriteError,
    RasterReadError,
)
from engine.events import CollectingSink, Reporter
from engine.io.raster import read_info, write_raster
from engine.io.vector import VectorLayer, write_layers
from engine.model_file import load_model, read_model_file
from engine.models import build_model
from engine.normalization import BandStats
from engine.training import TrainJob, rounds_dir, train


def job_for(files, out, **kwargs) -> TrainJob:
    return TrainJob(images=(str(files["image"]),), roads=str(files["roads"]),
                    aoi=str(files["aoi"]), out=str(out), **kwargs)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, scene_files, tiny_config):
    """One short training run shared by the tests that only read its results."""
    out = tmp_path_factory.mktemp("trained") / "model.pt"
    sink = CollectingSink()
    config = tiny_config.updated({"steps_per_round": 60})
    result = train(job_for(scene_files, out), config, device="cpu", reporter=Reporter(sink))
    return result, sink, out, config


def test_train_raises_scene_iou_well_above_an_untrained_model(trained, scene_files, scene_iou):
    result, _, out, config = trained
    model, meta = load_model(out)
    stats = BandStats.from_dict(meta["normalization"])
    untrained = build_model(config.model, in_channels=3, seed=0).eval()
    iou_trained = scene_iou(model, scene_files, stats)
    iou_untrained = scene_iou(untrained, scene_files, stats)
    untrained_or_zero = 0.0 if np.isnan(iou_untrained) else iou_untrained
    assert iou_trained > 0.35
    assert iou_trained > untrained_or_zero + 0.25


def test_train_reports_per_round_validation_metrics(trained):
    result, sink, _, config = trained
    assert [r["round"] for r in result.rounds] == list(range(1, len(result.rounds) + 1))
    ious = [e for e in sink.of_kind("metric") if e["name"] == "iou"]
    assert len(ious) == len(result.rounds)
    assert all(r["metrics"]["iou"] is not None for r in result.rounds)
    best = max(result.rounds, key=lambda r: r["metrics"]["iou"])
    assert result.best_round == best["round"]


def test_train_writes_a_self_describing_model_file(trained):
    result, _, out, config = trained
    state, meta = read_model_file(out)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    assert meta["bands"]["count"] == 3
    assert len(meta["normalization"]["low"]) == 3
    assert meta["config"]["model"] == config.to_dict()["model"]
    assert meta["pixel_size_m"] == pytest.approx(0.5)
    assert meta["engine_version"]
    assert meta["round"] == result.best_round
    assert [r["round"] for r in meta["rounds"]] == list(range(1, meta["round"] + 1))


def test_train_keeps_every_finished_round(trained):
    result, sink, out, _ = trained
    kept = sorted(p.name for p in rounds_dir(out).glob("round_*.pt"))
    assert kept == [f"round_{r['round']:03d}.pt" for r in result.rounds]
    assert not list(out.parent.glob(".*tmp"))  # no temporary file left behind
    artifacts = [e["kind"] for e in sink.of_kind("artifact")]
    assert artifacts.count("round_model") == len(result.rounds)


def test_train_resume_continues_after_the_last_round(tmp_path, scene_files, tiny_config):
    out = tmp_path / "m.pt"
    first = train(job_for(scene_files, out), tiny_config.updated({"max_rounds": 1,
                                                                   "steps_per_round": 5}),
                  device="cpu")
    resumed = train(job_for(scene_files, out, resume=True),
                    tiny_config.updated({"max_rounds": 2, "steps_per_round": 5,
                                         "patience_rounds": 5}), device="cpu")
    assert len(resumed.rounds) == 2
    # Round 1 is not trained again: its record (down to its timing) comes from the file.
    assert resumed.rounds[0]["seconds"] == first.rounds[0]["seconds"]
    assert resumed.rounds[0]["losses"] == first.rounds[0]["losses"]
    assert (rounds_dir(out) / "round_002.pt").exists()


def test_train_refuses_to_replace_an_existing_model(tmp_path, scene_files, tiny_config):
    out = tmp_path / "m.pt"
    out.write_bytes(b"precious")
    with pytest.raises(OutputWriteError, match="already exists"):
        train(job_for(scene_files, out), tiny_config, device="cpu")
    assert out.read_bytes() == b"precious"


def test_train_rejects_an_output_folder_that_does_not_exist(tmp_path, scene_files, tiny_config):
    with pytest.raises(OutputWriteError, match="does not exist"):
        train(job_for(scene_files, tmp_path / "missing" / "m.pt"), tiny_config, device="cpu")


def test_train_disk_full_leaves_nothing_half_written(tmp_path, scene_files, tiny_config,
                                                     monkeypatch):
    def full_disk(obj, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(torch, "save", full_disk)
    out = tmp_path / "m.pt"
    with pytest.raises(OutputWriteError, match="No space left"):
        train(job_for(scene_files, out), tiny_config.updated({"steps_per_round": 2}),
              device="cpu")
    assert not out.exists()
    leftovers = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_train_cancel_stops_and_leaves_no_model(tmp_path, scene_files, tiny_config):
    sink = CollectingSink()
    reporter = Reporter(sink, should_stop=lambda: len(sink.of_kind("progress")) >= 3)
    out = tmp_path / "m.pt"
    with pytest.raises(CancelledError):
        train(job_for(scene_files, out), tiny_config, device="cpu", reporter=reporter)
    assert not out.exists()
    assert not list(rounds_dir(out).glob("round_*.pt"))


def test_train_resume_rejects_rasters_with_other_band_count(tmp_path, scene_files, tiny_config,
                                                           scene_factory):
    out = tmp_path / "m.pt"
    train(job_for(scene_files, out), tiny_config.updated({"max_rounds": 1,
                                                          "steps_per_round": 2}), device="cpu")
    pan = scene_factory(tmp_path / "pan", bands=1)
    with pytest.raises(BadInputError, match="band"):
        train(job_for(pan, out, resume=True), tiny_config, device="cpu")


def test_train_rejects_labels_that_miss_the_raster(tmp_path, scene_files, tiny_config):
    info = read_info(str(scene_files["image"]))
    x, y = info.bounds[2] + 5000, info.bounds[3] + 5000
    far = tmp_path / "far.gpkg"
    write_layers(str(far), [VectorLayer("roads", "LineString", info.crs_wkt,
                                        [f"LINESTRING ({x} {y}, {x + 50} {y})"])])
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(far), out=str(tmp_path / "m"))
    with pytest.raises(LabelsOutsideRasterError, match="do not overlap") as err:
        train(job, tiny_config, device="cpu")
    assert f"{x:.10g}" in str(err.value)  # the labels' extent
    assert f"{info.bounds[0]:.10g}" in str(err.value)  # the raster's extent


def test_train_rejects_labels_without_background(tmp_path, scene_files, tiny_config):
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   out=str(tmp_path / "m.pt"))
    with pytest.raises(BadInputError, match="no background pixel"):
        train(job, tiny_config, device="cpu")


def test_train_rejects_a_missing_raster(tmp_path, scene_files, tiny_config):
    job = TrainJob(images=(str(tmp_path / "nope.tif"),), roads=str(scene_files["roads"]),
                   out=str(tmp_path / "m.pt"))
    with pytest.raises(RasterReadError, match="nope.tif"):
        train(job, tiny_config, device="cpu")


def test_train_rejects_a_raster_without_crs(tmp_path, scene_files, tiny_config):
    from osgeo import gdal

    plain = tmp_path / "nocrs.tif"
    ds = gdal.GetDriverByName("GTiff").Create(str(plain), 64, 64, 3, gdal.GDT_Byte)
    ds.SetGeoTransform((0, 1, 0, 0, 0, -1))  # georeferenced, but with no CRS
    ds = None
    job = TrainJob(images=(str(plain),), roads=str(scene_files["roads"]),
                   out=str(tmp_path / "m.pt"))
    with pytest.raises(RasterReadError, match="coordinate reference system"):
        train(job, tiny_config, device="cpu")


def test_train_rejects_an_all_nodata_raster(tmp_path, scene_files, tiny_config):
    info = read_info(str(scene_files["image"]))
    empty = tmp_path / "empty.tif"
    write_raster(str(empty), np.zeros((3, 64, 64), np.uint8), geotransform=info.geotransform,
                 crs_wkt=info.crs_wkt, nodata=0)
    job = job_for(scene_files, tmp_path / "m.pt", unlabeled=(str(empty),))
    with pytest.raises(RasterReadError, match="only nodata"):
        train(job, tiny_config, device="cpu")


def test_train_rejects_road_width_not_positive(tmp_path, scene_files, tiny_config):
    with pytest.raises(BadInputError, match="road_width_m"):
        train(job_for(scene_files, tmp_path / "m.pt"),
              tiny_config.updated({"road_width_m": 0.0}), device="cpu")


def test_train_does_not_touch_its_inputs(tmp_path, scene_files, tiny_config):
    copies = tmp_path / "in"
    shutil.copytree(scene_files["image"].parent, copies)
    before = {p.name: p.read_bytes() for p in copies.iterdir()}
    files = {k: copies / v.name for k, v in scene_files.items()}
    train(job_for(files, tmp_path / "m.pt"), tiny_config.updated(
        {"max_rounds": 1, "steps_per_round": 2}), device="cpu")
    assert {p.name: p.read_bytes() for p in copies.iterdir()} == before


@pytest.mark.parametrize(("arch", "mode"), [
    ("unet", "soft"),  # ISD-style soft negatives with the EMA teacher
    ("resnet18", "hard"),  # torchvision encoder with the LinkNet decoder
])
def test_train_runs_each_architecture_and_negatives_mode(tmp_path, scene_files, tiny_config,
                                                         arch, mode):
    sink = CollectingSink()
    config = tiny_config.updated({
        "model": {"arch": arch}, "max_rounds": 1, "steps_per_round": 6,
        "contrastive": {"negatives_mode": mode, "rampup_fraction": 0.0}})
    result = train(job_for(scene_files, tmp_path / "m.pt"), config, device="cpu",
                   reporter=Reporter(sink))
    contrast = [e["loss_contrastive"] for e in sink.of_kind("progress")
                if "loss_contrastive" in e]
    # A step shows a contrastive loss only when a pair gave one (a random network may
    # call everything background, leaving background anchors no negative).
    assert len(contrast) == 6 and any(c is not None and np.isfinite(c) for c in contrast)
    share = result.rounds[0]["losses"]["contrastive_step_share"]
    assert share == sum(c is not None for c in contrast) / 6
    model, meta = load_model(result.model_path)
    assert meta["config"]["model"]["arch"] == arch


def test_train_rejects_labels_without_any_road(tmp_path, scene_files, tiny_config):
    info = read_info(str(scene_files["image"]))
    empty_roads = tmp_path / "roads.gpkg"
    write_layers(str(empty_roads), [VectorLayer("roads", "LineString", info.crs_wkt, [],
                                                field_types={"width": "float"},
                                                fields={"width": []})])
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(empty_roads),
                   aoi=str(scene_files["aoi"]), out=str(tmp_path / "m.pt"))
    with pytest.raises(BadInputError, match="no road pixel"):
        train(job, tiny_config, device="cpu")


def test_pseudo_label_thresholds_are_recorded_per_round(tmp_path, scene_files, tiny_config):
    config = tiny_config.updated({"pseudo": {"calibrate_precision": 0.0}})
    result = train(job_for(scene_files, tmp_path / "fixed.pt"), config, device="cpu")
    assert result.rounds[0]["pseudo_thresholds"] is None  # round 1 has no pseudo-labels
    assert tuple(result.rounds[1]["pseudo_thresholds"]) == (0.9, 0.1)


def test_the_threshold_stored_in_the_model_is_the_one_outputs_use(trained, scene_files,
                                                                  tmp_path):
    from engine.cli.main import main as cli_main
    from engine.predict import predict_raster
    from engine.threshold import raster_threshold

    result, _, out, _ = trained
    _, meta = load_model(out)
    chosen = result.rounds[result.best_round - 1]["threshold"]
    assert meta["decision_threshold"] == chosen and chosen["rule"] == "f1"
    prob = tmp_path / "prob.tif"
    predict_raster(out, scene_files["image"], prob, device="cpu")
    assert raster_threshold(str(prob)) == pytest.approx(chosen["value"])
    import contextlib
    import io
    import json

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli_main(["vectorize", "--prob", str(prob), "--out", str(tmp_path / "r.gpkg"),
                         "--progress", "json"]) == 0
    done = [json.loads(line) for line in buffer.getvalue().splitlines()
            if '"done"' in line][-1]
    assert done["threshold"] == pytest.approx(chosen["value"])


def test_round_records_hold_the_calibration_and_the_contrastive_share(trained):
    result, sink, _, config = trained
    first = result.rounds[0]
    assert 0.0 < first["threshold"]["value"] < 1.0
    assert set(first["metrics_at_0.5"]) == set(first["metrics"])
    assert 0.0 < first["losses"]["contrastive_step_share"] <= 1.0
    assert 0.0 < first["losses"]["contrastive_anchor_share"] <= 1.0
    # A quarter of the scene is unlabeled, so lambda_c is scaled down, not off.
    assert 0.0 < first["contrastive_weight"] < config.contrastive.weight
    second = result.rounds[1]["pseudo"]
    assert {"candidate_road_share", "selected_road_share", "selected_road_tiles",
            "pseudo_road_px", "pseudo_background_px"} <= set(second)
    assert 0.0 < second["candidate_road_share"] < 1.0


def test_a_fully_labeled_run_turns_the_contrastive_branch_off_and_says_so(tmp_path, scene_factory,
                                                                          tiny_config):
    files = scene_factory(tmp_path / "scene", aoi_fraction=1.0)
    sink = CollectingSink()
    config = tiny_config.updated({"max_rounds": 1, "steps_per_round": 4})
    result = train(job_for(files, tmp_path / "m.pt"), config, device="cpu",
                   reporter=Reporter(sink))
    assert any("every valid pixel is labeled" in w["message"] for w in sink.of_kind("warning"))
    assert result.rounds[0]["contrastive_weight"] == 0.0
    assert all(e.get("loss_contrastive") is None for e in sink.of_kind("progress"))


def test_the_teacher_of_soft_negatives_runs_in_eval_mode(tmp_path, scene_files, tiny_config,
                                                        monkeypatch):
    from engine.training import loop

    modes = []
    original = loop.contrastive_loss

    def watched(model, teacher, *args, **kwargs):
        modes.append(teacher.training)
        return original(model, teacher, *args, **kwargs)

    monkeypatch.setattr(loop, "contrastive_loss", watched)
    config = tiny_config.updated({"max_rounds": 1, "steps_per_round": 3,
                                  "contrastive": {"negatives_mode": "soft",
                                                  "rampup_fraction": 0.0}})
    train(job_for(scene_files, tmp_path / "m.pt"), config, device="cpu")
    assert modes and not any(modes)


def test_round_streams_spawned_from_one_seed_all_differ():
    from engine.distributed import DistributedContext
    from engine.training.ranks import round_seeds

    seeds = round_seeds(0, 0, DistributedContext())
    draws = [seeds.rng(name).integers(1 << 40) for name in ("crops", "pairs", "pseudo")]
    assert len(set(draws)) == 3
    torch_seeds = {seeds.train_torch, seeds.pairs_torch, seeds.pseudo_torch}
    assert len(torch_seeds) == 3


@pytest.mark.parametrize(("size_px", "branch_on"), [
    (160, False),  # no room for a 96 px N beside the fast profile's 96 px views
    (256, True),  # room for both
])
def test_a_small_raster_trains_and_turns_the_contrastive_branch_off_only_without_room(
        tmp_path, scene_factory, size_px, branch_on):
    from engine.config import profile_config

    files = scene_factory(tmp_path / "scene", size_px=size_px)
    config = profile_config("fast").updated({"max_rounds": 1, "steps_per_round": 2,
                                             "val_tile_px": 48, "norm_sample_px": 5000,
                                             "contrastive": {"enabled": True}})
    sink = CollectingSink()
    result = train(job_for(files, tmp_path / "m.pt"), config, device="cpu",
                   reporter=Reporter(sink))
    warned = any("no room for a 96 px contrastive view pair" in w["message"]
                 for w in sink.of_kind("warning"))
    assert warned is not branch_on
    assert (result.rounds[0]["contrastive_weight"] > 0) is branch_on


def test_a_cancel_stops_training_within_a_step(tmp_path, scene_files, tiny_config):
    # should_stop turns true at its second call: at the step's first layer, not a step later.
    calls = []
    sink = CollectingSink()
    reporter = Reporter(sink, should_stop=lambda: calls.append(1) or len(calls) >= 2)
    with pytest.raises(CancelledError):
        train(job_for(scene_files, tmp_path / "m.pt"), tiny_config, device="cpu",
              reporter=reporter)
    assert not [e for e in sink.of_kind("progress") if e["stage"] == "round 1: training"]



def test_a_contrastive_term_from_round_2_is_off_and_recorded_off_in_round_1(tmp_path, scene_files,
                                                                          tiny_config):
    sink = CollectingSink()
    config = tiny_config.updated({"max_rounds": 2, "steps_per_round": 4, "patience_rounds": 2,
                                  "contrastive": {"start_round": 2},
                                  "pseudo": {"enabled": False}})
    result = train(job_for(scene_files, tmp_path / "m.pt"), config, device="cpu",
                   reporter=Reporter(sink))
    first, second = result.rounds
    assert first["contrastive_weight"] == 0.0
    assert first["losses"]["contrastive_step_share"] != first["losses"]["contrastive_step_share"]
    assert second["contrastive_weight"] > 0.0
    assert second["losses"]["contrastive_step_share"] > 0.0
    by_round = {stage: [e for e in sink.of_kind("progress") if e.get("stage") == stage]
                for stage in ("round 1: training", "round 2: training")}
    assert all(e.get("loss_contrastive") is None for e in by_round["round 1: training"])
    assert any(e.get("loss_contrastive") is not None for e in by_round["round 2: training"])
