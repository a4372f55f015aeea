"""Processing algorithm: score a road extraction against a reference (engine ``evaluate``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ..feedback_bridge import StageProgress
from ..qt_compat import FIELD_DOUBLE, FIELD_STRING
from .base import EngineAlgorithm

__all__ = ["EvaluateExtraction", "METRICS"]

#: The scores the engine reports, in its order; each is also a number output (upper case).
METRICS = ("precision", "recall", "f1", "iou", "relaxed_precision", "relaxed_recall",
           "relaxed_f1", "completeness", "correctness", "quality", "apls")
#: Percent of the run given to the engine; the rest is writing the table.
ENGINE_END = 95.0


class EvaluateExtraction(EngineAlgorithm):
    """Pixel, relaxed, centerline (Wiedemann) and APLS scores of a prediction."""

    PREDICTION = "PREDICTION"
    REFERENCE = "REFERENCE"
    RHO = "RHO"
    BUFFER_M = "BUFFER_M"
    THRESHOLD = "THRESHOLD"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT_JSON = "OUTPUT_JSON"

    def name(self) -> str:
        return "evaluate_extraction"

    def displayName(self) -> str:
        return self.tr("Evaluate road extraction")

    def shortHelpString(self) -> str:
        return self.tr(
            "Scores a road extraction against a reference. Prediction: a probability raster "
            "(cut at Road threshold; empty = the threshold calibrated on the model's "
            "hold-out, recorded in the probability raster), a 0/1 mask, or road vectors. "
            "Reference: a mask raster (1 road, 0 background, 255 not counted) or road "
            "centerlines. Gives pixel precision, recall, F1 and IoU; relaxed precision, "
            "recall and F1 within Rho pixels; completeness, correctness and quality of "
            "centerlines within Buffer metres; and APLS between the centerline graphs. Each "
            "score is also an output number (PRECISION, RECALL, ..., APLS) for models; "
            "undefined scores are empty.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        source = QgsProcessing.SourceType
        layer_types = [source.TypeRaster, source.TypeVectorAnyGeometry]
        self.addParameter(QgsProcessingParameterMapLayer(
            self.PREDICTION, self.tr("Prediction (raster or roads)"), types=layer_types))
        self.addParameter(QgsProcessingParameterMapLayer(
            self.REFERENCE, self.tr("Reference (mask raster or centerlines)"),
            types=layer_types))
        self.addParameter(QgsProcessingParameterNumber(
            self.RHO, self.tr("Relaxed tolerance rho (pixels)"),
            QgsProcessingParameterNumber.Type.Double, 3.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterNumber(
            self.BUFFER_M, self.tr("Centerline buffer (metres)"),
            QgsProcessingParameterNumber.Type.Double, 3.0, minValue=0.0))
        self.addParameter(self.threshold_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_TABLE, self.tr("Scores table"), QgsProcessing.SourceType.TypeVector))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_JSON, self.tr("Scores (JSON)"), fileFilter="JSON files (*.json)",
            optional=True, createByDefault=True))
        for key in METRICS:
            self.addOutput(QgsProcessingOutputNumber(key.upper(), key))

    def _write_table(self, scores: dict[str, Any], parameters: dict[str, Any],
                     context: QgsProcessingContext) -> str:
        fields = QgsFields()
        fields.append(QgsField("metric", FIELD_STRING))
        fields.append(QgsField("value", FIELD_DOUBLE))
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT_TABLE, context, fields,
                                             QgsWkbTypes.Type.NoGeometry,
                                             QgsCoordinateReferenceSystem())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_TABLE))
        for name, value in scores.items():
            feature = QgsFeature(fields)
            feature.setAttributes([name, value])
            if not sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert):
                raise QgsProcessingException(
                    self.writeFeatureError(sink, parameters, self.OUTPUT_TABLE))
        return dest_id

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        runner = self.engine_runner()
        args = ["--pred", self.map_layer_path(parameters, self.PREDICTION, context),
                "--truth", self.map_layer_path(parameters, self.REFERENCE, context)]
        for key, flag in ((self.RHO, "--rho"), (self.BUFFER_M, "--buffer-m")):
            args += [flag, str(self.parameterAsDouble(parameters, key, context))]
        args += self.threshold_args(parameters, context)
        result = self.run_engine(runner, "evaluate", args, feedback,
                                 StageProgress(0.0, ENGINE_END))
        scores = dict(result.done.get("scores") or {})
        json_path = self.parameterAsFileOutput(parameters, self.OUTPUT_JSON, context)
        if json_path:
            Path(json_path).parent.mkdir(parents=True, exist_ok=True)
            Path(json_path).write_text(json.dumps(scores, indent=2), encoding="utf-8")
        table = self._write_table(scores, parameters, context)
        self.loaded = [table]
        feedback.setProgress(100.0)
        results: dict[str, Any] = {self.OUTPUT_TABLE: table, self.OUTPUT_JSON: json_path or None}
        results.update({key.upper(): scores.get(key) for key in METRICS})
        return results
