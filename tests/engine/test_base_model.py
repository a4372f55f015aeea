"""Tests of engine.base_model: the bundled base models and ``--model base``."""

from __future__ import annotations

import numpy as np
import pytest

import engine.base_model as base_model
from engine.base_model import (
    base_model_name,
    find_base_model,
    model_for_raster,
    require_base_model,
)
from engine.errors import ModelLoadError


def test_find_base_model_finds_the_file_of_the_band_count(tmp_path):
    (tmp_path / base_model_name(3)).write_bytes(b"x")
    assert find_base_model(3, folder=tmp_path) == tmp_path / "base_3band.pt"
    assert find_base_model(1, folder=tmp_path) is None


def test_require_base_model_names_the_missing_file(tmp_path):
    with pytest.raises(ModelLoadError, match="no base model for 1-band rasters is bundled "
                       "yet .*base_1band.pt"):
        require_base_model(1, folder=tmp_path)


def test_no_base_model_is_bundled_yet():
    # When one is committed, the README and this test change together.
    assert find_base_model(1) is None and find_base_model(3) is None


def test_model_for_raster_keeps_a_model_path(tmp_path):
    assert model_for_raster("model.pt", "no-such.tif", folder=tmp_path) == "model.pt"


@pytest.mark.parametrize("bands", [1, 3])  # pan and RGB rasters pick their own model
def test_model_for_raster_resolves_base_by_the_raster_bands(tmp_path, make_raster,
                                                            monkeypatch, bands):
    image = make_raster(np.ones((bands, 8, 8), np.uint8))
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / base_model_name(bands)).write_bytes(b"x")
    monkeypatch.setattr(base_model, "BASE_MODELS_DIR", folder)
    assert model_for_raster("base", image) == str(folder / base_model_name(bands))


def test_model_for_raster_base_without_one_is_an_error(tmp_path, make_raster):
    image = make_raster(np.ones((3, 8, 8), np.uint8))
    with pytest.raises(ModelLoadError, match="--model base: no base model for 3-band"):
        model_for_raster("base", image, folder=tmp_path)


def test_the_environment_variable_points_the_lookup_to_another_folder(tmp_path, make_raster,
                                                                      monkeypatch):
    # The plugin's tests (and a shared model store) name the folder this way; the engine
    # subprocess inherits it.
    (tmp_path / base_model_name(3)).write_bytes(b"x")
    monkeypatch.setenv(base_model.BASE_MODELS_ENV, str(tmp_path))
    assert find_base_model(3) == tmp_path / "base_3band.pt"
    assert find_base_model(1) is None
    image = make_raster(np.ones((3, 8, 8), np.uint8))
    assert model_for_raster("base", image) == str(tmp_path / "base_3band.pt")
    with pytest.raises(ModelLoadError, match=f"looked for {tmp_path}.base_1band.pt"):
        require_base_model(1)


def test_an_empty_environment_variable_means_the_bundled_folder(monkeypatch):
    monkeypatch.setenv(base_model.BASE_MODELS_ENV, "")
    assert base_model._folder(None) == base_model.BASE_MODELS_DIR
