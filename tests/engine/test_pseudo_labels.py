"""Tests of engine.pseudo_labels: thresholds, disagreement, selection of consistent tiles."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.config import AugmentConfig, ModelConfig, PseudoLabelConfig
from engine.errors import BadInputError
from engine.io.raster import Window
from engine.labels import BACKGROUND, IGNORE, ROAD
from engine.models import build_model
from engine.pseudo_labels import (
    calibrated_thresholds,
    candidate_tiles,
    context_window,
    make_pseudo_labels,
    score_tile,
    score_tiles,
    tile_disagreement,
)

#: A tiny scratch U-Net, quick to build and run.
TINY_UNET = ModelConfig(arch="unet", base_width=4, depth=2, embed_dim=4)


def test_make_pseudo_labels_uses_both_thresholds_and_ignores_the_middle():
    prob = np.array([[0.95, 0.5, 0.05], [0.91, 0.09, 0.95]], np.float32)
    valid = np.array([[True, True, True], [True, True, False]])
    out = make_pseudo_labels(prob, valid, road_threshold=0.9, background_threshold=0.1)
    np.testing.assert_array_equal(out, [[ROAD, IGNORE, BACKGROUND], [ROAD, BACKGROUND, IGNORE]])


def test_make_pseudo_labels_rejects_shape_mismatch():
    with pytest.raises(BadInputError, match="differ in shape"):
        make_pseudo_labels(np.zeros((2, 2)), np.ones((3, 3), bool), road_threshold=0.9,
                           background_threshold=0.1)


def calibrate(prob, is_road, target=0.9):
    return calibrated_thresholds(np.asarray(prob, np.float32), np.asarray(is_road, bool),
                                 road_threshold=0.9, background_threshold=0.1,
                                 target_precision=target)


def test_calibration_keeps_the_floors_when_confident_predictions_are_right():
    prob = [0.99, 0.97, 0.95, 0.02, 0.01, 0.5]
    is_road = [True, True, True, False, False, True]
    road, background = calibrate(prob, is_road)
    assert road == pytest.approx(0.9) and background == pytest.approx(0.1)


def test_calibration_raises_the_road_threshold_above_confident_false_roads():
    # An over-predicting model: roofs at p 0.92-0.95 among roads at 0.96-0.99.
    prob = np.concatenate([np.linspace(0.96, 0.99, 10), np.linspace(0.92, 0.95, 10)])
    is_road = np.arange(20) < 10
    road, _ = calibrate(prob, is_road)
    assert 0.945 <= road < 0.96
    assert np.mean(is_road[prob > road]) >= 0.9
    # Every false road was above the fixed threshold: half the pseudo-labels were wrong.
    assert np.mean(is_road[prob > 0.9]) == pytest.approx(0.5)


def test_calibration_lowers_the_background_threshold_under_missed_roads():
    prob = np.concatenate([np.full(10, 0.01), np.full(5, 0.08)])
    is_road = np.arange(15) >= 10  # the 0.08 pixels are roads the model missed
    _, background = calibrate(prob, is_road)
    assert 0.01 < background <= 0.08
    assert not np.any(is_road[prob < background])


def test_calibration_gives_no_pseudo_label_to_a_class_never_precise_enough():
    prob = [0.99, 0.98, 0.97, 0.01, 0.02]
    is_road = [False, False, True, True, True]  # confident either way, mostly wrong
    assert calibrate(prob, is_road) == (1.0, 0.0)


def test_calibration_keeps_the_floors_when_no_pixel_passes_them():
    assert calibrate([0.5, 0.6, 0.4], [True, False, True]) == (pytest.approx(0.9),
                                                               pytest.approx(0.1))


@pytest.mark.parametrize("target", [0.0, 1.5])
def test_calibration_rejects_a_target_outside_zero_one(target):
    with pytest.raises(BadInputError, match="target_precision"):
        calibrate([0.5], [True], target=target)


def test_calibration_rejects_shape_mismatch():
    with pytest.raises(BadInputError, match="differ in shape"):
        calibrate([0.5, 0.2], [True])


def test_tile_disagreement_is_mean_abs_difference_over_valid_pixels():
    a = np.array([[0.0, 1.0], [0.5, 0.2]])
    b = np.array([[0.0, 0.0], [0.5, 0.9]])
    valid = np.array([[True, True], [True, False]])
    assert tile_disagreement(a, b, valid) == pytest.approx(1.0 / 3)
    assert np.isnan(tile_disagreement(a, b, np.zeros_like(valid)))


def stripe(road_px: int, flips: int, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Two predictions of a tile with ``road_px`` road columns, ``flips`` of them seen
    as road by one view only."""
    a = np.full((size, size), 0.02, np.float32)
    a[:, :road_px] = 0.98
    b = a.copy()
    b[:, road_px - flips:road_px] = 0.02
    return a, b


def test_score_tile_inconsistency_does_not_grow_with_the_amount_of_road():
    config = PseudoLabelConfig(tile_px=32, context_px=48)
    valid = np.ones((32, 32), bool)
    small = score_tile(0, Window(0, 0, 32, 32), *stripe(4, 1), valid, config)
    large = score_tile(0, Window(0, 0, 32, 32), *stripe(16, 4), valid, config)
    assert small.inconsistency == pytest.approx(large.inconsistency) == pytest.approx(0.25)
    assert large.disagreement > small.disagreement  # the old score: a road-share proxy


def test_score_tile_leaves_pixels_the_views_disagree_on_unlabeled():
    config = PseudoLabelConfig(tile_px=32, context_px=48, road_threshold=0.9)
    a, b = stripe(8, 2)
    b[:, 6:8] = 0.84  # road at t = 0.85 in one view only, yet a mean of 0.91
    out = score_tile(0, Window(0, 0, 32, 32), a, b, np.ones((32, 32), bool), config,
                     decision_threshold=0.85)
    assert np.all(out.labels[:, 6:8] == IGNORE)
    assert np.all(out.labels[:, :6] == ROAD) and np.all(out.labels[:, 8:] == BACKGROUND)


def test_score_tile_pseudo_labels_are_never_less_strict_than_the_decision_threshold():
    config = PseudoLabelConfig(tile_px=32, context_px=48, road_threshold=0.9)
    prob = np.full((32, 32), 0.93, np.float32)
    out = score_tile(0, Window(0, 0, 32, 32), prob, prob, np.ones((32, 32), bool), config,
                     decision_threshold=0.95)
    assert not np.any(out.labels == ROAD)  # 0.93 is not even road at the threshold


def test_candidate_tiles_skips_tiles_with_human_labels():
    human = np.full((64, 96), IGNORE, np.uint8)
    human[0:10, 0:32] = BACKGROUND  # 31 % of the first tile is labeled
    tiles = candidate_tiles((64, 96), 32, human=human)
    assert Window(0, 0, 32, 32) not in tiles
    assert len(tiles) == 5


@pytest.mark.parametrize("seed", range(5))
def test_context_window_contains_the_tile(seed):
    tile = Window(40, 40, 32, 32)
    ctx = context_window(tile, 64, np.random.default_rng(seed))
    assert ctx.row_off <= 40 and ctx.row_off + 64 >= 72
    assert ctx.col_off <= 40 and ctx.col_off + 64 >= 72


@pytest.mark.parametrize("seed", range(5))
def test_context_window_of_an_edge_tile_stays_inside_the_raster(seed):
    # Bottom-right tile of a 96 x 128 raster: its context sees image, not padding.
    tile = Window(64, 96, 32, 32)
    ctx = context_window(tile, 64, np.random.default_rng(seed), shape=(96, 128))
    assert ctx.row_off >= 0 and ctx.row_off + 64 <= 96 and ctx.row_off <= 64
    assert ctx.col_off >= 0 and ctx.col_off + 64 <= 128 and ctx.col_off <= 96


def test_score_tiles_ranks_a_tile_seen_consistently_above_a_noisy_one():
    # A blank tile gives the same prediction in any context; a noise tile does not.
    model = build_model(TINY_UNET, in_channels=1).eval()
    rng = np.random.default_rng(0)
    image = np.zeros((1, 64, 128), np.float32)
    image[:, :, 64:] = rng.normal(0, 3, (1, 64, 64))

    def read(source, w):
        out = np.zeros((1, w.rows, w.cols), np.float32)
        valid = np.zeros((w.rows, w.cols), bool)
        r0, c0 = max(w.row_off, 0), max(w.col_off, 0)
        r1, c1 = min(w.row_off + w.rows, 64), min(w.col_off + w.cols, 128)
        out[:, r0 - w.row_off:r1 - w.row_off, c0 - w.col_off:c1 - w.col_off] = \
            image[:, r0:r1, c0:c1]
        valid[r0 - w.row_off:r1 - w.row_off, c0 - w.col_off:c1 - w.col_off] = True
        return out, valid

    config = PseudoLabelConfig(tile_px=32, context_px=48)
    no_aug = AugmentConfig(brightness=0, contrast=0, gamma=0, noise_std=0, blur_probability=0)
    tiles = [(0, Window(16, 16, 32, 32)), (0, Window(16, 80, 32, 32))]
    scores = score_tiles(model, read, tiles, config, no_aug, device=torch.device("cpu"),
                         rng=rng, generator=torch.Generator().manual_seed(0))
    assert len(scores) == 2
    blank, noisy = scores
    assert blank.disagreement < noisy.disagreement
    assert blank.inconsistency <= noisy.inconsistency
