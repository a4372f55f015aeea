"""Tests of multi-process runs: the context, the row shards, and torchrun with 2 CPU ranks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from osgeo import gdal

from engine.distributed import DistributedContext, context_from_env, rank_device
from engine.errors import BadInputError
from engine.events import Reporter, parse_event
from engine.io.raster import read_info
from engine.model_file import load_model, save_model
from engine.models import build_model
from engine.normalization import BandStats
from engine.predict import PredictConfig, WindowLayout, predict_raster
from engine.predict.shards import PartWriter, merge_parts, part_path, plan_shards
from engine.predict.streaming import _Run, _stream
from engine.threshold import model_threshold, raster_threshold
from engine.training.ranks import round_seeds

ROOT = Path(__file__).resolve().parents[2]
TORCHRUN = Path(ROOT / ".venv" / "bin" / "torchrun")


class TestDistributedContext:
    def test_context_from_env_without_torchrun_is_one_process(self):
        assert context_from_env({}, device="cpu") == DistributedContext()

    def test_context_from_env_reads_torchrun_variables(self):
        env = {"RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}
        assert context_from_env(env, device="cpu") == DistributedContext(1, 2, 1, "gloo")

    def test_context_from_env_without_local_rank_raises(self):
        with pytest.raises(BadInputError, match="LOCAL_RANK"):
            context_from_env({"RANK": "0", "WORLD_SIZE": "2"}, device="cpu")

    def test_rank_device_refuses_a_fixed_gpu_under_several_processes(self):
        with pytest.raises(BadInputError, match="LOCAL_RANK"):
            rank_device(DistributedContext(0, 2, 0, "gloo"), "cuda:1")

    @pytest.mark.parametrize("kwargs, match", [
        ({"rank": 2, "world_size": 2, "backend": "gloo"}, "rank"),  # rank past the world
        ({"world_size": 2, "backend": "nccl2"}, "backend"),  # unknown backend
        ({"world_size": 2}, "none"),  # several processes need a real backend
    ])
    def test_context_validates_its_fields(self, kwargs, match):
        with pytest.raises(BadInputError, match=match):
            DistributedContext(**kwargs)

    def test_collectives_of_one_process_are_identities(self):
        ctx = DistributedContext()
        assert ctx.all_gather_object(3) == [3] and ctx.broadcast_object("a") == "a"
        assert ctx.any_true(False) is False and ctx.run_on_main(lambda: 5) == 5


def test_round_seeds_differ_between_ranks_and_repeat_for_one_process():
    one = round_seeds(7, 2, DistributedContext())
    again = round_seeds(7, 2, DistributedContext())
    assert one.rng("crops").integers(1 << 30) == again.rng("crops").integers(1 << 30)
    ranks = [round_seeds(7, 2, DistributedContext(r, 2, r, "gloo")) for r in range(2)]
    assert ranks[0].rng("crops").integers(1 << 30) != ranks[1].rng("crops").integers(1 << 30)
    assert ranks[0].train_torch != ranks[1].train_torch


@pytest.mark.parametrize("height, tile, overlap, world", [
    (160, 64, 0.5, 2),  # the scene of the tests
    (1000, 128, 0.25, 3),  # stride not dividing the height: a closer last window
    (100, 64, 0.75, 2),  # heavy overlap: context reaches several rows of windows up
    (50, 64, 0.25, 3),  # smaller than a window: one row of windows, empty shares
    (300, 64, 0.0, 7),  # 5 rows of windows for 7 processes
])
def test_plan_shards_bands_tile_the_grid_and_see_every_window_over_them(height, tile,
                                                                       overlap, world):
    layout = WindowLayout.for_grid(height, 80, tile_px=tile, overlap=overlap)
    shards = plan_shards(layout, world)
    assert [r for s in shards for r in s.out_rows] == list(range(height))
    assert [k for s in shards for k in s.owned_rows] == list(range(len(layout.row_starts)))
    assert sum(s.windows(layout) for s in shards) == len(layout)
    for s in shards:
        over = {k for k, start in enumerate(layout.row_starts) for row in s.out_rows
                if start <= row < start + tile}
        assert over <= set(s.window_rows)


def test_plan_shards_rejects_zero_processes():
    with pytest.raises(BadInputError, match="world_size"):
        plan_shards(WindowLayout.for_grid(64, 64, tile_px=64, overlap=0.0), 0)


@pytest.fixture(scope="module")
def tiny_model_file(tmp_path_factory, scene_files, tiny_config) -> Path:
    """An untrained tiny model (random weights give a varied probability map)."""
    from engine.normalization import compute_band_stats

    path = tmp_path_factory.mktemp("model") / "m.pt"
    stats = compute_band_stats([str(scene_files["image"])], percentiles=(2.0, 98.0),
                               sample_size=5000, rng=np.random.default_rng(0))
    model = build_model(tiny_config.model, in_channels=3, seed=1)
    save_model(path, model, {"bands": {"count": 3}, "normalization": stats.to_dict(),
                             "config": tiny_config.to_dict(), "pixel_size_m": 1.0})
    return path


@pytest.mark.parametrize("world", [2, 3, 9])  # 9: more processes than rows of windows
def test_sharded_parts_merge_into_the_single_process_output(tmp_path, scene_files,
                                                           tiny_model_file, world):
    config = PredictConfig(tile_px=64, overlap=0.5, batch_size=3)
    single = tmp_path / "single.tif"
    predict_raster(tiny_model_file, scene_files["image"], single, config, device="cpu")
    model, meta = load_model(tiny_model_file)
    info = read_info(str(scene_files["image"]))
    layout = WindowLayout.for_grid(info.height, info.width, tile_px=64, overlap=0.5)
    run = _Run(model, torch.device("cpu"), info, BandStats.from_dict(meta["normalization"]),
               layout, config, Reporter(), model_threshold(meta))
    merged = tmp_path / "merged.tif"
    parts = []
    for rank, shard in enumerate(plan_shards(layout, world)):
        writer = PartWriter(part_path(merged, rank), len(shard.out_rows), info.width, "byte")
        _stream(run, writer, shard)
        writer.close()
        parts.append((part_path(merged, rank), len(shard.out_rows)))
    merge_parts(parts, merged, info, config, overwrite=False, threshold=run.threshold)
    assert np.array_equal(_read(merged), _read(single))
    assert raster_threshold(str(merged)) == raster_threshold(str(single)) == run.threshold
    assert not any(p.exists() for p, _ in parts)


def _read(path: Path) -> np.ndarray:
    ds = gdal.Open(str(path))
    return ds.GetRasterBand(1).ReadAsArray()


def _torchrun(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(TORCHRUN), "--nproc_per_node", "2", "-m", "engine", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def torchrun_trained(tmp_path_factory, scene_files, tiny_config):
    """A 2-rank CPU training run through the real entry point (torchrun -m engine train)."""
    folder = tmp_path_factory.mktemp("ddp")
    config = folder / "tiny.json"
    config.write_text(json.dumps(tiny_config.updated({"steps_per_round": 20}).to_dict()))
    out = folder / "m.pt"
    proc = _torchrun("train", "--image", str(scene_files["image"]), "--roads",
                     str(scene_files["roads"]), "--aoi", str(scene_files["aoi"]), "--out",
                     str(out), "--config", str(config), "--device", "cpu", "--progress", "json")
    return proc, out


@pytest.mark.skipif(not TORCHRUN.exists(), reason="the venv has no torchrun")
def test_torchrun_train_on_two_cpu_ranks_learns_and_rank_0_alone_reports(torchrun_trained,
                                                                         scene_files,
                                                                         tiny_config, scene_iou):
    proc, out = torchrun_trained
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [parse_event(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [e["event"] for e in events].count("done") == 1  # rank 1 prints nothing
    model, meta = load_model(out)
    stats = BandStats.from_dict(meta["normalization"])
    untrained = build_model(tiny_config.model, in_channels=3, seed=0).eval()
    iou_untrained = scene_iou(untrained, scene_files, stats)
    assert scene_iou(model, scene_files, stats) > np.nan_to_num(iou_untrained) + 0.25
    assert events[-1]["rounds"] == 2  # round 2 ran the split pseudo-label scoring


@pytest.mark.skipif(not TORCHRUN.exists(), reason="the venv has no torchrun")
def test_torchrun_train_with_the_contrastive_term_from_round_2(tmp_path, scene_files,
                                                               tiny_config):
    # round 1 has no contrastive loss, yet DDP was set up for the branch: without its head
    # taking part in round 1's steps, the ranks would wait for its gradients forever
    config = tmp_path / "r2.json"
    config.write_text(json.dumps(tiny_config.updated(
        {"steps_per_round": 4, "max_rounds": 2, "patience_rounds": 2,
         "contrastive": {"enabled": True, "start_round": 2}}).to_dict()))
    out = tmp_path / "m.pt"
    proc = _torchrun("train", "--image", str(scene_files["image"]), "--roads",
                     str(scene_files["roads"]), "--aoi", str(scene_files["aoi"]), "--out",
                     str(out), "--config", str(config), "--device", "cpu", "--progress", "json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [parse_event(line) for line in proc.stdout.splitlines() if line.strip()]
    contrast = {stage: [e.get("loss_contrastive") for e in events
                        if e["event"] == "progress" and e.get("stage") == stage]
                for stage in ("round 1: training", "round 2: training")}
    assert contrast["round 1: training"] and all(c is None
                                                 for c in contrast["round 1: training"])
    assert any(c is not None for c in contrast["round 2: training"])


@pytest.mark.skipif(not TORCHRUN.exists(), reason="the venv has no torchrun")
def test_torchrun_predict_on_two_cpu_ranks_equals_one_process(torchrun_trained, scene_files,
                                                              tmp_path):
    _, model = torchrun_trained
    options = ["--model", str(model), "--image", str(scene_files["image"]), "--tile", "64",
               "--overlap", "0.5", "--batch", "2", "--device", "cpu", "--progress", "json"]
    proc = _torchrun("predict", *options, "--out", str(tmp_path / "two.tif"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    config = PredictConfig(tile_px=64, overlap=0.5, batch_size=2)
    predict_raster(model, scene_files["image"], tmp_path / "one.tif", config, device="cpu")
    two, one = _read(tmp_path / "two.tif").astype(int), _read(tmp_path / "one.tif").astype(int)
    assert np.abs(two - one).max() <= 1 and np.mean(two != one) < 0.001
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.tif", "two.tif"]  # no parts


@pytest.mark.skipif(not TORCHRUN.exists(), reason="the venv has no torchrun")
def test_torchrun_sigterm_stops_every_rank_without_writing_a_model(tmp_path, scene_files,
                                                                    tiny_config):
    config = tmp_path / "long.json"
    config.write_text(json.dumps(tiny_config.updated({"steps_per_round": 5000}).to_dict()))
    out = tmp_path / "m.pt"
    proc = subprocess.Popen(
        [str(TORCHRUN), "--nproc_per_node", "2", "-m", "engine", "train", "--image",
         str(scene_files["image"]), "--roads", str(scene_files["roads"]), "--aoi",
         str(scene_files["aoi"]), "--out", str(out), "--config", str(config), "--device",
         "cpu", "--progress", "json"], cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:  # wait until the ranks are in their training steps
            if '"stage": "round 1: training"' in line:
                break
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)  # no rank left waiting in a collective
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert not out.exists()
