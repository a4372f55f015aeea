"""Tests of engine.config: profiles, round trips, overrides and validation."""

from __future__ import annotations

import json

import pytest

from engine.config import (
    PROFILES,
    ContrastiveConfig,
    PseudoLabelConfig,
    TrainConfig,
    load_config_file,
    profile_config,
)
from engine.errors import BadInputError


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_config_round_trips_through_dict(name):
    config = profile_config(name)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_profile_config_fast_is_smaller_than_full():
    fast, full = profile_config("fast"), profile_config("full")
    assert fast.model.base_width < full.model.base_width
    assert fast.crop_px < full.crop_px
    assert fast.steps_per_round < full.steps_per_round


def test_full_profile_keeps_the_paper_geometry():
    c = profile_config("full").contrastive
    assert (c.core_px, c.view_px, c.negative_px) == (256, 384, 512)
    assert profile_config("full").crop_px == 256


def test_profile_config_rejects_unknown_name():
    with pytest.raises(BadInputError, match="unknown profile 'huge'"):
        profile_config("huge")


def test_updated_applies_nested_overrides_only():
    config = TrainConfig().updated({"contrastive": {"weight": 0.1}, "seed": 7})
    assert config.contrastive.weight == 0.1
    assert config.contrastive.temperature == ContrastiveConfig().temperature
    assert config.seed == 7


def test_from_dict_rejects_unknown_key_with_its_path():
    with pytest.raises(BadInputError, match="contrastive.wieght"):
        TrainConfig.from_dict({"contrastive": {"wieght": 1.0}})


@pytest.mark.parametrize(("overrides", "message"), [
    ({"road_width_m": 0.0}, "road_width_m=0.0"),  # a width must be positive
    ({"road_width_m": -2.0}, "road_width_m=-2.0"),
    ({"crop_px": 100}, "crop_px=100"),  # not a multiple of 2**depth
    ({"val_fraction": 1.0}, "val_fraction=1.0"),
    ({"threshold_tolerance": 1.0}, "threshold_tolerance=1.0"),
    ({"contrastive": {"view_px": 64}}, "contrastive.view_px=64"),  # smaller than the core
    ({"contrastive": {"cell_px": 48}}, "contrastive.cell_px=48"),  # does not divide core
    ({"contrastive": {"negatives_mode": "medium"}}, "negatives_mode='medium'"),
    ({"pseudo": {"road_threshold": 0.4}}, "pseudo.road_threshold=0.4"),
    ({"pseudo": {"calibrate_precision": 1.2}}, "pseudo.calibrate_precision=1.2"),
    ({"model": {"arch": "vgg"}}, "model.arch='vgg'"),
])
def test_train_config_rejects_invalid_values(overrides, message):
    with pytest.raises(BadInputError, match=message.replace("(", r"\(").replace(".", r"\.")):
        TrainConfig().updated(overrides)


def test_keep_fraction_grows_per_round_and_repeats_the_last():
    pseudo = PseudoLabelConfig(keep_fractions=(0.2, 0.4))
    assert [pseudo.keep_fraction(r) for r in range(4)] == [0.0, 0.2, 0.4, 0.4]


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_load_config_file_reads_json_and_toml(tmp_path, suffix):
    path = tmp_path / f"c{suffix}"
    path.write_text('{"contrastive": {"weight": 0.25}}' if suffix == ".json"
                    else "[contrastive]\nweight = 0.25\n")
    assert TrainConfig().updated(load_config_file(path)).contrastive.weight == 0.25


@pytest.mark.parametrize(("name", "text", "message"), [
    ("c.yaml", "a: 1", "must end in .json or .toml"),
    ("c.json", "{not json", "is not valid"),
    ("c.json", "[1, 2]", "must hold a table"),
])
def test_load_config_file_rejects_bad_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(BadInputError, match=message):
        load_config_file(path)


def test_load_config_file_rejects_missing_file(tmp_path):
    with pytest.raises(BadInputError, match="does not exist"):
        load_config_file(tmp_path / "nope.json")
