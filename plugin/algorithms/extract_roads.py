"""Processing algorithm: road probability, polygons and centerlines of rasters (a mosaic)."""

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
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingUtils,
)

from ..base_models import BASE_MODEL_ARG
from ..feedback_bridge import StageProgress
from ..layer_styles import CENTERLINES_STYLE, PROBABILITY_STYLE, ROADS_STYLE
from .base import EngineAlgorithm
from .probability_mosaic import probability_paths, write_mosaic

__all__ = ["ExtractRoads"]

#: Percent of the run given to prediction, vectorisation and copying the layers.
PREDICT_END, VECTORIZE_END = 75.0, 95.0


class ExtractRoads(EngineAlgorithm):
    """Predict road probability with a model, then vectorise it (engine predict + vectorize).

    The engine's ``extract`` also draws a preview PNG and names its files itself; running
    ``predict`` straight into OUTPUT_PROBABILITY and ``vectorize`` into a temporary GeoPackage
    lets each output go wherever (and in whatever format) Processing asks. Several rasters
    are predicted one by one and vectorised as one mosaic (one layer of roads for all).
    """

    MODEL = "MODEL"
    USE_BASE_MODEL = "USE_BASE_MODEL"
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
            "Applies a road model to one raster or several (the tiles of a mosaic, or a VRT "
            "of them): a road probability raster on each input's exact grid and CRS "
            "(GeoTIFF, Byte 0-254, 255 = nodata), road polygons and road centerlines (with "
            "length_m) for all of them together. With several rasters, the probability "
            "rasters are written beside Road probability as <name>_<raster>.tif, with a VRT "
            "mosaic <name>.vrt of them, which is the output; they need one CRS and one pixel "
            "size. Rasters are read by windows of Tile pixels that overlap by Overlap (a "
            "fraction) and are blended, and vectorised by blocks, so memory does not grow "
            "with the rasters; empty areas cost nothing. TTA averages the 8 flips/rotations "
            "(8 times slower). Pixels with probability above Road threshold are road; empty "
            "= the threshold calibrated on the model's hold-out, stored in the model. "
            "Device: auto, cpu, cuda or cuda:N; empty = the device of the plugin settings. "
            "The rasters must have the model's bands. Use the bundled base model (instead of "
            "Road model): the model shipped in the plugin's resources/models/ for the "
            "rasters' band count (base_<N>band.pt), a first guess before any label is drawn.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(QgsProcessingParameterFile(
            self.MODEL, self.tr("Road model"), extension="pt", optional=True))
        base = QgsProcessingParameterBoolean(
            self.USE_BASE_MODEL, self.tr("Use the bundled base model"), False)
        base.setHelp(self.tr("Instead of Road model, the base model bundled with the plugin "
                             "for the rasters' band count (resources/models/base_<N>band.pt)"))
        self.addParameter(base)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.INPUT, self.tr("Rasters"), QgsProcessing.SourceType.TypeRaster))
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

    def _model_problem(self, parameters: dict[str, Any],
                       context: QgsProcessingContext) -> str | None:
        """Why MODEL and USE_BASE_MODEL do not name one model; None when they do."""
        model = self.parameterAsFile(parameters, self.MODEL, context)
        base = self.parameterAsBoolean(parameters, self.USE_BASE_MODEL, context)
        if base and model:
            return self.tr("Give either a Road model or Use the bundled base model, not both")
        if not base and not model:
            return self.tr("Choose a Road model, or check Use the bundled base model")
        return None

    def checkParameterValues(self, parameters: dict[str, Any],
                             context: QgsProcessingContext) -> tuple[bool, str]:
        """Refuse a run without a model, or with two."""
        problem = self._model_problem(parameters, context)
        if problem is not None:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def _model(self, parameters: dict[str, Any], context: QgsProcessingContext) -> str:
        """The ``--model`` of predict: MODEL's file, or ``base`` once the base model of every
        raster's band count is known to be bundled."""
        problem = self._model_problem(parameters, context)
        if problem is not None:
            raise QgsProcessingException(problem)
        if not self.parameterAsBoolean(parameters, self.USE_BASE_MODEL, context):
            return self.parameterAsFile(parameters, self.MODEL, context)
        self.require_base_models(self.parameterAsLayerList(parameters, self.INPUT, context))
        return BASE_MODEL_ARG

    def _probability_path(self, parameters: dict[str, Any],
                          context: QgsProcessingContext) -> str:
        path = self.parameterAsOutputLayer(parameters, self.OUTPUT_PROBABILITY, context)
        if Path(path).suffix.lower() not in (".tif", ".tiff"):
            raise QgsProcessingException(
                self.tr("OUTPUT_PROBABILITY must be a GeoTIFF (.tif), not {}").format(path))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def _load_instead(context: QgsProcessingContext, asked: str, written: str) -> None:
        """Load ``written`` (the mosaic) where Processing would load ``asked`` (the .tif
        that OUTPUT_PROBABILITY named, never written when there are several rasters)."""
        if not context.willLoadLayerOnCompletion(asked):
            return
        layers = context.layersToLoadOnCompletion()
        layers[written] = layers.pop(asked)
        context.setLayersToLoadOnCompletion(layers)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        runner = self.engine_runner()
        rasters = self.raster_paths(parameters, self.INPUT, context)
        if not rasters:
            raise QgsProcessingException(self.tr("INPUT: choose at least one raster"))
        model = self._model(parameters, context)
        asked = self._probability_path(parameters, context)
        probabilities, probability = probability_paths(asked, rasters)
        share = PREDICT_END / len(rasters)
        for index, (raster, out) in enumerate(zip(rasters, probabilities, strict=True)):
            self.run_engine(runner, "predict", [
                "--model", model, "--image", raster, "--out", out,
                "--tile", str(self.parameterAsInt(parameters, self.TILE, context)),
                "--overlap", str(self.parameterAsDouble(parameters, self.OVERLAP, context)),
                *(["--tta"] if self.parameterAsBoolean(parameters, self.TTA, context) else []),
                "--device", self.device(parameters, context), "--overwrite",
            ], feedback, StageProgress(index * share, (index + 1) * share))
        if len(rasters) > 1:
            write_mosaic(probability, probabilities)
            self._load_instead(context, asked, probability)
        vectors = QgsProcessingUtils.generateTempFilename("roads.gpkg")
        self.run_engine(runner, "vectorize", [
            "--prob", *probabilities, "--out", vectors,
            *self.threshold_args(parameters, context), "--overwrite",
        ], feedback, StageProgress(PREDICT_END, VECTORIZE_END))
        roads = self.copy_to_sink(vectors, "roads", parameters, self.OUTPUT_ROADS, context,
                                  feedback)
        feedback.setProgress((VECTORIZE_END + 100.0) / 2)
        centerlines = self.copy_to_sink(vectors, "centerlines", parameters,
                                        self.OUTPUT_CENTERLINES, context, feedback)
        feedback.setProgress(100.0)
        self.loaded = [probability, roads, centerlines]
        self.loaded_styles = {probability: PROBABILITY_STYLE, roads: ROADS_STYLE,
                              centerlines: CENTERLINES_STYLE}
        self.name_outputs({self.OUTPUT_PROBABILITY: probability, self.OUTPUT_ROADS: roads,
                           self.OUTPUT_CENTERLINES: centerlines},
                          self.parameterAsLayerList(parameters, self.INPUT, context))
        return {self.OUTPUT_PROBABILITY: probability, self.OUTPUT_ROADS: roads,
                self.OUTPUT_CENTERLINES: centerlines}
