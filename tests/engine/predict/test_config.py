"""Tests of PredictConfig: defaults, validation naming field and value, dict round trip."""

from __future__ import annotations

import pytest

from engine.errors import BadInputError
from engine.predict import PredictConfig


def test_predict_config_defaults_are_valid():
    config = PredictConfig()
    assert (config.tile_px, config.overlap, config.output_dtype) == (512, 0.25, "byte")
    assert config.nodata == 255


@pytest.mark.parametrize(("field", "value", "allowed"), [
    ("tile_px", 500, "a multiple of 32"),  # not a multiple of 32
    ("tile_px", 0, "a multiple of 32"),  # too small
    ("tile_px", 512.0, "a multiple of 32"),  # not an integer
    ("overlap", 0.8, r"in \[0, 0.75\]"),  # above the maximum
    ("overlap", -0.1, r"in \[0, 0.75\]"),  # negative
    ("batch_size", 0, "an integer >= 1"),
    ("batch_size", True, "an integer >= 1"),  # a bool is not a count
    ("tta", "yes", "true or false"),
    ("output_dtype", "uint16", "one of byte, float32"),
    ("amp", 1, "true or false"),
    ("prefetch", 0, "an integer >= 1"),
])
def test_predict_config_rejects_bad_values_by_name(field, value, allowed):
    with pytest.raises(BadInputError, match=rf"{field}={value!r} is invalid: .*{allowed}"):
        PredictConfig(**{field: value})


def test_predict_config_round_trips_through_a_dict():
    config = PredictConfig(tile_px=256, overlap=0.5, tta=True, output_dtype="float32")
    assert PredictConfig.from_dict(config.to_dict()) == config


def test_predict_config_from_dict_rejects_unknown_keys():
    with pytest.raises(BadInputError, match="unknown prediction setting.*tile_size"):
        PredictConfig.from_dict({"tile_size": 256})
