"""The bundled base model in the plugin: its file (the same as the engine's), and the
Processing algorithms that use it (Extract roads, Train road model)."""

from __future__ import annotations

import shutil

import pytest
from osgeo import gdal
from qgis.core import QgsProcessingException, QgsRasterLayer, QgsVectorLayer

from .test_extract_roads import extract_parameters
from .test_train_model import train_parameters


def test_the_plugin_names_the_engines_base_model_file(base_dir, monkeypatch):
    from road_extraction.plugin.base_models import (
        BASE_MODEL_ARG,
        BASE_MODELS_ENV,
        base_model_path,
        find_base_model,
    )

    import engine.base_model as engine_side

    assert BASE_MODELS_ENV == engine_side.BASE_MODELS_ENV
    assert BASE_MODEL_ARG == engine_side.BASE_MODEL_NAME
    for bands in (1, 3, 4):
        assert base_model_path(bands) == base_dir / engine_side.base_model_name(bands)
    assert find_base_model(3) is None
    (base_dir / "base_3band.pt").write_bytes(b"x")
    assert find_base_model(3) == engine_side.find_base_model(3) == base_dir / "base_3band.pt"
    monkeypatch.delenv("ROADS_BASE_MODELS_DIR")
    assert base_model_path(1).parent == engine_side.BASE_MODELS_DIR  # resources/models


def test_extract_with_the_base_model_runs_predict_with_model_base(provider, recording_runner,
                                                                  scene, base_dir):
    import processing

    (base_dir / "base_3band.pt").write_bytes(b"x")
    processing.run("roadextraction:extract_roads",
                   extract_parameters("", scene["image"], USE_BASE_MODEL=True))
    args = recording_runner.args_of("predict")
    assert args[args.index("--model") + 1] == "base"


def test_extract_without_a_bundled_base_model_names_the_missing_file(
        provider, recording_runner, scene, base_dir):
    import processing

    with pytest.raises(QgsProcessingException, match=r"3-band rasters.*base_3band\.pt"):
        processing.run("roadextraction:extract_roads",
                       extract_parameters("", scene["image"], USE_BASE_MODEL=True))
    assert recording_runner.calls == []


@pytest.mark.parametrize(("model", "base", "problem"), [
    ("", False, "Choose a Road model"), ("model.pt", True, "not both")])
def test_extract_needs_exactly_one_model(provider, recording_runner, scene, base_dir, model,
                                         base, problem):
    import processing

    (base_dir / "base_3band.pt").write_bytes(b"x")
    with pytest.raises(QgsProcessingException, match=problem):
        processing.run("roadextraction:extract_roads",
                       extract_parameters(model, scene["image"], USE_BASE_MODEL=base))
    assert recording_runner.calls == []


def test_extract_base_model_option_is_a_plain_serialisable_boolean(provider):
    from qgis.core import QgsApplication, QgsProcessingContext

    alg = QgsApplication.processingRegistry().createAlgorithmById(
        "roadextraction:extract_roads")
    param = alg.parameterDefinition("USE_BASE_MODEL")
    assert param.type() == "boolean" and param.defaultValue() is False
    assert alg.parameterDefinition("MODEL").flags() & param.FlagOptional
    command = alg.asPythonCommand({"USE_BASE_MODEL": True, "INPUT": ["a.tif"]},
                                  QgsProcessingContext())
    assert "'USE_BASE_MODEL':True" in command


def test_extract_with_the_base_model_through_the_engine(provider, tiny_model, scene, base_dir,
                                                        tmp_path):
    import processing

    shutil.copyfile(tiny_model, base_dir / "base_3band.pt")  # a stand-in for the real one
    result = processing.run("roadextraction:extract_roads", extract_parameters(
        "", scene["image"], tmp_path, USE_BASE_MODEL=True))
    prob = QgsRasterLayer(result["OUTPUT_PROBABILITY"], "prob")
    assert prob.isValid() and prob.width() == gdal.Open(str(scene["image"])).RasterXSize
    for key in ("OUTPUT_ROADS", "OUTPUT_CENTERLINES"):
        assert QgsVectorLayer(result[key], key).isValid()


def test_train_from_the_base_model_asks_for_init_auto(provider, recording_runner, scene,
                                                      tiny_config, base_dir, tmp_path):
    import processing

    params = train_parameters(scene, tiny_config, tmp_path, INIT_BASE_MODEL=True)
    with pytest.raises(QgsProcessingException, match=r"base_3band\.pt"):
        processing.run("roadextraction:train_model", params)
    assert recording_runner.calls == []
    (base_dir / "base_3band.pt").write_bytes(b"x")
    processing.run("roadextraction:train_model", params)
    args = recording_runner.args_of("train")
    assert args[args.index("--init") + 1] == "auto"
    with pytest.raises(QgsProcessingException, match="not both"):
        processing.run("roadextraction:train_model", {**params, "INIT_MODEL": str(tmp_path)})
