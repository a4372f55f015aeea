"""Tests of the command line (python -m engine) in subprocesses, as the plugin runs it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.events import parse_event

ROOT = Path(__file__).resolve().parents[3]


def run_engine(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def events_of(stdout: str) -> list[dict]:
    return [parse_event(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tiny_config_file(tmp_path_factory, tiny_config) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "tiny.json"
    path.write_text(json.dumps(tiny_config.updated({"steps_per_round": 6}).to_dict()))
    return path


def train_args(scene_files, out, config_file) -> list[str]:
    return ["train", "--image", str(scene_files["image"]), "--roads", str(scene_files["roads"]),
            "--aoi", str(scene_files["aoi"]), "--out", str(out), "--config", str(config_file),
            "--device", "cpu", "--progress", "json"]


def test_cli_synth_writes_a_scene(tmp_path):
    proc = run_engine("synth", "--out", str(tmp_path / "s"), "--seed", "2", "--size", "128",
                      "--progress", "json")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == ["aoi.gpkg", "centerlines.gpkg", "image.tif", "roads.gpkg", "truth.tif"]
    assert events_of(proc.stdout)[-1]["event"] == "done"


def test_cli_train_emits_json_events_and_info_reads_the_model(tmp_path, scene_files,
                                                              tiny_config_file):
    out = tmp_path / "m.pt"
    proc = run_engine(*train_args(scene_files, out, tiny_config_file))
    assert proc.returncode == 0, proc.stderr
    events = events_of(proc.stdout)
    kinds = {e["event"] for e in events}
    assert {"progress", "metric", "artifact", "done"} <= kinds
    assert events[-1]["event"] == "done" and events[-1]["model"] == str(out)
    info = run_engine("info", str(out))
    assert info.returncode == 0, info.stderr
    meta = json.loads(info.stdout)
    assert meta["bands"]["count"] == 3 and meta["rounds"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--road-width", "0"], "road_width_m=0.0"),  # a road must be wider than 0 m
    (["--profile", "fast", "--rounds", "0"], "max_rounds=0"),
])
def test_cli_train_bad_input_exits_2_with_an_error_event(tmp_path, scene_files,
                                                         tiny_config_file, extra, message):
    proc = run_engine(*train_args(scene_files, tmp_path / "m.pt", tiny_config_file), *extra)
    assert proc.returncode == 2
    error = events_of(proc.stdout)[-1]
    assert error["event"] == "error" and message in error["message"]
    assert not (tmp_path / "m.pt").exists()


def test_cli_train_missing_image_says_which_file(tmp_path, scene_files, tiny_config_file):
    args = train_args(scene_files, tmp_path / "m.pt", tiny_config_file)
    args[args.index("--image") + 1] = str(tmp_path / "absent.tif")
    proc = run_engine(*args[:-2], "--progress", "bar")
    assert proc.returncode == 2
    assert "absent.tif" in proc.stderr


def test_cli_info_rejects_a_file_that_is_not_a_model(tmp_path):
    bogus = tmp_path / "bogus.pt"
    bogus.write_bytes(b"not a model")
    proc = run_engine("info", str(bogus), "--progress", "json")
    assert proc.returncode == 2
    assert "not a readable model file" in events_of(proc.stdout)[-1]["message"]


def test_cli_sigterm_cancels_training_without_partial_output(tmp_path, scene_files, tiny_config):
    config = tmp_path / "long.json"
    config.write_text(json.dumps(tiny_config.updated({"steps_per_round": 100000}).to_dict()))
    out = tmp_path / "m.pt"
    proc = subprocess.Popen([sys.executable, "-m", "engine",
                             *train_args(scene_files, out, config)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until training steps are running
        if '"progress"' in line and "training" in line:
            break
    proc.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    rest, _ = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 10
    assert proc.returncode == 130
    assert events_of(rest)[-1]["type"] == "CancelledError"
    assert not out.exists()
    assert not [p for p in tmp_path.rglob("*.pt")]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, scene_files, tiny_config) -> Path:
    """A model trained for a few steps through the library (the CLI is tested above)."""
    from engine.training import TrainJob, train

    out = tmp_path_factory.mktemp("model") / "m.pt"
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out=str(out))
    train(job, tiny_config.updated({"max_rounds": 1, "steps_per_round": 3}), device="cpu")
    return out


def test_cli_extract_writes_the_three_outputs(tmp_path, scene_files, small_model):
    proc = run_engine("extract", "--model", str(small_model), "--image",
                      str(scene_files["image"]), "--out-dir", str(tmp_path), "--tile", "64",
                      "--progress", "json")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["image_preview.png", "image_prob.tif", "image_roads.gpkg"]
    assert events_of(proc.stdout)[-1]["event"] == "done"


def test_cli_sigterm_cancels_prediction_without_partial_output(tmp_path, scene_factory,
                                                               small_model):
    big = scene_factory(tmp_path / "big", size_px=1024, seed=5)
    out = tmp_path / "prob.tif"
    proc = subprocess.Popen([sys.executable, "-m", "engine", "predict", "--model",
                             str(small_model), "--image", str(big["image"]), "--out", str(out),
                             "--tile", "32", "--batch", "1", "--tta", "--device", "cpu",
                             "--progress", "json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until windows are being predicted
        if '"progress"' in line and "predicting" in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert events_of(rest)[-1]["type"] == "CancelledError"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["big"]  # no temporary file either


@pytest.fixture(scope="module")
def supervised_config_file(tmp_path_factory, tiny_config) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "supervised.json"
    overrides = {"steps_per_round": 6, "max_rounds": 1, "contrastive": {"enabled": False},
                 "pseudo": {"enabled": False}}
    path.write_text(json.dumps(tiny_config.updated(overrides).to_dict()))
    return path


@pytest.mark.parametrize("semi", [False, True])
def test_cli_train_semi_supervised_turns_the_pseudo_labels_on(tmp_path, scene_files,
                                                              scene_factory,
                                                              supervised_config_file, semi):
    unlabeled = scene_factory(tmp_path / "u", seed=5)["image"]
    out = tmp_path / "m.pt"
    args = train_args(scene_files, out, supervised_config_file) + ["--unlabeled", str(unlabeled)]
    proc = run_engine(*args, *(["--semi-supervised"] if semi else []))
    assert proc.returncode == 0, proc.stderr
    warned = any(e["event"] == "warning" and "unlabeled raster(s) are not trained on "
                 f"({unlabeled.name})" in e["message"] for e in events_of(proc.stdout))
    assert warned is not semi
    config = json.loads(run_engine("info", str(out)).stdout)["config"]
    # the contrastive branch stays as the config says (off): it lowered IoU on real tiles
    assert config["pseudo"]["enabled"] is semi and config["contrastive"]["enabled"] is False
