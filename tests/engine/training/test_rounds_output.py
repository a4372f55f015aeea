"""What ``train`` leaves under --out: restored by a resume when the copy was lost."""

from __future__ import annotations

import shutil

import pytest

from engine.events import CollectingSink, Reporter
from engine.training import TrainJob, rounds_dir, train


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory, scene_files, tiny_config):
    """A finished run of two short rounds, copied by each test that changes it."""
    out = tmp_path_factory.mktemp("two_rounds") / "m.pt"
    config = tiny_config.updated({"max_rounds": 2, "steps_per_round": 3, "patience_rounds": 5})
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out=str(out))
    result = train(job, config, device="cpu")
    return out, config, result


def _resume(out, scene_files, config) -> tuple:
    sink = CollectingSink()
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out=str(out), resume=True)
    return train(job, config, device="cpu", reporter=Reporter(sink)), sink


def _copy_run(out, folder):
    shutil.copytree(rounds_dir(out), rounds_dir(folder / out.name))
    shutil.copyfile(out, folder / out.name)
    return folder / out.name


def test_train_resume_restores_a_missing_out_from_the_best_round(two_rounds, scene_files,
                                                                 tmp_path):
    out, config, first = two_rounds
    out = _copy_run(out, tmp_path)
    out.unlink()  # the round was saved, the copy to --out was not (disk full, a kill)
    result, sink = _resume(out, scene_files, config)
    assert result.stop_reason == "already finished"
    best = rounds_dir(out) / f"round_{first.best_round:03d}.pt"
    assert out.read_bytes() == best.read_bytes()
    assert [e["path"] for e in sink.of_kind("artifact") if e["kind"] == "model"] == [str(out)]


def test_train_resume_replaces_an_out_that_is_not_the_best_round(two_rounds, scene_files,
                                                                 tmp_path):
    out, config, first = two_rounds
    out = _copy_run(out, tmp_path)
    other = 3 - first.best_round  # the round that is not the best of the two
    shutil.copyfile(rounds_dir(out) / f"round_{other:03d}.pt", out)
    _resume(out, scene_files, config)
    best = rounds_dir(out) / f"round_{first.best_round:03d}.pt"
    assert out.read_bytes() == best.read_bytes()


def test_train_resume_leaves_a_correct_out_alone(two_rounds, scene_files, tmp_path):
    out, config, _ = two_rounds
    out = _copy_run(out, tmp_path)
    before = out.stat().st_mtime_ns
    _, sink = _resume(out, scene_files, config)
    assert out.stat().st_mtime_ns == before
    assert not [e for e in sink.of_kind("artifact") if e["kind"] == "model"]
