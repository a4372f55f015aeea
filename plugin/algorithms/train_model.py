"""Processing algorithm: train the road model (engine ``train``), semi-supervised on
request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
)

from ..feedback_bridge import RoundProgress
from ..report import write_training_report
from .base import EngineAlgorithm

__all__ = ["TrainModel"]

PROFILES = ("fast", "full")


class TrainModel(EngineAlgorithm):
    """Train a road model on labeled rasters, in rounds; on request also on unlabeled
    imagery (the semi-supervised branches)."""

    RASTERS = "RASTERS"
    ROADS = "ROADS"
    ROAD_WIDTH = "ROAD_WIDTH"
    WIDTH_FIELD = "WIDTH_FIELD"
    AOI = "AOI"
    BACKGROUND = "BACKGROUND"
    UNLABELED = "UNLABELED"
    SEMI_SUPERVISED = "SEMI_SUPERVISED"
    ROUNDS = "ROUNDS"
    PROFILE = "PROFILE"
    DEVICE = "DEVICE"
    INIT_MODEL = "INIT_MODEL"
    INIT_BASE_MODEL = "INIT_BASE_MODEL"
    CONFIG = "CONFIG"
    OUTPUT_MODEL = "OUTPUT_MODEL"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    BEST_ROUND = "BEST_ROUND"

    def name(self) -> str:
        return "train_model"

    def displayName(self) -> str:
        return self.tr("Train road model")

    def shortHelpString(self) -> str:
        return self.tr(
            "Trains a road segmentation model (U-Net) on a few labeled roads, in rounds."
            "<br><b>Rasters</b>: the labeled images (same bands). <b>Roads</b>: centerlines "
            "(buffered by Road width in metres, or by the Width field) or road polygons. "
            "<b>Labeled area</b>: inside it every pixel that is not road is background; "
            "<b>Background</b> polygons are background too; everything else is unlabeled. "
            "<br><b>Learn from unlabeled images (semi-supervised)</b>, an advanced option, "
            "also trains on the unlabeled imagery (the Unlabeled rasters and the unlabeled "
            "parts of the labeled ones): from round 2, pseudo-labels of its most consistent "
            "tiles, trained on beside the labels. It is off by default: in the project's "
            "benchmark its gain was within the spread (see the README). <b>Unlabeled "
            "rasters</b> are "
            "trained on only with it; without it they only count in the band statistics that "
            "normalise the images, and the log warns that they are not trained on."
            "<br>The model keeps the best round (validation IoU on a held-out part of the "
            "labeled area); the report lists the scores of every round. Profile 'fast' suits "
            "a CPU, 'full' a GPU. Device: auto, cpu, cuda or cuda:N; empty = the device of the "
            "plugin settings. Config (advanced) is a JSON or TOML file of training "
            "settings; Initial model fine-tunes an existing model, Fine-tune the bundled base "
            "model (advanced) the plugin's base model of the rasters' band count.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.RASTERS, self.tr("Labeled rasters"), QgsProcessing.SourceType.TypeRaster))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.ROADS, self.tr("Road labels (lines or polygons)"),
            [QgsProcessing.SourceType.TypeVectorLine, QgsProcessing.SourceType.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterNumber(
            self.ROAD_WIDTH, self.tr("Road width (metres, for lines)"),
            QgsProcessingParameterNumber.Type.Double, 6.0, minValue=0.01))
        width_field = QgsProcessingParameterField(
            self.WIDTH_FIELD, self.tr("Width field (metres)"),
            parentLayerParameterName=self.ROADS,
            type=QgsProcessingParameterField.DataType.Numeric, optional=True)
        width_field.setHelp(self.tr("Road width of each line in metres; overrides Road width"))
        self.addParameter(width_field)
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AOI, self.tr("Labeled area (polygons)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.BACKGROUND, self.tr("Background (polygons)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.UNLABELED, self.tr("Unlabeled rasters"), QgsProcessing.SourceType.TypeRaster,
            optional=True))
        semi = QgsProcessingParameterBoolean(
            self.SEMI_SUPERVISED, self.tr("Learn from unlabeled images (semi-supervised)"),
            defaultValue=False)
        semi.setHelp(self.tr("Also learn from the unlabeled imagery (the unlabeled rasters "
                             "and the unlabeled parts of the labeled ones): from round 2, "
                             "pseudo-labels of its most consistent tiles. Off by default: the "
                             "benchmark's gain was within its spread (see the README)."))
        semi.setFlags(semi.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(semi)
        self.addParameter(QgsProcessingParameterNumber(
            self.ROUNDS, self.tr("Rounds (at most)"), QgsProcessingParameterNumber.Type.Integer,
            3, minValue=1, maxValue=50))
        self.addParameter(QgsProcessingParameterEnum(
            self.PROFILE, self.tr("Profile"), options=list(PROFILES), defaultValue=0))
        self.addParameter(self.device_parameter())
        self.addParameter(QgsProcessingParameterFile(
            self.INIT_MODEL, self.tr("Initial model to fine-tune"), extension="pt",
            optional=True))
        init_base = QgsProcessingParameterBoolean(
            self.INIT_BASE_MODEL, self.tr("Fine-tune the bundled base model"), False)
        init_base.setHelp(self.tr("Instead of Initial model, start from the base model "
                                  "bundled with the plugin for the rasters' band count "
                                  "(resources/models/base_<N>band.pt)"))
        init_base.setFlags(init_base.flags()
                           | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(init_base)
        config_param = QgsProcessingParameterFile(
            self.CONFIG, self.tr("Training settings (JSON or TOML)"), optional=True,
            fileFilter="Settings (*.json *.toml)")
        config_param.setFlags(config_param.flags()
                              | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(config_param)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MODEL, self.tr("Model"), fileFilter="Road model (*.pt)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_REPORT, self.tr("Training report"), fileFilter="HTML files (*.html)",
            optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputNumber(self.BEST_ROUND, self.tr("Best round")))

    def _args(self, parameters: dict[str, Any], context: QgsProcessingContext,
              feedback: QgsProcessingFeedback, model: str) -> list[str]:
        rasters = self.raster_paths(parameters, self.RASTERS, context)
        if not rasters:
            raise QgsProcessingException(self.tr("RASTERS is empty; give at least one raster"))
        args: list[str] = []
        for path in rasters:
            args += ["--image", path]
        args += ["--roads", self.source_path(parameters, self.ROADS, context, feedback)]
        for key, flag in ((self.AOI, "--aoi"), (self.BACKGROUND, "--background")):
            path = self.source_path(parameters, key, context, feedback)
            if path is not None:
                args += [flag, path]
        unlabeled = self.raster_paths(parameters, self.UNLABELED, context)
        if unlabeled:
            args += ["--unlabeled", *unlabeled]
        if self.parameterAsBoolean(parameters, self.SEMI_SUPERVISED, context):
            args.append("--semi-supervised")
        fields = self.parameterAsFields(parameters, self.WIDTH_FIELD, context)
        args += [f"--width-field={fields[0] if fields else ''}",
                 "--road-width", str(self.parameterAsDouble(parameters, self.ROAD_WIDTH, context)),
                 "--rounds", str(self.parameterAsInt(parameters, self.ROUNDS, context)),
                 "--profile", PROFILES[self.parameterAsEnum(parameters, self.PROFILE, context)],
                 "--device", self.device(parameters, context), "--out", model, "--overwrite"]
        for key, flag in ((self.INIT_MODEL, "--init"), (self.CONFIG, "--config")):
            path = self.parameterAsFile(parameters, key, context)
            if path:
                args += [flag, path]
        if self.parameterAsBoolean(parameters, self.INIT_BASE_MODEL, context):
            self.require_base_models(self.parameterAsLayerList(parameters, self.RASTERS,
                                                               context))
            args += ["--init", "auto"]  # the engine's base model of the rasters' bands
        return args

    def checkParameterValues(self, parameters: dict[str, Any],
                             context: QgsProcessingContext) -> tuple[bool, str]:
        """Refuse two initial models."""
        if (self.parameterAsBoolean(parameters, self.INIT_BASE_MODEL, context)
                and self.parameterAsFile(parameters, self.INIT_MODEL, context)):
            return False, self.tr("Give either an Initial model or Fine-tune the bundled "
                                  "base model, not both")
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        runner = self.engine_runner()
        model = self.parameterAsFileOutput(parameters, self.OUTPUT_MODEL, context)
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        Path(model).parent.mkdir(parents=True, exist_ok=True)
        args = self._args(parameters, context, feedback, model)
        rounds = self.parameterAsInt(parameters, self.ROUNDS, context)
        result = self.run_engine(runner, "train", args, feedback, RoundProgress(rounds))
        if report:
            Path(report).parent.mkdir(parents=True, exist_ok=True)
            write_training_report(report, result.events, result.done,
                                  title=self.tr("Road model training"))
        return {self.OUTPUT_MODEL: model, self.OUTPUT_REPORT: report or None,
                self.BEST_ROUND: result.done.get("best_round")}
