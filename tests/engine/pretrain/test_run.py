"""Tests of engine.pretrain.run: a base model on generated scenes, written and resumed."""

from __future__ import annotations

import pytest

from engine.errors import CancelledError, ModelLoadError, OutputWriteError
from engine.events import CollectingSink, Reporter
from engine.model_file import load_model, read_model_file
from engine.pretrain import PretrainConfig, PretrainJob, pretrain

#: Two chunks of one step on two 64 px scenes each: a second or two on one CPU thread.
TINY = PretrainConfig(bands=1, scene_px=64, scenes_per_chunk=2, steps=2, chunk_steps=1)


def _run(out, tiny_config, config=TINY, sink=None, **job):
    return pretrain(PretrainJob(out=str(out), **job), config, tiny_config, device="cpu",
                    reporter=Reporter(sink if sink is not None else CollectingSink()))


def test_pretrain_writes_a_model_file_that_says_how_it_was_made(tmp_path, tiny_config):
    result = _run(tmp_path / "base.pt", tiny_config)
    model, meta = load_model(tmp_path / "base.pt")
    assert (result.steps, result.scenes, result.already_finished) == (2, 4, False)
    assert meta["bands"]["count"] == 1 and model.in_channels == 1
    assert meta["normalization_scope"] == "image"
    assert meta["pixel_size_range_m"] == [0.3, 1.0]
    record = meta["pretrain"]
    assert record["generator"] == "engine.synth"
    assert record["images_seen"] == "generated scenes only"
    assert (record["steps"], record["scenes"], record["seed"]) == (2, 4, 0)
    assert record["settings"] == TINY.to_dict()
    assert "engine_commit" in record and record["seconds"] > 0
    assert meta["config"]["model"] == tiny_config.to_dict()["model"]
    assert meta["config"]["contrastive"]["enabled"] is False


def test_pretrain_reports_progress_metrics_and_the_model(tmp_path, tiny_config):
    sink = CollectingSink()
    _run(tmp_path / "base.pt", tiny_config, sink=sink)
    stages = {e["stage"] for e in sink.of_kind("progress")}
    assert stages == {"pretrain chunk 1/2: scenes", "pretrain chunk 1/2: training",
                      "pretrain chunk 2/2: scenes", "pretrain chunk 2/2: training"}
    assert [e["chunk"] for e in sink.of_kind("artifact")] == [1, 2]
    assert [e["name"] for e in sink.of_kind("metric")] == ["loss", "loss"]


def test_pretrain_refuses_an_existing_out_without_resume_or_overwrite(tmp_path, tiny_config):
    out = tmp_path / "base.pt"
    out.write_bytes(b"x")
    with pytest.raises(OutputWriteError, match="--resume .* or --overwrite"):
        _run(out, tiny_config)


def test_pretrain_refuses_a_missing_folder(tmp_path, tiny_config):
    with pytest.raises(OutputWriteError, match="does not exist"):
        _run(tmp_path / "no" / "base.pt", tiny_config)


def test_pretrain_resume_adds_the_missing_chunks(tmp_path, tiny_config):
    out = tmp_path / "base.pt"
    _run(out, tiny_config, config=TINY.updated({"steps": 1}))
    result = _run(out, tiny_config, resume=True)
    assert (result.steps, result.already_finished) == (2, False)
    assert read_model_file(out)[1]["pretrain"]["chunks"] == 2
    again = _run(out, tiny_config, resume=True)
    assert again.already_finished and again.steps == 2


def test_pretrain_resume_refuses_other_settings(tmp_path, tiny_config):
    out = tmp_path / "base.pt"
    _run(out, tiny_config, config=TINY.updated({"steps": 1}))
    with pytest.raises(ModelLoadError, match="cannot resume .*'bands': 1.*'bands': 3"):
        _run(out, tiny_config, config=TINY.updated({"bands": 3}), resume=True)


def test_pretrain_cancelled_keeps_no_half_written_model(tmp_path, tiny_config):
    out = tmp_path / "base.pt"
    with pytest.raises(CancelledError):
        pretrain(PretrainJob(out=str(out)), TINY, tiny_config, device="cpu",
                 reporter=Reporter(CollectingSink(), should_stop=lambda: True))
    assert list(tmp_path.iterdir()) == []
