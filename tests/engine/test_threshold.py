"""Tests of engine.threshold: choosing the decision threshold and finding it again."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import BadInputError
from engine.threshold import (
    DEFAULT_THRESHOLD,
    THRESHOLD_TAG,
    calibrate_threshold,
    model_threshold,
    raster_threshold,
    resolve_threshold,
)


def over_predicting(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Roads at p ~ 0.95, roofs the model half-believes at p ~ 0.7, background at ~ 0.1."""
    rng = np.random.default_rng(seed)
    truth = np.zeros((64, 64), bool)
    truth[:, 30:36] = True
    prob = np.clip(rng.normal(0.1, 0.05, truth.shape), 0, 1)
    prob[truth] = np.clip(rng.normal(0.95, 0.02, truth.sum()), 0, 1)
    prob[5:25, 5:25] = np.clip(rng.normal(0.7, 0.03, (20, 20)), 0, 1)  # a bright roof
    return prob.astype(np.float32), truth, np.ones_like(truth)


def test_calibrate_threshold_rises_above_what_an_over_predicting_model_half_believes():
    prob, truth, valid = over_predicting()
    choice = calibrate_threshold(prob, truth, valid, rule="f1")
    assert 0.75 < choice.value < 0.9
    assert choice.score == pytest.approx(1.0, abs=0.01)
    at_half = calibrate_threshold(prob, truth, valid, rule="fixed")
    assert at_half.value == DEFAULT_THRESHOLD


def test_calibrate_threshold_relaxed_rule_forgives_a_one_pixel_offset():
    prob, truth, valid = over_predicting()
    shifted = np.roll(truth, 1, axis=1)  # labels drawn a pixel off
    strict = calibrate_threshold(prob, shifted, valid, rule="f1")
    relaxed = calibrate_threshold(prob, shifted, valid, rule="relaxed_f1")
    assert relaxed.score > strict.score and relaxed.score == pytest.approx(1.0, abs=0.01)


def test_calibrate_threshold_only_counts_valid_pixels():
    prob, truth, valid = over_predicting()
    valid[5:25, 5:25] = False  # the roof is unlabeled: nothing says it is wrong
    assert calibrate_threshold(prob, truth, valid).value <= 0.7


def test_calibrate_threshold_without_road_keeps_the_default():
    prob, truth, valid = over_predicting()
    choice = calibrate_threshold(prob, np.zeros_like(truth), valid)
    assert choice.value == DEFAULT_THRESHOLD and np.isnan(choice.score)


def test_calibrate_threshold_takes_the_middle_of_the_plateau_of_near_best_scores():
    # 100 road pixels at 0.95, one background pixel at 0.85, the rest at 0.05: F1 is 1.0
    # from 0.86 to 0.95 and 0.995 from 0.06 to 0.85. The single best point sits at the edge
    # of a flat curve; the plateau within 0.02 of it is 0.06-0.95, whose middle is 0.5.
    truth = np.zeros((32, 32), bool)
    truth[:10, :10] = True
    prob = np.where(truth, 0.95, 0.05).astype(np.float32)
    prob[20, 20] = 0.85
    choice = calibrate_threshold(prob, truth, np.ones_like(truth))
    assert choice.value == pytest.approx(0.5, abs=0.01)
    assert choice.score == pytest.approx(200 / 201)
    exact = calibrate_threshold(prob, truth, np.ones_like(truth), tolerance=0.0)
    assert 0.86 <= exact.value <= 0.95 and exact.score == 1.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rule": "best"}, "rule='best' is invalid"),
    ({"tolerance": 1.5}, "tolerance=1.5 is invalid"),
    ({"rho_px": -1.0}, "rho_px=-1.0 is invalid"),
])
def test_calibrate_threshold_rejects_bad_options(kwargs, message):
    prob, truth, valid = over_predicting()
    with pytest.raises(BadInputError, match=message):
        calibrate_threshold(prob, truth, valid, **kwargs)


def test_calibrate_threshold_rejects_shape_mismatch():
    with pytest.raises(BadInputError, match="must be 2-D arrays of one shape"):
        calibrate_threshold(np.zeros((4, 4)), np.zeros((4, 5), bool), np.ones((4, 4), bool))


@pytest.mark.parametrize(("meta", "expected"), [
    ({"decision_threshold": {"value": 0.83, "rule": "f1"}}, 0.83),
    ({}, DEFAULT_THRESHOLD),  # a model trained before calibration existed
    ({"decision_threshold": {"value": "high"}}, DEFAULT_THRESHOLD),  # crafted: ignored
    ({"decision_threshold": {"value": 7}}, DEFAULT_THRESHOLD),  # out of (0, 1]
])
def test_model_threshold_reads_the_stored_value_or_falls_back(meta, expected):
    assert model_threshold(meta) == expected


def write_tagged(path, value: str | None) -> str:
    ds = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Byte)
    if value is not None:
        ds.SetMetadataItem(THRESHOLD_TAG, value)
    ds = None
    return str(path)


def test_raster_threshold_reads_what_predict_recorded(tmp_path):
    assert raster_threshold(write_tagged(tmp_path / "a.tif", "0.7300")) == pytest.approx(0.73)
    assert raster_threshold(write_tagged(tmp_path / "b.tif", None)) is None
    assert raster_threshold(str(tmp_path / "missing.tif")) is None


def test_resolve_threshold_prefers_the_user_then_the_model_then_the_raster(tmp_path):
    tagged = write_tagged(tmp_path / "a.tif", "0.6")
    meta = {"decision_threshold": {"value": 0.8}}
    assert resolve_threshold(0.3, model_meta=meta, probability_path=tagged) == 0.3
    assert resolve_threshold(None, model_meta=meta, probability_path=tagged) == 0.8
    assert resolve_threshold(None, probability_path=tagged) == pytest.approx(0.6)
    assert resolve_threshold(None) == DEFAULT_THRESHOLD
