"""Tests of engine.pretrain.scenes: randomised scene settings, jittered normalisation."""

from __future__ import annotations

import numpy as np
import pytest

from engine.labels import IGNORE, ROAD
from engine.pretrain import PretrainConfig
from engine.pretrain.scenes import (
    draw_scene_config,
    jittered_stats,
    scene_rng,
    training_scene,
)

#: Scenes as small as SceneConfig allows, so that a test takes a fraction of a second.
TINY = PretrainConfig(scene_px=64, scenes_per_chunk=2, steps=2, chunk_steps=1)


def test_draw_scene_config_stays_within_the_ranges():
    rng = np.random.default_rng(0)
    drawn = [draw_scene_config(TINY, rng=rng) for _ in range(200)]
    sizes = [c.pixel_size_m for c in drawn]
    assert 0.3 <= min(sizes) and max(sizes) <= 1.0
    assert max(sizes) / min(sizes) > 2.5  # the range is used, not one value
    # Road widths stay within what SceneConfig accepts for a 64 px scene (0.4 x its side).
    assert all(c.road_width_m[1] <= 0.4 * 64 * c.pixel_size_m for c in drawn)
    assert {c.style for c in drawn} == {"suburban", "rural"}
    assert {c.dtype for c in drawn} == {"uint8", "uint16", "float32"}
    assert 0.15 < np.mean([c.nodata_border_px > 0 for c in drawn]) < 0.45
    paved = [c.paved_share for c in drawn]
    assert 0.0 <= min(paved) < 0.05 and 0.25 < max(paved) <= 0.3
    assert {(c.material_jitter, c.blur_px) for c in drawn} == {(0.0, 0.0)}  # off by default
    wide = TINY.updated({"material_jitter": (0.0, 0.4), "blur_px": (0.0, 1.0)})
    drawn = [draw_scene_config(wide, rng=rng) for _ in range(100)]
    jitter = [c.material_jitter for c in drawn]
    assert 0.0 <= min(jitter) < 0.05 and 0.35 < max(jitter) <= 0.4
    assert 0.0 <= min(c.blur_px for c in drawn) and max(c.blur_px for c in drawn) <= 1.0


def test_jittered_stats_without_jitter_are_the_percentiles():
    image = np.arange(100, dtype=np.float32).reshape(1, 10, 10)
    stats = jittered_stats(image, np.ones((10, 10), bool), jitter=0.0,
                           percentiles=(2.0, 98.0), rng=np.random.default_rng(0))
    assert stats.low == pytest.approx((1.98,)) and stats.high == pytest.approx((97.02,))


def test_jittered_stats_move_each_end_by_at_most_the_jitter():
    image = np.random.default_rng(1).uniform(0, 255, (3, 20, 20))
    valid = np.ones((20, 20), bool)
    plain = jittered_stats(image, valid, jitter=0.0, percentiles=(2.0, 98.0),
                           rng=np.random.default_rng(0))
    span = np.subtract(plain.high, plain.low)
    for seed in range(20):
        moved = jittered_stats(image, valid, jitter=0.1, percentiles=(2.0, 98.0),
                               rng=np.random.default_rng(seed))
        assert np.all(np.abs(np.subtract(moved.low, plain.low)) <= 0.1 * span + 1e-9)
        assert np.all(np.subtract(moved.high, moved.low) > 0)


@pytest.mark.parametrize("bands", [1, 3])  # panchromatic and RGB renderings
def test_training_scene_is_normalised_and_labelled(bands):
    config = PretrainConfig(bands=bands, scene_px=64, nodata_share=1.0)
    scene = training_scene(config, percentiles=(2.0, 98.0), rng=scene_rng(config, 0, 0))
    assert scene.image.shape == (bands, 64, 64) and scene.image.dtype == np.float32
    assert scene.labels.shape == (64, 64) and scene.labels.dtype == np.uint8
    assert (scene.labels == IGNORE).any()  # every scene has a nodata border here
    assert np.all(scene.image[:, ~scene.valid] == 0.0)
    assert (scene.labels == ROAD).any()
    assert -1.0 <= scene.image.min() and scene.image.max() <= 2.0


def test_training_scene_is_the_same_for_the_same_chunk_and_index():
    a = training_scene(TINY, percentiles=(2.0, 98.0), rng=scene_rng(TINY, 3, 1))
    b = training_scene(TINY, percentiles=(2.0, 98.0), rng=scene_rng(TINY, 3, 1))
    c = training_scene(TINY, percentiles=(2.0, 98.0), rng=scene_rng(TINY, 3, 0))
    assert np.array_equal(a.image, b.image) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.labels, c.labels)


def test_draw_scene_config_keeps_to_the_styles_given():
    config = PretrainConfig(styles=("rural",))
    rng = np.random.default_rng(0)
    assert {draw_scene_config(config, rng=rng).style for _ in range(20)} == {"rural"}
