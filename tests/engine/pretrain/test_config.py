"""Tests of engine.pretrain.config: PretrainConfig's checks, profiles and round trip."""

from __future__ import annotations

import pytest

from engine.errors import BadInputError
from engine.pretrain import PRETRAIN_PROFILES, PretrainConfig, RealImage, pretrain_profile


class TestPretrainConfig:
    def test_round_trips_through_to_dict(self):
        config = PretrainConfig(bands=1, steps=7, pixel_size_m=(0.4, 0.8))
        assert PretrainConfig.from_dict(config.to_dict()) == config

    def test_chunks_cover_every_step(self):
        assert PretrainConfig(steps=10, chunk_steps=4).chunks == 3  # 4 + 4 + 2

    @pytest.mark.parametrize(("key", "value", "match"), [
        ("bands", 4, "bands=4"),  # base models are pan or RGB
        ("steps", 0, "steps=0"),
        ("chunk_steps", 0, "chunk_steps=0"),
        ("scenes_per_chunk", 0, "scenes_per_chunk=0"),
        ("scene_px", 32, "scene_px=32"),  # SceneConfig's smallest is 64
        ("pixel_size_m", (1.0, 0.3), "pixel_size_m"),  # reversed range
        ("road_width_m", (0.1, 3.0), "road_width_m"),
        ("tree_density", (0.0, 1.5), "tree_density"),
        ("nodata_share", 1.5, "nodata_share=1.5"),
        ("norm_jitter", 0.5, "norm_jitter=0.5"),
    ])
    def test_refuses_a_bad_value_by_name(self, key, value, match):
        with pytest.raises(BadInputError, match=match):
            PretrainConfig(**{key: value})

    def test_from_dict_refuses_unknown_keys(self):
        with pytest.raises(BadInputError, match="unknown pretrain setting"):
            PretrainConfig.from_dict({"stepz": 3})

    def test_updated_ignores_none(self):
        assert PretrainConfig().updated({"steps": None, "bands": 1}).bands == 1


@pytest.mark.parametrize("name", sorted(PRETRAIN_PROFILES))
def test_pretrain_profile_is_valid(name):
    assert isinstance(pretrain_profile(name), PretrainConfig)


def test_pretrain_profile_refuses_an_unknown_name():
    with pytest.raises(BadInputError, match="unknown profile 'huge'"):
        pretrain_profile("huge")


def test_real_images_round_trip_through_to_dict():
    config = PretrainConfig(real_images=[RealImage("a.tif", "r.gpkg", None)])
    again = PretrainConfig.from_dict(config.to_dict())
    assert again == config and again.real_images[0].roads == "r.gpkg"


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_real_share_must_be_a_share_above_zero(share):
    with pytest.raises(BadInputError, match="real_share"):
        PretrainConfig(real_share=share)


def test_real_share_one_needs_real_images():
    with pytest.raises(BadInputError, match="real_share=1.0 is invalid: .*needs real images"):
        PretrainConfig(real_share=1.0)
    real_only = PretrainConfig(real_share=1.0, real_images=[RealImage("a.tif", "r.gpkg")])
    assert not real_only.generates_scenes and PretrainConfig().generates_scenes


@pytest.mark.parametrize("styles", [(), ("urban",)])
def test_styles_must_be_the_generators(styles):
    with pytest.raises(BadInputError, match="styles"):
        PretrainConfig(styles=styles)
