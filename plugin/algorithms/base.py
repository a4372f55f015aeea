"""What every engine-backed algorithm shares: group, engine check, engine runs, sinks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..base_models import base_model_path, find_base_model
from ..engine_env import EngineChecker
from ..feedback_bridge import FeedbackBridge, RoundProgress, StageProgress
from ..layer_files import LayerFileError, layer_file, raster_file
from ..runner import EngineCancelledError, EngineResult, EngineRunError, EngineRunner
from ..settings import DEVICE_PATTERN, load_settings, plugin_dir, plugin_owned_env, resolve_python
from .output_group import group_outputs

__all__ = ["EngineAlgorithm", "icon_path"]


def icon_path() -> Path:
    """The plugin's icon."""
    return plugin_dir() / "resources" / "icons" / "roads.svg"


class EngineAlgorithm(QgsProcessingAlgorithm):
    """Base of the plugin's algorithms: one group, the engine run, errors as exceptions."""

    def tr(self, text: str) -> str:
        """Translate a user-visible string."""
        return QCoreApplication.translate("RoadExtraction", text)

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []  # outputs that may load into the project when done
        self.loaded_styles: dict[str, str] = {}  # output -> style (layer_styles.py)
        self.loaded_names: dict[str, tuple[str, str]] = {}  # output -> (default, name)

    def createInstance(self) -> EngineAlgorithm:
        return type(self)()

    def postProcessAlgorithm(self, context: QgsProcessingContext,  # noqa: N802 - QGIS hook
                             feedback: QgsProcessingFeedback) -> dict[str, Any]:
        """Main thread: the outputs that load go into a group named after the algorithm,
        with the styles and names the algorithm gave them."""
        group_outputs(context, self.loaded, self.displayName(), self.loaded_styles,
                      self.loaded_names)
        return {}

    def group(self) -> str:
        return self.tr("Road extraction")

    def groupId(self) -> str:
        return "roadextraction"

    def icon(self) -> QIcon:
        return QIcon(str(icon_path()))

    # -- the engine ---------------------------------------------------------------------

    def _checker(self) -> EngineChecker:
        # The provider remembers environments that passed; an algorithm created outside a
        # provider checks every time.
        checker = getattr(self.provider(), "engine_checker", None)
        return checker if checker is not None else EngineChecker(plugin_dir())

    def engine_runner(self) -> EngineRunner:
        """A runner on the configured interpreter, after checking that it can run the engine.

        Raises
        ------
        QgsProcessingException
            Naming what is missing and the command that installs it.
        """
        python = resolve_python(load_settings())
        status = self._checker().check(python, new_env=plugin_owned_env())
        if not status.ok:
            raise QgsProcessingException(status.message())
        return EngineRunner(python, plugin_dir())

    def checkParameterValues(self, parameters: dict[str, Any],
                             context: QgsProcessingContext) -> tuple[bool, str]:
        """Refuse a malformed DEVICE before anything runs."""
        if self.parameterDefinition("DEVICE") is not None:
            value = (self.parameterAsString(parameters, "DEVICE", context) or "").strip()
            if value and not DEVICE_PATTERN.match(value):
                return False, self._device_error(value)
        return super().checkParameterValues(parameters, context)

    def device_parameter(self) -> QgsProcessingParameterString:
        """The optional DEVICE parameter: a short label, the explanation in its help."""
        param = QgsProcessingParameterString("DEVICE", self.tr("Device"), defaultValue="",
                                             optional=True)
        param.setHelp(self.tr("auto, cpu, cuda or cuda:N; empty = the device of the plugin "
                              "settings"))
        return param

    def threshold_parameter(self) -> QgsProcessingParameterNumber:
        """The optional THRESHOLD parameter, without a default: unset, the engine uses the
        threshold calibrated on the model's hold-out."""
        param = QgsProcessingParameterNumber(
            "THRESHOLD", self.tr("Road threshold"), QgsProcessingParameterNumber.Type.Double,
            None, optional=True, minValue=0.0, maxValue=1.0)
        param.setHelp(self.tr("Road probability above which a pixel is road; empty = the "
                              "threshold calibrated on the model's hold-out, stored in the "
                              "model / the probability raster"))
        return param

    def threshold_args(self, parameters: dict[str, Any],
                       context: QgsProcessingContext) -> list[str]:
        """``["--threshold", value]`` when the user gave THRESHOLD, else nothing (the engine
        then uses the calibrated threshold)."""
        value = parameters.get("THRESHOLD")
        # None, "" or a NULL QVariant (which compares equal to None) all mean unset.
        if value is None or value == None or value == "":  # noqa: E711
            return []
        return ["--threshold", repr(self.parameterAsDouble(parameters, "THRESHOLD", context))]

    def _device_error(self, value: str) -> str:
        return self.tr("DEVICE is {!r}; use auto, cpu, cuda or cuda:N (for example cuda:0)"
                       ).format(value)

    def device(self, parameters: dict[str, Any], context: QgsProcessingContext) -> str:
        """The DEVICE parameter, or the plugin settings' device when it is empty."""
        value = (self.parameterAsString(parameters, "DEVICE", context) or "").strip()
        if not value:
            return load_settings().device
        if not DEVICE_PATTERN.match(value):
            raise QgsProcessingException(self._device_error(value))
        return value

    def run_engine(self, runner: EngineRunner, command: str, args: Sequence[str],
                   feedback: QgsProcessingFeedback | None,
                   progress: StageProgress | RoundProgress | None = None) -> EngineResult:
        """Run one engine command with its events forwarded to ``feedback``.

        Raises
        ------
        QgsProcessingException
            When the run is cancelled or the engine fails (with the engine's message).
        """
        feedback = feedback or QgsProcessingFeedback()
        feedback.pushCommandInfo(" ".join(runner.command_line(command, args)))
        bridge = FeedbackBridge(feedback, progress)
        try:
            return runner.run(command, args, on_event=bridge, on_text=bridge.text,
                              should_stop=feedback.isCanceled)
        except EngineCancelledError as err:
            raise QgsProcessingException(
                self.tr("Cancelled ({}); the engine left no partial output.").format(err)
            ) from err
        except EngineRunError as err:
            raise QgsProcessingException(self._failure_message(err, runner)) from err

    def _failure_message(self, err: EngineRunError, runner: EngineRunner) -> str:
        if err.missing_module is not None:
            # The environment broke since it was checked: say what is missing and how to fix.
            checker = self._checker()
            checker.forget()
            status = checker.check(runner.python, new_env=plugin_owned_env())
            if not status.ok:
                return status.message()
        if err.exit_code == 2:
            return self.tr("The engine refused the input: {}").format(err.message)
        first = err.message.strip().splitlines()[0] if err.message.strip() else ""
        return self.tr("The engine failed: {} (the full report is in the log)").format(first)

    def require_base_models(self, layers: Sequence[QgsRasterLayer]) -> None:
        """Refuse, naming the file, rasters whose band count has no bundled base model.

        Raises
        ------
        QgsProcessingException
            For the first band count of ``layers`` without a base model file.
        """
        for bands in sorted({layer.bandCount() for layer in layers}):
            if find_base_model(bands) is None:
                raise QgsProcessingException(self.tr(
                    "No base model is bundled for {}-band rasters (looked for {}); choose a "
                    "road model trained on your labels instead.").format(
                        bands, base_model_path(bands)))

    # -- inputs and outputs ---------------------------------------------------------------

    def name_outputs(self, outputs: dict[str, str], rasters: Sequence[QgsRasterLayer]) -> None:
        """Name the layers of ``outputs`` (parameter name -> output) "<output> - <rasters>",
        after the rasters they were made from, so that the rows of a batch (or two runs)
        load distinguishable layers instead of one "Road probability" each; a name chosen
        for an output (a model's) is kept (group_outputs)."""
        made_from = ", ".join(layer.name() for layer in rasters)
        for key, output in outputs.items():
            description = self.parameterDefinition(key).description()
            if made_from:
                self.loaded_names[output] = (description, f"{description} - {made_from}")

    def raster_paths(self, parameters: dict[str, Any], key: str,
                     context: QgsProcessingContext) -> list[str]:
        """The files of a raster or multiple-raster parameter (empty when an optional one is
        unset), or a QgsProcessingException naming the layer that is not a file."""
        definition = self.parameterDefinition(key)
        if definition.type() == "multilayer":
            layers = self.parameterAsLayerList(parameters, key, context)
        else:
            layer = self.parameterAsRasterLayer(parameters, key, context)
            if layer is None:
                raise QgsProcessingException(self.invalidRasterError(parameters, key))
            layers = [layer]
        try:
            return [raster_file(layer) for layer in layers]
        except LayerFileError as err:
            raise QgsProcessingException(self.tr("{}: {}").format(key, err)) from err

    def source_path(self, parameters: dict[str, Any], key: str, context: QgsProcessingContext,
                    feedback: QgsProcessingFeedback) -> str | None:
        """A file holding a feature-source parameter (None when an optional one is unset).

        Single-layer formats are read where they are; anything else (a GeoPackage that may
        hold several layers, a memory layer, selected features only) is written to a
        temporary GeoPackage first, because the engine reads a file's first layer.
        """
        if self.parameterAsSource(parameters, key, context) is None:
            return None
        path, _ = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, key, context, ["shp", "geojson", "fgb"], "gpkg", feedback)
        return path

    def map_layer_path(self, parameters: dict[str, Any], key: str,
                       context: QgsProcessingContext) -> str:
        """A file for a raster-or-vector layer parameter."""
        layer = self.parameterAsLayer(parameters, key, context)
        if layer is None:
            raise QgsProcessingException(self.tr("{} is not a layer QGIS can open").format(key))
        try:
            return layer_file(layer, context)
        except LayerFileError as err:
            raise QgsProcessingException(self.tr("{}: {}").format(key, err)) from err

    def copy_to_sink(self, source: str, layer_name: str, parameters: dict[str, Any], key: str,
                     context: QgsProcessingContext, feedback: QgsProcessingFeedback) -> str:
        """Copy one layer of the engine's GeoPackage into the sink parameter ``key``."""
        layer = QgsVectorLayer(f"{source}|layername={layer_name}", layer_name, "ogr")
        if not layer.isValid():
            raise QgsProcessingException(
                self.tr("The engine's output {} has no valid layer {!r}").format(source,
                                                                                 layer_name))
        sink, dest_id = self.parameterAsSink(parameters, key, context, layer.fields(),
                                             layer.wkbType(), layer.crs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, key))
        for feature in layer.getFeatures():
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Cancelled while writing {}").format(key))
            if not sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert):
                raise QgsProcessingException(self.writeFeatureError(sink, parameters, key))
        return dest_id
