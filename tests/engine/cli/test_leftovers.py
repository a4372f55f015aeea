"""No leftovers: a failed train leaves no rounds folder, a killed predict's temporary goes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from engine.events import parse_event

ROOT = Path(__file__).resolve().parents[3]


def test_cli_train_that_fails_leaves_no_rounds_folder(run_cli, scene_files, tiny_config,
                                                      tmp_path):
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(tiny_config.to_dict()))
    out = tmp_path / "m.pt"
    run = run_cli("train", "--image", scene_files["image"], "--roads", scene_files["aoi"],
                  "--out", out, "--config", config, "--device", "cpu", "--progress", "json")
    assert run.code == 2  # polygons of the labeled area as roads: no background pixel
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.json"]


def test_cli_train_that_fails_keeps_an_existing_rounds_folder(run_cli, scene_files,
                                                              tiny_config, tmp_path):
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(tiny_config.to_dict()))
    (tmp_path / "m.pt.rounds").mkdir()  # made by the user or an earlier run: not ours
    run = run_cli("train", "--image", scene_files["image"], "--roads", scene_files["aoi"],
                  "--out", tmp_path / "m.pt", "--config", config, "--device", "cpu",
                  "--resume", "--progress", "json")
    assert run.code == 2
    assert (tmp_path / "m.pt.rounds").is_dir()


def test_cli_predict_removes_the_temporary_file_a_killed_run_left(tmp_path, scene_factory,
                                                                  cli_model):
    big = scene_factory(tmp_path / "big", size_px=512, seed=5)
    out = tmp_path / "prob.tif"
    args = [sys.executable, "-m", "engine", "predict", "--model", str(cli_model), "--image",
            str(big["image"]), "--out", str(out), "--device", "cpu", "--progress", "json"]
    proc = subprocess.Popen([*args, "--tile", "32", "--batch", "1", "--tta"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until some windows are predicted
        event = parse_event(line)
        if event["event"] == "progress" and event["done"] > 0:
            break
    proc.send_signal(signal.SIGKILL)  # as the plugin does 10 s after an unanswered cancel
    proc.communicate(timeout=60)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".prob.tif.")]
    again = subprocess.run([*args, "--tile", "256"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "prob.tif"]
