"""Tests of engine.pretrain.cache: a chunk's scenes generated or read back from a folder."""

from __future__ import annotations

import logging

import numpy as np

from engine.events import CollectingSink, Reporter
from engine.pretrain import PretrainConfig
from engine.pretrain.cache import chunk_scenes, generator_digest, scene_key

TINY = PretrainConfig(scene_px=64, scenes_per_chunk=2, steps=2, chunk_steps=1)
PCT = (2.0, 98.0)


def _scenes(tmp_path=None, config=TINY, chunk=0, sink=None):
    return chunk_scenes(config, chunk, percentiles=PCT, reporter=Reporter(sink or
                        CollectingSink()), stage="scenes", cache_dir=tmp_path)


def test_chunk_scenes_cached_equal_generated(tmp_path):
    first = _scenes(tmp_path)
    files = sorted(tmp_path.rglob("*.npz"))
    assert len(files) == 2 and files[0].parent.name == scene_key(TINY, PCT)
    again = _scenes(tmp_path)  # read back
    fresh = _scenes()  # no cache
    for a, b, c in zip(first, again, fresh, strict=True):
        assert np.array_equal(a.image, b.image) and np.array_equal(a.labels, c.labels)


def test_chunk_scenes_reports_one_progress_event_per_scene():
    sink = CollectingSink()
    _scenes(sink=sink)
    assert [e["done"] for e in sink.of_kind("progress")] == [1, 2]


def test_scene_key_changes_with_the_scenes_not_with_the_schedule():
    assert scene_key(TINY, PCT) == scene_key(TINY.updated({"steps": 50}), PCT)
    assert scene_key(TINY, PCT) != scene_key(TINY.updated({"bands": 1}), PCT)
    assert scene_key(TINY, PCT) != scene_key(TINY, (1.0, 99.0))


def test_chunk_scenes_regenerates_an_unreadable_cached_scene(tmp_path, caplog):
    first = _scenes(tmp_path)
    broken = sorted(tmp_path.rglob("*.npz"))[0]
    broken.write_bytes(b"not a zip")
    with caplog.at_level(logging.WARNING, logger="engine.pretrain.cache"):
        again = _scenes(tmp_path)
    assert "unreadable" in caplog.text
    assert np.array_equal(first[0].image, again[0].image)


def test_scene_key_changes_with_the_generators_code(tmp_path):
    code = tmp_path / "synth"
    code.mkdir()
    (code / "render.py").write_text("ROAD = 0.25\n")
    before = generator_digest((code,))
    (code / "render.py").write_text("ROAD = 0.30\n")  # an edit that changes every scene
    after = generator_digest((code,))
    assert before != after
    assert scene_key(TINY, PCT, generator=before) != scene_key(TINY, PCT, generator=after)
    assert scene_key(TINY, PCT) == scene_key(TINY, PCT, generator=generator_digest())
