"""Tests of engine.training.crops: crops land on labels, roads are oversampled."""

from __future__ import annotations

import numpy as np
import pytest

from engine.labels import BACKGROUND, IGNORE, ROAD
from engine.training.crops import build_crop_pool


def test_crop_pool_centres_crops_near_labeled_pixels():
    lab = np.full((200, 200), IGNORE, np.uint8)
    lab[150:170, 20:40] = BACKGROUND
    pool = build_crop_pool([None, lab], rng=np.random.default_rng(0))
    crops = pool.sample(50, 32, road_share=0.0, rng=np.random.default_rng(1))
    for src, w in crops:
        assert src == 1  # the raster without labels never supplies supervised crops
        cr, cc = w.row_off + 16, w.col_off + 16
        assert 150 - 8 <= cr < 170 + 8 and 20 - 8 <= cc < 40 + 8


def test_crop_pool_oversamples_road():
    lab = np.full((300, 300), BACKGROUND, np.uint8)
    lab[:, 150] = ROAD  # 0.3 % of the pixels
    pool = build_crop_pool([lab], rng=np.random.default_rng(0))
    crops = pool.sample(200, 32, road_share=0.5, rng=np.random.default_rng(2))
    with_road = sum(w.col_off <= 150 < w.col_off + 32 for _, w in crops)
    assert with_road / len(crops) > 0.4


def test_crop_pool_without_labels_is_empty():
    assert build_crop_pool([None, np.full((8, 8), IGNORE, np.uint8)],
                           rng=np.random.default_rng(0)).empty


def test_crop_pool_weights_set_each_rasters_share_of_the_crops():
    small = np.full((40, 40), BACKGROUND, np.uint8)
    large = np.full((400, 400), BACKGROUND, np.uint8)  # 100 x the labeled pixels
    pool = build_crop_pool([small, large], rng=np.random.default_rng(0), weights=[1.0, 1.0])
    crops = pool.sample(400, 16, road_share=0.0, rng=np.random.default_rng(3))
    share = np.mean([src == 0 for src, _ in crops])
    assert 0.4 < share < 0.6  # by count it would be 1 %


def test_crop_pool_weight_of_a_raster_without_labels_is_ignored():
    lab = np.full((40, 40), BACKGROUND, np.uint8)
    pool = build_crop_pool([None, lab], rng=np.random.default_rng(0), weights=[5.0, 1.0])
    assert {src for src, _ in pool.sample(20, 16, road_share=0.0,
                                          rng=np.random.default_rng(0))} == {1}


def test_crop_pool_refuses_weights_of_another_length():
    with pytest.raises(ValueError, match="2 values >= 0"):
        build_crop_pool([None, None], rng=np.random.default_rng(0), weights=[1.0])
