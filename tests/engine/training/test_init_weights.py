"""Tests of engine.training.init_weights: --init resolved, checked and its first layer adapted."""

from __future__ import annotations

import pytest
import torch

from engine.base_model import base_model_name
from engine.config import ModelConfig
from engine.errors import ModelLoadError
from engine.events import CollectingSink, Reporter
from engine.model_file import save_model
from engine.models import build_model
from engine.normalization import BandStats
from engine.training.init_weights import (
    adapt_input_filters,
    adapt_state,
    init_file,
    initial_weights,
)


def _model_file(path, config, *, bands, scope=None):
    meta = {"bands": {"count": bands}, "pixel_size_m": 0.5, "config": config.to_dict(),
            "normalization": BandStats((1.0,) * bands, (200.0,) * bands).to_dict()}
    if scope:
        meta["normalization_scope"] = scope
    save_model(path, build_model(config.model, bands, seed=1), meta)
    return str(path)


class TestAdaptInputFilters:
    def test_one_band_to_three_repeats_the_filter_divided_by_three(self):
        w = torch.randn(4, 1, 3, 3)
        out = adapt_input_filters(w, 3)
        assert out.shape == (4, 3, 3, 3)
        assert all(torch.allclose(out[:, b], w[:, 0] / 3) for b in range(3))

    def test_three_bands_to_one_sums_the_filters(self):
        w = torch.randn(4, 3, 3, 3)
        assert torch.allclose(adapt_input_filters(w, 1)[:, 0], w.sum(dim=1))

    def test_other_counts_repeat_the_scaled_mean_filter(self):
        w = torch.randn(4, 3, 3, 3)
        out = adapt_input_filters(w, 4)  # RGB -> RGB + NIR
        assert all(torch.allclose(out[:, b], w.mean(dim=1) * 3 / 4) for b in range(4))

    @pytest.mark.parametrize(("before", "after"), [(1, 3), (3, 1), (3, 4), (2, 5)])
    def test_a_grey_input_gives_the_same_response(self, before, after):
        w = torch.randn(4, before, 3, 3)
        grey = torch.rand(1, 1, 8, 8)
        old = torch.nn.functional.conv2d(grey.repeat(1, before, 1, 1), w)
        new = torch.nn.functional.conv2d(grey.repeat(1, after, 1, 1),
                                         adapt_input_filters(w, after))
        assert torch.allclose(old, new, atol=1e-5)

    def test_refuses_a_tensor_that_is_not_a_filter_bank(self):
        with pytest.raises(ModelLoadError, match="shape \\(4, 3\\)"):
            adapt_input_filters(torch.zeros(4, 3), 1)


def test_adapt_state_refuses_a_difference_other_than_the_input_bands():
    target = {"w": torch.zeros(8, 3, 3, 3)}
    with pytest.raises(ModelLoadError, match="weight w has shape \\(4, 3, 3, 3\\)"):
        adapt_state({"w": torch.zeros(4, 3, 3, 3)}, target, path="m.pt")


class TestInitialWeights:
    def test_none_starts_from_random_weights(self, tiny_config):
        assert initial_weights("none", tiny_config.model, bands=3, reporter=Reporter()) is None

    def test_auto_without_a_base_model_warns_and_starts_from_random(self, tmp_path,
                                                                    tiny_config):
        sink = CollectingSink()
        got = initial_weights("auto", tiny_config.model, bands=3, reporter=Reporter(sink),
                              folder=tmp_path)
        assert got is None
        assert "no base model for 3-band rasters" in sink.of_kind("warning")[0]["message"]

    def test_auto_finds_the_base_model_of_the_band_count_and_says_so(self, tmp_path,
                                                                     tiny_config):
        path = _model_file(tmp_path / base_model_name(1), tiny_config, bands=1, scope="image")
        sink = CollectingSink()
        got = initial_weights("auto", tiny_config.model, bands=1, reporter=Reporter(sink),
                              folder=tmp_path)
        assert got is not None and got.path == path
        assert got.stats is None  # a base model normalises each raster by itself
        assert any(path in e["stage"] for e in sink.of_kind("progress"))

    def test_a_model_of_the_same_bands_keeps_its_normalisation(self, tmp_path, tiny_config):
        path = _model_file(tmp_path / "m.pt", tiny_config, bands=3)
        got = initial_weights(path, tiny_config.model, bands=3, reporter=Reporter())
        assert got.stats == BandStats((1.0,) * 3, (200.0,) * 3)
        model = build_model(tiny_config.model, 3)
        model.load_state_dict(got.state)  # fits as it is

    def test_another_band_count_adapts_the_first_layer(self, tmp_path, tiny_config):
        path = _model_file(tmp_path / "m.pt", tiny_config, bands=1)
        sink = CollectingSink()
        got = initial_weights(path, tiny_config.model, bands=3, reporter=Reporter(sink))
        assert got.stats is None and got.source_bands == 1
        build_model(tiny_config.model, 3).load_state_dict(got.state)
        assert "adapted from 1 to 3 bands" in sink.of_kind("progress")[0]["stage"]

    def test_another_architecture_is_taken_with_a_warning_naming_both(self, tmp_path,
                                                                        tiny_config):
        path = _model_file(tmp_path / "m.pt", tiny_config, bands=3)
        other = ModelConfig(arch="unet", base_width=16, depth=2, embed_dim=8)
        sink = CollectingSink()
        got = initial_weights(path, other, bands=3, reporter=Reporter(sink))
        assert got.model == tiny_config.model
        build_model(got.model, 3).load_state_dict(got.state)
        warning = sink.of_kind("warning")[0]["message"]
        assert "'base_width': 8" in warning and "'base_width': 16" in warning


def test_init_file_is_a_path_only_when_it_names_a_file():
    assert init_file("models/m.pt") == "models/m.pt"
    assert init_file("auto") is None and init_file("none") is None and init_file(None) is None


def test_init_auto_is_not_taken_for_an_input_file_named_auto(tmp_path, monkeypatch,
                                                             scene_files, tiny_config):
    # Before: the output check read --init auto as the file ./auto, and refused --out auto.
    from engine import base_model
    from engine.training import TrainJob, train

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(base_model, "BASE_MODELS_DIR", tmp_path / "models")
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out="auto", init_model="auto")
    result = train(job, tiny_config.updated({"max_rounds": 1, "steps_per_round": 2}),
                   device="cpu")
    assert (tmp_path / "auto").is_file() and result.init_model is None
