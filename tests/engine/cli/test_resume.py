"""``train --resume`` says on its output what it continues from, or refuses when nothing."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def one_round(tmp_path, scene_files, tiny_config, run_cli):
    """A finished one-round run of --out m.pt, and the arguments that made it."""
    config = tmp_path / "quick.json"
    config.write_text(json.dumps(tiny_config.updated({
        "max_rounds": 1, "steps_per_round": 3, "contrastive": {"enabled": False},
        "pseudo": {"enabled": False}}).to_dict()))
    out = tmp_path / "m.pt"
    args = ["train", "--image", scene_files["image"], "--roads", scene_files["roads"],
            "--aoi", scene_files["aoi"], "--out", out, "--config", config, "--device", "cpu"]
    assert run_cli(*args, "--progress", "none").code == 0
    return out, args


@pytest.mark.parametrize("progress", ["bar", "none"])
def test_cli_resume_prints_the_round_file_and_number_it_continues_from(one_round, run_cli,
                                                                        progress):
    out, args = one_round
    run = run_cli(*args, "--resume", "--progress", progress)
    assert run.code == 0, run.err
    round_file = out.with_name("m.pt.rounds") / "round_001.pt"
    assert f"resuming from round 1: {round_file}" in run.out.splitlines()


def test_cli_resume_event_names_the_round_file_and_number(one_round, run_cli):
    out, args = one_round
    run = run_cli(*args, "--resume", "--progress", "json")
    assert run.code == 0, run.err
    [event] = [e for e in run.events if "resume_from" in e]
    assert event["event"] == "progress" and event["resume_round"] == 1
    assert event["resume_from"] == str(out.with_name("m.pt.rounds") / "round_001.pt")


def test_cli_resume_with_nothing_to_resume_exits_2_and_keeps_the_model(one_round, run_cli):
    out, args = one_round
    (out.with_name("m.pt.rounds") / "round_001.pt").unlink()
    model = out.read_bytes()
    run = run_cli(*args, "--resume", "--progress", "none")
    assert run.code == 2
    assert str(out) in run.err and "no finished round" in run.err
    assert out.read_bytes() == model
