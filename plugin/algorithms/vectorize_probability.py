"""Processing algorithm: road polygons and centerlines from a probability raster."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
)

from ..feedback_bridge import StageProgress
from ..layer_styles import CENTERLINES_STYLE, ROADS_STYLE
from .base import EngineAlgorithm

__all__ = ["VectorizeProbability"]

#: Percent of the run given to the engine; the rest is copying the two layers.
ENGINE_END = 90.0


class VectorizeProbability(EngineAlgorithm):
    """Threshold a road probability raster into road polygons and centerlines."""

    INPUT = "INPUT"
    THRESHOLD = "THRESHOLD"
    OUTPUT_ROADS = "OUTPUT_ROADS"
    OUTPUT_CENTERLINES = "OUTPUT_CENTERLINES"

    def name(self) -> str:
        return "vectorize_probability"

    def displayName(self) -> str:
        return self.tr("Vectorize road probability")

    def shortHelpString(self) -> str:
        return self.tr(
            "Turns a road probability raster (as written by Extract roads: Byte 0-254 with "
            "255 as nodata, or Float32 0-1) into road polygons (threshold, small objects and "
            "holes removed, simplified) and road centerlines (skeleton graph, short spurs "
            "pruned, gaps joined, simplified; fields length_m, start_degree, end_degree). "
            "Lengths and areas are in metres. Road threshold: empty = the threshold "
            "calibrated on the model's hold-out, recorded in the probability raster.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.INPUT, self.tr("Road probability raster")))
        self.addParameter(self.threshold_parameter())
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_ROADS, self.tr("Roads"), QgsProcessing.SourceType.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_CENTERLINES, self.tr("Road centerlines"),
            QgsProcessing.SourceType.TypeVectorLine))

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        runner = self.engine_runner()
        raster = self.raster_paths(parameters, self.INPUT, context)[0]
        vectors = QgsProcessingUtils.generateTempFilename("roads.gpkg")
        self.run_engine(runner, "vectorize", [
            "--prob", raster, "--out", vectors, *self.threshold_args(parameters, context),
            "--overwrite"], feedback, StageProgress(0.0, ENGINE_END))
        roads = self.copy_to_sink(vectors, "roads", parameters, self.OUTPUT_ROADS, context,
                                  feedback)
        feedback.setProgress((ENGINE_END + 100.0) / 2)
        centerlines = self.copy_to_sink(vectors, "centerlines", parameters,
                                        self.OUTPUT_CENTERLINES, context, feedback)
        feedback.setProgress(100.0)
        self.loaded = [roads, centerlines]
        self.loaded_styles = {roads: ROADS_STYLE, centerlines: CENTERLINES_STYLE}
        self.name_outputs({self.OUTPUT_ROADS: roads, self.OUTPUT_CENTERLINES: centerlines},
                          [self.parameterAsRasterLayer(parameters, self.INPUT, context)])
        return {self.OUTPUT_ROADS: roads, self.OUTPUT_CENTERLINES: centerlines}
