"""The dock: wires the widgets to the label layers, the round tasks and the results."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProject, QgsRasterLayer
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QScrollArea

from ..engine_env import EngineChecker
from ..runner import EngineRunner
from ..settings import DEVICE_PATTERN, load_settings, plugin_dir, plugin_owned_env, resolve_python
from .common import dock_icon, tr, work_folder
from .dock_ui import DockUi
from .label_counts import count_labels, round_blockers
from .label_export import export_labels
from .label_layers import LabelLayers, ensure_label_layers
from .label_tools import AreaTool, enable_snapping, start_digitizing
from .round_job import RoundJob, run_model_path
from .round_layers import add_round_layers
from .round_task import RoundTask

__all__ = ["EXTRACT_ALGORITHM", "RoadDock"]

#: The Processing algorithm "Use this model for Extract" opens.
EXTRACT_ALGORITHM = "roadextraction:extract_roads"
#: Seconds a message stays in the message bar.
MESSAGE_S = 10


class RoadDock(QgsDockWidget):
    """Label, train, look, correct: the analyst's loop in one dock."""

    def __init__(self, iface: Any, project: QgsProject | None = None) -> None:
        super().__init__(tr("Road extraction"))
        self.setObjectName("RoadExtractionDock")
        self.setWindowIcon(dock_icon("dock"))
        self.iface = iface
        self.project = project or QgsProject.instance()
        self.ui = DockUi(self.project)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.ui)
        self.setWidget(scroll)
        self.labels: LabelLayers | None = None
        self.task: RoundTask | None = None
        self.rounds_left = 0
        self.history: list[dict[str, float | None]] = []
        self.last_model: Path | None = None
        self.area_tool: AreaTool | None = None
        self.label_next_tile_px = 256  # tile of "where to label next" (the pseudo-label tile)
        self.checker = EngineChecker(plugin_dir())
        self._connect()

    def _connect(self) -> None:
        # Bound methods only: a lambda capturing self makes a reference cycle, so the dock
        # would be destroyed at an arbitrary later garbage collection (seen to break other
        # receivers of the project's signals) instead of when it is unloaded.
        ui = self.ui
        ui.create_layers.clicked.connect(self.create_label_layers)
        ui.draw_roads.clicked.connect(self._draw_roads)
        ui.draw_polygons.clicked.connect(self._draw_polygons)
        ui.draw_area.clicked.connect(self.draw_area)
        ui.raster.layerChanged.connect(self.update_counts)
        ui.road_width.valueChanged.connect(self._road_width_changed)
        ui.train.clicked.connect(self._train_one)
        ui.run_rounds.clicked.connect(self._train_many)
        ui.cancel.clicked.connect(self.cancel)
        ui.use_model.clicked.connect(self.use_model_for_extract)
        self.project.layersWillBeRemoved.connect(self._layers_removed)

    def _draw_roads(self) -> None:
        self._digitize("centerlines")

    def _draw_polygons(self) -> None:
        self._digitize("polygons")

    def _train_one(self) -> None:
        self.start_rounds(1)

    def _train_many(self) -> None:
        self.start_rounds(self.ui.rounds.value())

    def _layers_removed(self, layer_ids: list[str]) -> None:
        """Forget the label layers when one of them leaves the project."""
        if self.labels is not None and {la.id() for la in self.labels.all()} & set(layer_ids):
            self.labels = None
            self.ui.counts.setText(tr("No label layers yet."))

    # -- messages ---------------------------------------------------------------------

    def _message(self, text: str, level: int = Qgis.Info) -> None:
        QgsMessageLog.logMessage(text, tr("Road extraction"), level)
        if self.iface is not None:
            self.iface.messageBar().pushMessage(tr("Road extraction"), text, level,
                                                MESSAGE_S)

    # -- labels -----------------------------------------------------------------------

    def raster(self) -> QgsRasterLayer | None:
        """The raster the labels are drawn on (and measured against)."""
        layer = self.ui.raster.currentLayer()
        return layer if isinstance(layer, QgsRasterLayer) else None

    def create_label_layers(self) -> LabelLayers | None:
        """Create or pick the label layers in the working folder's GeoPackage."""
        raster = self.raster()
        if raster is None:
            self._message(tr("Choose a raster first: the labels take its CRS."), Qgis.Warning)
            return None
        try:
            labels = ensure_label_layers(work_folder(self.project), raster.crs(),
                                         road_width_m=self.ui.road_width.value(),
                                         project=self.project)
        except OSError as err:
            self._message(str(err), Qgis.Critical)
            return None
        self.labels = labels
        for layer in labels.all():
            for signal in (layer.featureAdded, layer.featuresDeleted, layer.geometryChanged,
                           layer.afterCommitChanges, layer.afterRollBack):
                signal.connect(self.update_counts)
        enable_snapping(self.project, labels.centerlines)
        if not self.ui.training.checked_ids():
            self.ui.training.set_checked([raster.id()])
        self.update_counts()
        return labels

    def _digitize(self, which: str) -> None:
        if self.labels is None and self.create_label_layers() is None:
            return
        if self.iface is not None:
            start_digitizing(self.iface, getattr(self.labels, which))

    def draw_area(self) -> None:
        """Switch the canvas to the rectangle tool that adds labeled areas."""
        if self.labels is None and self.create_label_layers() is None:
            return
        if self.iface is None:
            return
        canvas = self.iface.mapCanvas()
        self.area_tool = AreaTool(canvas, self.labels.areas)
        self.area_tool.added.connect(self.update_counts)
        canvas.setMapTool(self.area_tool)

    def _road_width_changed(self, value: float) -> None:
        if self.labels is not None:
            layer = self.labels.centerlines
            from qgis.core import QgsDefaultValue

            layer.setDefaultValueDefinition(layer.fields().indexOf("width"),
                                            QgsDefaultValue(repr(float(value))))

    def update_counts(self, *_: object) -> list[str]:
        """Refresh the counts and the warning; return why a round cannot start."""
        raster = self.raster()
        if self.labels is None or raster is None:
            reasons = [tr("Create the label layers on a raster first.")]
        else:
            counts = count_labels(self.labels, raster, project=self.project)
            self.ui.counts.setText(tr(
                "Labeled area: {:.4f} km² ({} px of {}) · road length: {:.0f} m · "
                "road polygons: {}").format(counts.area_km2, counts.area_px, raster.name(),
                                           counts.road_length_m, counts.road_polygons))
            reasons = round_blockers(counts)
        self.ui.warning.setText("\n".join(reasons))
        return reasons

    # -- rounds -----------------------------------------------------------------------

    def is_busy(self) -> bool:
        """True while a round runs."""
        return self.task is not None

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.ui.train, self.ui.run_rounds, self.ui.create_layers):
            widget.setEnabled(not busy)
        self.ui.cancel.setEnabled(busy)

    def start_rounds(self, count: int) -> bool:
        """Start ``count`` rounds one after the other; False (and a warning) when the labels
        or the settings do not allow a round, in which case nothing starts."""
        if self.is_busy():
            return False
        self.rounds_left = count
        return self._start_next_round()

    def _commit_labels(self) -> str | None:
        for layer in self.labels.all():
            if layer.isEditable() and not layer.commitChanges(False):
                return tr("Cannot save the edits of {}: {}").format(
                    layer.name(), "; ".join(layer.commitErrors()))
        return None

    def _problems(self) -> list[str]:
        problems = self.update_counts()
        if not self.ui.training.checked_layers():
            problems.append(tr("Check at least one training raster."))
        if not DEVICE_PATTERN.match(self.ui.device.currentText().strip()):
            problems.append(tr("Device must be auto, cpu, cuda or cuda:N."))
        if not problems and self.labels is not None:
            error = self._commit_labels()
            problems += [error] if error else []
        return problems

    def _job(self) -> RoundJob:
        folder = work_folder(self.project)
        model = run_model_path(folder)
        model.parent.mkdir(parents=True, exist_ok=True)
        width = self.ui.road_width.value()
        roads, aoi, _ = export_labels(self.labels, model.parent / "labels", road_width_m=width)
        done = len(list(model.with_name(model.name + ".rounds").glob("round_*.pt")))
        return RoundJob(
            round_index=done + 1, run_model=model,
            images=tuple(r.source() for r in self.ui.training.checked_layers()),
            unlabeled=tuple(r.source() for r in self.ui.unlabeled.checked_layers()),
            roads=roads, aoi=aoi, road_width_m=width,
            profile=self.ui.profile.currentData(), device=self.ui.device.currentText().strip(),
            init_model=self.ui.init_model.filePath() or None,
            config=self.ui.config.filePath() or None, tile_px=self.label_next_tile_px)

    def _start_next_round(self) -> bool:
        problems = self._problems()
        if problems:
            self.rounds_left = 0
            self.ui.warning.setText("\n".join(problems))
            self._message(tr("The round cannot start: {}").format(" ".join(problems)),
                          Qgis.Warning)
            return False
        job = self._job()
        python = resolve_python(load_settings())
        self.task = RoundTask(job, EngineRunner(python, plugin_dir()),
                              checker=self.checker, new_env=plugin_owned_env())
        self.task.status.connect(self._show_status)
        self.task.done.connect(self._round_done)
        self._set_busy(True)
        self.ui.progress.setValue(0)
        self.ui.stage.setText(tr("Round {}: starting the engine…").format(job.round_index))
        QgsApplication.taskManager().addTask(self.task)
        return True

    def _show_status(self, stage: str, loss: float, fraction: float, left_s: float) -> None:
        self.ui.progress.setValue(round(100 * fraction))
        parts = [stage]
        if not math.isnan(loss):
            parts.append(tr("loss {:.3f}").format(loss))
        if left_s >= 0:
            parts.append(tr("about {} s left").format(round(left_s)))
        self.ui.stage.setText(" · ".join(parts))

    def close_down(self) -> None:
        """Stop any round and let go of the project's signals, before the dock is deleted.

        The connection to the project would otherwise outlive the dock; PyQt then tidies it
        up when the Python wrapper is collected, at a moment that was seen to drop other
        receivers' connections to the same project signal.
        """
        self.cancel()
        self.project.layersWillBeRemoved.disconnect(self._layers_removed)
        self.ui.training.close_down()
        self.ui.unlabeled.close_down()

    def cancel(self) -> None:
        """Stop the running round (the engine stops within seconds)."""
        self.rounds_left = 0
        if self.task is not None:
            self.task.cancel()

    def _round_done(self, ok: bool) -> None:
        task, self.task = self.task, None
        self._set_busy(False)
        if ok and task.outputs is not None:
            self._show_round(task)
            self.rounds_left -= 1
            if self.rounds_left > 0:
                self._start_next_round()
            return
        self.rounds_left = 0
        self.ui.progress.setValue(0)
        if task.cancelled_by_user or task.isCanceled():
            self.ui.stage.setText(tr("Cancelled; the engine left no partial output."))
            return
        self.ui.stage.setText(tr("The round failed."))
        self._message(tr("The round failed: {}").format(task.error), Qgis.Critical)

    def _show_round(self, task: RoundTask) -> None:
        outputs = task.outputs
        try:
            add_round_layers(outputs, self.project)
        except OSError as err:
            self._message(str(err), Qgis.Critical)
        self.ui.progress.setValue(100)
        self.history.append(outputs.metrics)
        self.ui.plot.set_rounds(self.history)
        self.last_model = outputs.model
        self.ui.use_model.setEnabled(True)
        scores = " · ".join(f"{k}: {v:.3f}" for k, v in outputs.metrics.items() if v is not None)
        self.ui.scores.setText(tr("Round {}: {}").format(outputs.round_index, scores))
        self.ui.stage.setText(tr("Round {} finished in {:.0f} s.").format(
            outputs.round_index, task.elapsed_s))

    def use_model_for_extract(self) -> None:
        """Open the Extract roads dialog with the last round's model."""
        if self.iface is None or self.last_model is None:
            return
        import processing  # QGIS's Processing plugin; only present with the GUI

        processing.execAlgorithmDialog(EXTRACT_ALGORITHM, {"MODEL": str(self.last_model)})
