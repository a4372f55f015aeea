"""roadextraction:evaluate_extraction through processing.run: table, JSON and numbers."""

from __future__ import annotations

import json

import pytest
from qgis.core import QgsFeatureRequest, QgsVectorLayer, QgsWkbTypes
from road_extraction.plugin.algorithms.evaluate_extraction import METRICS

ALG = "roadextraction:evaluate_extraction"


def test_evaluate_extraction_of_a_perfect_raster(provider, truth_probability, scene, tmp_path):
    import processing

    result = processing.run(ALG, {
        "PREDICTION": str(truth_probability), "REFERENCE": str(scene["truth"]), "RHO": 3,
        "BUFFER_M": 3, "OUTPUT_TABLE": str(tmp_path / "scores.csv"),
        "OUTPUT_JSON": str(tmp_path / "scores.json")})
    for key in ("PRECISION", "RECALL", "F1", "IOU", "RELAXED_F1"):
        assert result[key] == pytest.approx(1.0), key
    assert set(METRICS) <= set(json.loads((tmp_path / "scores.json").read_text()))
    table = QgsVectorLayer(result["OUTPUT_TABLE"], "scores")
    assert table.isValid()
    assert table.wkbType() == QgsWkbTypes.NoGeometry
    rows = {f["metric"]: f["value"] for f in table.getFeatures()}
    assert list(rows) == list(METRICS)
    assert float(rows["iou"]) == pytest.approx(1.0)  # CSV values read back as text


def test_evaluate_extraction_of_lines_from_a_memory_layer(provider, scene):
    import processing

    file_layer = QgsVectorLayer(str(scene["centerlines"]), "truth")
    memory = file_layer.materialize(QgsFeatureRequest())  # not a file: written to temp
    result = processing.run(ALG, {"PREDICTION": memory, "REFERENCE": str(scene["centerlines"]),
                                  "OUTPUT_TABLE": "TEMPORARY_OUTPUT"})
    assert result["COMPLETENESS"] == pytest.approx(1.0, abs=0.05)
    assert result["CORRECTNESS"] == pytest.approx(1.0, abs=0.05)
    assert result["OUTPUT_TABLE"].featureCount() == len(METRICS)
