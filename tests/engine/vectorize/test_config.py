"""Tests of engine.vectorize.config: defaults, checks, dictionaries."""

from __future__ import annotations

import pytest

from engine.errors import BadInputError
from engine.vectorize import VectorizeConfig


class TestVectorizeConfig:
    def test_vectorize_config_defaults(self):
        config = VectorizeConfig()
        assert config.threshold == 0.5
        assert (config.spur_length_m, config.gap_join_m, config.gap_angle_deg) == (10, 15, 35)

    def test_vectorize_config_dict_roundtrip(self):
        config = VectorizeConfig(threshold=0.3, gap_join_m=0.0)
        assert VectorizeConfig.from_dict(config.to_dict()) == config

    @pytest.mark.parametrize("value", [0.0, 1.5, -0.1])  # zero, above one, negative
    def test_vectorize_config_threshold_is_a_probability(self, value):
        with pytest.raises(BadInputError, match=r"threshold must be .*; got " + str(value)):
            VectorizeConfig(threshold=value)

    @pytest.mark.parametrize("name", ["min_object_m2", "min_hole_m2", "polygon_simplify_m",
                                      "spur_length_m", "gap_join_m", "line_simplify_m"])
    def test_vectorize_config_sizes_not_negative(self, name):
        with pytest.raises(BadInputError, match=f"{name} must be a finite number >= 0; got -1"):
            VectorizeConfig(**{name: -1})

    @pytest.mark.parametrize("value", [float("nan"), float("inf")])  # NaN, infinite
    def test_vectorize_config_sizes_finite(self, value):
        with pytest.raises(BadInputError, match="gap_join_m must be a finite number"):
            VectorizeConfig(gap_join_m=value)

    @pytest.mark.parametrize("value", ["10", True, None])  # text, bool, missing
    def test_vectorize_config_sizes_are_numbers(self, value):
        with pytest.raises(BadInputError, match="spur_length_m must be a number; got"):
            VectorizeConfig(spur_length_m=value)

    def test_vectorize_config_gap_angle_at_most_90(self):
        with pytest.raises(BadInputError, match="gap_angle_deg must be between 0 and 90"):
            VectorizeConfig(gap_angle_deg=120)

    def test_vectorize_config_from_dict_unknown_key(self):
        with pytest.raises(BadInputError, match="unknown vectorize option"):
            VectorizeConfig.from_dict({"treshold": 0.4})

    @pytest.mark.parametrize("value", [8, 0, 2048.0, True])  # small, zero, float, bool
    def test_vectorize_config_block_px_whole_and_large_enough(self, value):
        with pytest.raises(BadInputError, match=f"block_px must be a whole number >= 16; "
                           f"got {value!r}"):
            VectorizeConfig(block_px=value)

    @pytest.mark.parametrize("value", [3, 1.5])  # too few for a polygon, not whole
    def test_vectorize_config_max_polygon_vertices(self, value):
        with pytest.raises(BadInputError, match="max_polygon_vertices must be a whole number"):
            VectorizeConfig(max_polygon_vertices=value)

    @pytest.mark.parametrize(("pixel_m", "expected"), [(0.5, 128), (0.3, 214), (100.0, 1)])
    def test_vectorize_config_halo_px(self, pixel_m, expected):
        assert VectorizeConfig().halo_px(pixel_m) == expected

    def test_vectorize_config_halo_px_needs_a_pixel_size(self):
        with pytest.raises(BadInputError, match="pixel_size_m must be > 0; got 0"):
            VectorizeConfig().halo_px(0)
