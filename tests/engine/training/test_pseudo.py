"""Pseudo-label thresholds of a round, calibrated on the hold-out (engine.training.pseudo)."""

from __future__ import annotations

import gc

import pytest
import torch

from engine.events import Reporter
from engine.models import build_model
from engine.training import TrainJob
from engine.training.inputs import prepare_training_data
from engine.training.pseudo import pseudo_thresholds


@pytest.fixture
def data_and_model(scene_files, tiny_config, tmp_path):
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out=str(tmp_path / "m.pt"))
    held = [prepare_training_data(job, tiny_config, reporter=Reporter()),
            build_model(tiny_config.model, in_channels=3, seed=0).eval()]
    yield held
    held.clear()  # pytest keeps the fixture value: close the GDAL readers now,
    gc.collect()  # not after QGIS has shut GDAL down at exit


def constant(model, logit: float):
    """Make ``model`` predict sigmoid(logit) on every pixel."""
    with torch.no_grad():
        model.road_head.weight.zero_()
        model.road_head.bias.fill_(logit)
    return model


def test_a_model_calling_everything_road_gets_no_road_pseudo_label(data_and_model,
                                                                    tiny_config):
    data, model = data_and_model
    config = tiny_config.updated({"pseudo": {"calibrate_precision": 0.9}})
    road, background = pseudo_thresholds(constant(model, 3.0), data, config,
                                         torch.device("cpu"))
    # p = 0.95 everywhere: right only on the hold-out's road share, far below 90 %.
    assert road == 1.0
    assert background == pytest.approx(0.1)  # no pixel below the floor to judge by


def test_a_model_calling_everything_background_loses_its_background_labels_at_high_target(
        data_and_model, tiny_config):
    data, model = data_and_model
    config = tiny_config.updated({"pseudo": {"calibrate_precision": 0.999}})
    road, background = pseudo_thresholds(constant(model, -3.0), data, config,
                                         torch.device("cpu"))
    assert road == pytest.approx(0.9)
    assert background == 0.0  # the hold-out's roads are among the "background" pixels


def test_without_calibration_the_configured_thresholds_stay(data_and_model, tiny_config):
    data, model = data_and_model
    config = tiny_config.updated({"pseudo": {"calibrate_precision": 0.0}})
    assert pseudo_thresholds(constant(model, 3.0), data, config,
                             torch.device("cpu")) == (0.9, 0.1)


def test_pseudo_diagnostics_score_the_pseudo_labels_against_a_reference():
    import numpy as np

    from engine.io.raster import Window
    from engine.labels import BACKGROUND, IGNORE, ROAD
    from engine.pseudo_labels import TileScore
    from engine.training.pseudo import pseudo_diagnostics

    pseudo = np.full((4, 4), IGNORE, np.uint8)
    pseudo[0, :] = ROAD  # 4 road pseudo-pixels, 3 of them right
    pseudo[3, :] = BACKGROUND  # 4 background, all right
    truth = np.full((4, 4), BACKGROUND, np.uint8)
    truth[0, :3] = ROAD
    truth[1, :3] = ROAD  # 6 true road pixels in all
    tile = TileScore(0, Window(0, 0, 4, 4), 0.0, 0.25, 0.0, 1.0, 1.0, pseudo)
    out = pseudo_diagnostics([tile, tile], [tile], [pseudo], [truth])
    assert out["pseudo_road_px"] == 4 and out["pseudo_background_px"] == 4
    assert out["road_precision"] == 0.75 and out["road_recall"] == 0.5
    assert out["background_precision"] == 1.0 and out["background_recall"] == 0.4
    assert out["selected_road_tiles"] == 1 and out["selected_road_share"] == 0.25
    without = pseudo_diagnostics([tile], [tile], [pseudo], [None])
    assert "road_precision" not in without  # no reference, no made-up score
    partial = truth.copy()
    partial[:, 2:] = IGNORE  # the reference covers two columns only
    out = pseudo_diagnostics([tile], [tile], [pseudo], [partial])
    assert out["road_precision"] == 1.0  # judged where the reference says something
    assert out["background_precision"] == 1.0


def test_draw_tiles_keeps_every_candidate_when_under_the_cap():
    from engine.io.raster import Window
    from engine.training.pseudo import draw_tiles

    tiles = [(0, Window(0, c, 8, 8)) for c in range(0, 40, 8)]
    assert draw_tiles(tiles, 0, seed=(0, 1)) == tiles
    assert draw_tiles(tiles, 5, seed=(0, 1)) == tiles


def test_draw_tiles_caps_the_scored_tiles_with_a_draw_fixed_by_seed_and_round():
    from engine.io.raster import Window
    from engine.training.pseudo import draw_tiles

    tiles = [(s, Window(r, c, 8, 8)) for s in range(3) for r in range(0, 80, 8)
             for c in range(0, 80, 8)]
    drawn = draw_tiles(tiles, 50, seed=(3, 1))
    assert len(drawn) == 50 and len(set(drawn)) == 50 and set(drawn) <= set(tiles)
    assert drawn == sorted(drawn, key=tiles.index)  # raster by raster, row by row
    assert draw_tiles(tiles, 50, seed=(3, 1)) == drawn  # same on every process
    assert draw_tiles(tiles, 50, seed=(3, 2)) != drawn  # a fresh draw each round
    assert {s for s, _ in drawn} == {0, 1, 2}  # from every raster, not the first ones


def test_a_capped_round_scores_only_max_tiles(data_and_model, tiny_config):
    from engine.distributed import DistributedContext
    from engine.training.pseudo import pseudo_inputs
    from engine.training.ranks import round_seeds

    data, model = data_and_model
    dist = DistributedContext()
    config = tiny_config.updated({"pseudo": {"enabled": True, "max_tiles": 2}})
    capped = pseudo_inputs(model, data, config, 1, torch.device("cpu"), Reporter(),
                           round_seeds(0, 1, dist), dist)
    full = pseudo_inputs(model, data, tiny_config.updated({"pseudo": {"enabled": True}}), 1,
                         torch.device("cpu"), Reporter(), round_seeds(0, 1, dist), dist)
    assert full.candidates > 2
    assert capped.candidates == 2


def test_max_tiles_must_not_be_negative(tiny_config):
    from engine.errors import BadInputError

    with pytest.raises(BadInputError, match="pseudo.max_tiles.*-1"):
        tiny_config.updated({"pseudo": {"max_tiles": -1}})
