"""A graphical model built in code (Train -> Extract -> Evaluate) runs end to end."""

from __future__ import annotations

import json

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
)
from road_extraction.plugin.algorithms.evaluate_extraction import METRICS

model_input = QgsProcessingModelChildParameterSource.fromModelParameter
static = QgsProcessingModelChildParameterSource.fromStaticValue
child_output = QgsProcessingModelChildParameterSource.fromChildOutput


def child(algorithm_id: str, child_id: str, sources: dict, outputs: dict | None = None):
    """A child algorithm with its parameter sources and the outputs the model exposes."""
    step = QgsProcessingModelChildAlgorithm(algorithm_id)
    step.setChildId(child_id)
    step.setDescription(child_id)
    for name, source in sources.items():
        step.addParameterSources(name, source if isinstance(source, list) else [source])
    model_outputs = {}
    for name, child_name in (outputs or {}).items():
        out = QgsProcessingModelOutput(name, name)
        out.setChildId(child_id)
        out.setChildOutputName(child_name)
        model_outputs[name] = out
    step.setModelOutputs(model_outputs)
    return step


def build_model() -> QgsProcessingModelAlgorithm:
    model = QgsProcessingModelAlgorithm("roads_chain", "Roads chain", "tests")
    for param in (QgsProcessingParameterRasterLayer("image", "Image"),
                  QgsProcessingParameterVectorLayer("roads", "Roads",
                                                    [QgsProcessing.TypeVectorLine]),
                  QgsProcessingParameterVectorLayer("aoi", "Labeled area",
                                                    [QgsProcessing.TypeVectorPolygon]),
                  QgsProcessingParameterFile("config", "Training settings"),
                  QgsProcessingParameterMapLayer("truth", "Reference")):
        model.addModelParameter(param, QgsProcessingModelParameter(param.name()))
    model.addChildAlgorithm(child("roadextraction:train_model", "train", {
        "RASTERS": model_input("image"), "ROADS": model_input("roads"),
        "AOI": model_input("aoi"), "CONFIG": model_input("config"), "ROUNDS": static(1),
        "PROFILE": static(0), "ROAD_WIDTH": static(6.0), "DEVICE": static("cpu")}))
    model.addChildAlgorithm(child("roadextraction:extract_roads", "extract", {
        "MODEL": child_output("train", "OUTPUT_MODEL"), "INPUT": model_input("image"),
        "TILE": static(64), "OVERLAP": static(0.25), "TTA": static(False),
        "THRESHOLD": static(0.5), "DEVICE": static("cpu")},
        {"centerlines": "OUTPUT_CENTERLINES"}))
    model.addChildAlgorithm(child("roadextraction:evaluate_extraction", "evaluate", {
        "PREDICTION": child_output("extract", "OUTPUT_PROBABILITY"),
        "REFERENCE": model_input("truth"), "RHO": static(3.0), "BUFFER_M": static(3.0),
        "THRESHOLD": static(0.5)}, {"scores": "OUTPUT_JSON"}))
    return model


def test_model_train_extract_evaluate_runs_end_to_end(provider, scene, tiny_config, tmp_path):
    built = build_model()
    # Saved and loaded as a .model3 file is (the modeler's round trip), then run.
    model = QgsProcessingModelAlgorithm()
    assert model.loadVariant(built.toVariant())
    assert model.dependsOnChildAlgorithms("evaluate") == {"train", "extract"}
    context = QgsProcessingContext()
    feedback = QgsProcessingFeedback()
    params = {"image": str(scene["image"]), "roads": str(scene["roads"]),
              "aoi": str(scene["aoi"]), "config": str(tiny_config),
              "truth": str(scene["truth"]),
              "evaluate:scores": str(tmp_path / "scores.json"),
              "extract:centerlines": str(tmp_path / "centerlines.gpkg")}
    ok, message = model.checkParameterValues(params, context)
    assert ok, message
    results, ok = model.run(params, context, feedback)
    assert ok
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert set(METRICS) <= set(scores)
    assert results["evaluate:scores"] == str(tmp_path / "scores.json")
    assert QgsVectorLayer(results["extract:centerlines"], "lines").isValid()
    # The evaluate step's numbers are there for further steps of a model.
    evaluate = results["CHILD_RESULTS"]["evaluate"]
    assert all(key.upper() in evaluate for key in METRICS)
