"""Processing algorithm: road probability, polygons and centerlines of a raster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
)

from ..feedback_bridge import StageProgress
from .base import EngineAlgorithm

__all__ = ["ExtractRoads"]

#: Percent of the run given to prediction, vectorisation and copying the layers.
PREDICT_END, VECTORIZE_END = 75.0, 95.0


class ExtractRoads(EngineAlgorithm):
    """Predict road probability with a model, then vectorise it (engine predict + vectorize).

    The engine's ``extract`` also draws a preview PNG and names its files itself; running
    ``predict`` straight into OUTPUT_PROBABILITY and ``vectorize`` into a temporary GeoPackage
    lets each output go wherever (and in whatever format) Processing asks.
    """

    MODEL = "MODEL"
    INPUT = "INPUT"
    TILE = "TILE"
    OVERLAP = "OVERLAP"
    TTA = "TTA"
    THRESHOLD = "THRESHOLD"
    DEVICE = "DEVICE"
    OUTPUT_PROBABILITY = "OUTPUT_PROBABILITY"
    OUTPUT_ROADS = "OUTPUT_ROADS"
    OUTPUT_CENTERLINES = "OUTPUT_CENTERLINES"

    def name(self) -> str:
        return "extract_roads"

    def displayName(self) -> str:
        return self.tr("Extract roads")

    def shortHelpString(self) -> str:
        return self.tr(
            "Applies a road model to a raster: a road probability raster on the input's exact "
            "grid and CRS (GeoTIFF, Byte 0-254, 255 = nodata), road polygons and road "
            "centerlines (with length_m). The raster is read by windows of Tile pixels that "
            "overlap by Overlap (a fraction) and are blended, so memory does not grow with "
            "the raster. TTA averages the 8 flips/rotations (8 times slower). Pixels with "
            "probability above Road threshold are road; empty = the threshold calibrated on "
            "the model's hold-out, stored in the model. Device: auto, cpu, cuda or cuda:N; "
            "empty = the device of the plugin settings. The raster must have the model's "
            "bands.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(QgsProcessingParameterFile(
            self.MODEL, self.tr("Road model"), extension="pt"))
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Raster")))
        tile = QgsProcessingParameterNumber(
            self.TILE, self.tr("Tile (pixels)"), QgsProcessingParameterNumber.Type.Integer, 512,
            minValue=32, maxValue=8192)
        overlap = QgsProcessingParameterNumber(
            self.OVERLAP, self.tr("Overlap (fraction of a tile)"),
            QgsProcessingParameterNumber.Type.Double, 0.25, minValue=0.0, maxValue=0.9)
        for param in (tile, overlap):
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterBoolean(
            self.TTA, self.tr("Test-time augmentation (TTA)"), False))
        self.addParameter(self.threshold_parameter())
        self.addParameter(self.device_parameter())
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_PROBABILITY, self.tr("Road probability")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_ROADS, self.tr("Roads"), QgsProcessing.SourceType.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_CENTERLINES, self.tr("Road centerlines"),
            QgsProcessing.SourceType.TypeVectorLine))

    def _probability_path(self, parameters: dict[str, Any],
                          context: QgsProcessingContext) -> str:
        path = self.parameterAsOutputLayer(parameters, self.OUTPUT_PROBABILITY, context)
        if Path(path).suffix.lower() not in (".tif", ".tiff"):
            raise QgsProcessingException(
                self.tr("OUTPUT_PROBABILITY must be a GeoTIFF (.tif), not {}").format(path))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return path

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        runner = self.engine_runner()
        raster = self.raster_paths(parameters, self.INPUT, context)[0]
        model = self.parameterAsFile(parameters, self.MODEL, context)
        probability = self._probability_path(parameters, context)
        self.run_engine(runner, "predict", [
            "--model", model, "--image", raster, "--out", probability,
            "--tile", str(self.parameterAsInt(parameters, self.TILE, context)),
            "--overlap", str(self.parameterAsDouble(parameters, self.OVERLAP, context)),
            *(["--tta"] if self.parameterAsBoolean(parameters, self.TTA, context) else []),
            "--device", self.device(parameters, context), "--overwrite",
        ], feedback, StageProgress(0.0, PREDICT_END))
        vectors = QgsProcessingUtils.generateTempFilename("roads.gpkg")
        self.run_engine(runner, "vectorize", [
            "--prob", probability, "--out", vectors,
            *self.threshold_args(parameters, context), "--overwrite",
        ], feedback, StageProgress(PREDICT_END, VECTORIZE_END))
        roads = self.copy_to_sink(vectors, "roads", parameters, self.OUTPUT_ROADS, context,
                                  feedback)
        feedback.setProgress((VECTORIZE_END + 100.0) / 2)
        centerlines = self.copy_to_sink(vectors, "centerlines", parameters,
                                        self.OUTPUT_CENTERLINES, context, feedback)
        feedback.setProgress(100.0)
        self.loaded = [probability, roads, centerlines]
        return {self.OUTPUT_PROBABILITY: probability, self.OUTPUT_ROADS: roads,
                self.OUTPUT_CENTERLINES: centerlines}
