"""Two runs given the same output at once: the second exits 2 naming the output and the run
that writes it, and the first finishes undisturbed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.events import parse_event
from engine.io.claim import claim_path, claimed_outputs

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def one_round_config(tmp_path_factory, tiny_config) -> Path:
    path = tmp_path_factory.mktemp("claim_cfg") / "one_round.json"
    path.write_text(json.dumps(tiny_config.updated({"max_rounds": 1, "steps_per_round": 3,
                                                    "contrastive": {"enabled": False},
                                                    "pseudo": {"enabled": False}}).to_dict()))
    return path


def _train(scene, out: Path, config: Path) -> list[str]:
    return ["train", "--image", scene["image"], "--roads", scene["roads"], "--aoi",
            scene["aoi"], "--out", out, "--config", config, "--device", "cpu"]


class _Paused:
    """A run of ``python -m engine`` in its own process, stopped (SIGSTOP) as soon as it
    reports its first progress event: it has checked and claimed its outputs and is at
    work, and stays so, whatever the speed of the machine, until resumed."""

    def __init__(self, args: list) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "engine", *map(str, args), "--progress", "json"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in self.proc.stdout:
            event = parse_event(line)
            if event["event"] == "progress":
                os.kill(self.proc.pid, signal.SIGSTOP)
                return
            assert event["event"] not in ("error", "done"), event
        raise AssertionError(f"the first run ended early: {self.proc.stderr.read()}")

    def finish(self) -> int:
        """Resume the run and wait for its end; its exit code."""
        os.kill(self.proc.pid, signal.SIGCONT)
        self.proc.communicate(timeout=300)
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=60)


def test_a_second_predict_of_the_same_out_is_refused_while_the_first_runs(
        tmp_path, scene_files, cli_model, run_cli):
    out = tmp_path / "prob.tif"
    args = ["predict", "--model", cli_model, "--image", scene_files["image"], "--out", out,
            "--device", "cpu", "--tile", "64"]
    first = _Paused(args)
    try:
        second = run_cli(*args, "--progress", "json")
        assert second.code == 2
        assert f"--out {out}" in second.error and "another run" in second.error
        assert f"process {first.proc.pid}" in second.error
        assert not out.exists()  # the second wrote nothing
    except BaseException:
        first.kill()
        raise
    assert first.finish() == 0
    assert out.is_file() and not claim_path(out).exists()


def test_a_second_train_of_the_same_out_is_refused_while_the_first_runs(
        tmp_path, scene_files, one_round_config, run_cli):
    out = tmp_path / "m.pt"
    first = _Paused(_train(scene_files, out, one_round_config))
    try:
        second = run_cli(*_train(scene_files, out, one_round_config), "--progress", "json")
        assert second.code == 2
        assert f"--out {out}" in second.error and f"process {first.proc.pid}" in second.error
    except BaseException:
        first.kill()
        raise
    assert first.finish() == 0
    assert out.is_file() and (tmp_path / "m.pt.rounds" / "round_001.pt").is_file()
    assert not claim_path(out).exists()


def _commands(scene: dict, model: Path, folder: Path, config: Path) -> dict[str, tuple]:
    """Each sub-command that writes files: its arguments, and one of its outputs with the
    option that names it in a refusal."""
    image = scene["image"]
    return {
        "predict": (["predict", "--model", model, "--image", image, "--out",
                     folder / "prob.tif"], "--out", folder / "prob.tif"),
        "vectorize": (["vectorize", "--prob", scene["truth"], "--out", folder / "r.gpkg"],
                      "--out", folder / "r.gpkg"),
        "extract": (["extract", "--model", model, "--image", image, "--out-dir", folder],
                    "--out-dir (roads)", folder / "image_roads.gpkg"),
        "labels": (["labels", "--image", image, "--roads", scene["roads"], "--out",
                    folder / "labels.tif"], "--out", folder / "labels.tif"),
        "label-next": (["label-next", "--model", model, "--image", image, "--out",
                        folder / "t.gpkg", "--tile", "32"], "--out", folder / "t.gpkg"),
        "train": (_train(scene, folder / "m.pt", config), "--out", folder / "m.pt"),
        "pretrain": (["pretrain", "--out", folder / "base.pt", "--profile", "fast",
                      "--steps", "2"], "--out", folder / "base.pt"),
        "synth": (["synth", "--out", folder / "scene", "--seed", "1", "--size", "64"],
                  "--out (image)", folder / "scene" / "image.tif"),
    }


@pytest.mark.parametrize("command", ["predict", "vectorize", "extract", "labels", "label-next",
                                     "train", "pretrain", "synth"])
def test_every_command_refuses_an_output_another_run_is_writing(
        tmp_path, scene_files, cli_model, one_round_config, run_cli, command):
    folder = tmp_path / "out"
    (folder / "scene").mkdir(parents=True)
    args, option, output = _commands(scene_files, cli_model, folder, one_round_config)[command]
    with claimed_outputs({"another run": output}):
        run = run_cli(*args, "--progress", "json")
    assert run.code == 2, run.err
    assert f"{option} {output}" in run.error and "another run" in run.error
    assert f"process {os.getpid()}" in run.error
    left = sorted(p.name for p in folder.rglob("*"))
    assert left == ["scene"], left  # nothing written, no claim file left
