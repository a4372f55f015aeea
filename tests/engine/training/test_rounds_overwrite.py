"""``--overwrite`` keeps the earlier run's rounds until it has a round of its own, and
``--resume`` says what it continues from, or refuses when there is nothing to continue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import CancelledError, OutputWriteError
from engine.events import CollectingSink, Reporter
from engine.training import TrainJob, rounds_dir, train


@pytest.fixture(scope="module")
def quick(tiny_config):
    """One-round runs of a few steps, supervised only (seconds each)."""
    return tiny_config.updated({"max_rounds": 1, "steps_per_round": 3, "patience_rounds": 5,
                                "contrastive": {"enabled": False},
                                "pseudo": {"enabled": False}})


def _job(scene, out: Path, **kwargs) -> TrainJob:
    return TrainJob(images=(str(scene["image"]),), roads=str(scene["roads"]),
                    aoi=str(scene["aoi"]), out=str(out), **kwargs)


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory, scene_files, quick):
    """A finished run of two rounds, copied by each test that changes it."""
    out = tmp_path_factory.mktemp("earlier") / "m.pt"
    train(_job(scene_files, out), quick.updated({"max_rounds": 2}), device="cpu")
    return out


@pytest.fixture(scope="module")
def other_round(tmp_path_factory, scene_files, quick) -> bytes:
    """The round file of another one-round run (another seed)."""
    out = tmp_path_factory.mktemp("other") / "m.pt"
    train(_job(scene_files, out), quick.updated({"seed": 7}), device="cpu")
    return (rounds_dir(out) / "round_001.pt").read_bytes()


def _copy(out: Path, folder: Path) -> Path:
    shutil.copytree(rounds_dir(out), rounds_dir(folder / out.name))
    shutil.copyfile(out, folder / out.name)
    return folder / out.name


def _snapshot(out: Path) -> dict[str, bytes]:
    files = {"out": out.read_bytes()}
    files.update({p.name: p.read_bytes() for p in sorted(rounds_dir(out).iterdir())})
    return files


def _cancel_in_round_1() -> tuple[Reporter, CollectingSink]:
    sink = CollectingSink()
    return Reporter(sink, should_stop=lambda: any(
        e["stage"] == "round 1: training" for e in sink.of_kind("progress"))), sink


def _resume_events(sink: CollectingSink) -> list[dict]:
    return [e for e in sink.of_kind("progress") if "resume_from" in e]


def test_an_overwrite_cancelled_in_round_1_keeps_the_earlier_rounds(earlier_run, scene_files,
                                                                    quick, tmp_path):
    out = _copy(earlier_run, tmp_path)
    before = _snapshot(out)
    reporter, _ = _cancel_in_round_1()
    with pytest.raises(CancelledError):
        train(_job(scene_files, out, overwrite=True), quick, device="cpu", reporter=reporter)
    assert _snapshot(out) == before  # the model, round_001.pt and round_002.pt, unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt", "m.pt.rounds"]
    # ... so that a resume continues the earlier run, and says from where.
    sink = CollectingSink()
    result = train(_job(scene_files, out, resume=True), quick.updated({"max_rounds": 2}),
                   device="cpu", reporter=Reporter(sink))
    assert result.stop_reason == "already finished"
    assert out.read_bytes() == before["out"]
    [event] = _resume_events(sink)
    assert event["resume_from"] == str(rounds_dir(out) / "round_002.pt")
    assert event["resume_round"] == 2
    assert "round_002.pt" in event["stage"] and "round 2" in event["stage"]


def test_an_overwrite_replaces_the_earlier_rounds_once_its_first_round_is_done(
        earlier_run, scene_files, quick, tmp_path):
    out = _copy(earlier_run, tmp_path)
    before = _snapshot(out)
    train(_job(scene_files, out, overwrite=True), quick.updated({"seed": 7}), device="cpu")
    assert sorted(p.name for p in rounds_dir(out).iterdir()) == ["round_001.pt"]
    assert (rounds_dir(out) / "round_001.pt").read_bytes() != before["round_001.pt"]
    assert out.read_bytes() == (rounds_dir(out) / "round_001.pt").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt", "m.pt.rounds"]


def test_resume_refuses_a_model_without_rounds_instead_of_starting_over(scene_files, quick,
                                                                         tmp_path):
    out = tmp_path / "m.pt"
    train(_job(scene_files, out), quick, device="cpu")
    for round_file in rounds_dir(out).glob("round_*.pt"):  # as the old --overwrite left it
        round_file.unlink()
    model = out.read_bytes()
    with pytest.raises(OutputWriteError) as caught:
        train(_job(scene_files, out, resume=True), quick, device="cpu")
    message = str(caught.value)
    assert str(out) in message and "no finished round" in message and "--overwrite" in message
    assert out.read_bytes() == model


def test_resume_of_an_out_that_does_not_exist_says_it_starts_a_new_run(scene_files, quick,
                                                                       tmp_path):
    sink = CollectingSink()
    out = tmp_path / "m.pt"
    train(_job(scene_files, out, resume=True), quick, device="cpu", reporter=Reporter(sink))
    [event] = _resume_events(sink)
    assert event["resume_from"] is None and "starting a new run" in event["stage"]
    assert out.is_file()


def _staged(out: Path) -> Path:
    return out.with_name(f".{out.name}.rounds.new")


def _retired(out: Path) -> Path:
    return out.with_name(f".{out.name}.rounds.old")


@pytest.mark.parametrize("killed", ["before the swap", "between the renames",
                                    "after the swap"])
def test_a_run_killed_while_replacing_the_rounds_leaves_one_consistent_folder(
        earlier_run, other_round, scene_files, quick, tmp_path, killed):
    out = _copy(earlier_run, tmp_path)
    before = _snapshot(out)
    new_round = other_round  # the first round of the killed --overwrite run
    _staged(out).mkdir()
    (_staged(out) / "round_001.pt").write_bytes(new_round)
    if killed != "before the swap":
        rounds_dir(out).rename(_retired(out))
    if killed == "after the swap":
        _staged(out).rename(rounds_dir(out))
    sink = CollectingSink()
    train(_job(scene_files, out, resume=True), quick, device="cpu", reporter=Reporter(sink))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt", "m.pt.rounds"]
    if killed == "after the swap":  # the new run's round had replaced the earlier ones
        assert sorted(p.name for p in rounds_dir(out).iterdir()) == ["round_001.pt"]
        assert (rounds_dir(out) / "round_001.pt").read_bytes() == new_round
    else:  # the swap had not happened: the earlier run is whole again
        assert _snapshot(out) == before
