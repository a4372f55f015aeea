"""The dock: wires the widgets to the label layers, the round tasks and the results."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProject, QgsRasterLayer
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QSize, pyqtSignal
from qgis.PyQt.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from ..base_models import base_model_path, find_base_model
from ..engine_env import EngineChecker
from ..layer_files import LayerFileError, raster_file
from ..settings import DEVICE_PATTERN, plugin_dir, plugin_owned_env
from . import runners
from .common import dock_icon, tr
from .dock_options import DockOptions
from .dock_ui import DEFAULT_WIDTH_PX, DockUi
from .engine_words import in_dock_words
from .first_guess import FirstGuessJob, FirstGuessTask, first_guess_dir
from .image_layers import other_rasters
from .label_session import LabelSession, breakable_text
from .project_rasters import ProjectRasters
from .round_clock import RunClock
from .round_job import RoundJob, label_next_tile_px
from .round_layers import add_first_guess_layers, add_round_layers, show_round
from .round_task import RoundTask
from .run_history import round_files
from .run_results import RunResults

__all__ = ["EXTRACT_ALGORITHM", "RoadDock"]

#: The Processing algorithm "Extract with the best model" opens.
EXTRACT_ALGORITHM = "roadextraction:extract_roads"
#: Seconds a message stays in the message bar.
MESSAGE_S = 10


class RoadDock(QgsDockWidget):
    """Label, train, look, correct: the analyst's loop in one dock.

    The boxes scroll; the run controls (Train round, Run N rounds, the progress, why a round
    failed, Cancel) are pinned below them, in sight whatever the screen's height.
    """

    #: A run of rounds or a first guess ended: True when it finished, False when it failed,
    #: was cancelled or could not start a later round.
    ended = pyqtSignal(bool)

    def __init__(self, iface: Any, project: QgsProject | None = None) -> None:
        super().__init__(tr("Road extraction"))
        self.setObjectName("RoadExtractionDock")
        self.setWindowIcon(dock_icon("dock"))
        self.iface = iface
        self.project = project or QgsProject.instance()
        self.ui = DockUi(self.project)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.ui)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        line = QFrame()  # where the scrolled boxes end and the pinned controls begin
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.ui.run_panel)
        self.setWidget(body)
        self.labels = LabelSession(self.project, self.ui, self)
        self.task: RoundTask | FirstGuessTask | None = None
        self.results = RunResults(self.ui, self.labels.run_model, self)
        self.rounds_left = 0
        self.run_clock = RunClock(1)  # the run of rounds the user started
        self._round_t0 = 0.0  # when the current round started (time.monotonic())
        self._closed = False
        self.costs: dict[str, float] = {}  # seconds per stage, measured in the last round
        self.checker: EngineChecker | None = EngineChecker(plugin_dir())
        self._connect()
        # After _connect, so that a restored Semi-supervised also relabels the unlabeled list.
        self.options = DockOptions(self.ui)
        self.options.restore()
        self.options.watch()
        # After _connect too: a raster checked again in one list leaves the other.
        self.project_rasters = ProjectRasters(self.project, self.ui.training,
                                             self.ui.unlabeled, self)
        self.project_rasters.restore()
        self._except_outputs()
        self.update_first_guess()
        self.labels.pick_up()
        self.results.restore()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt hook
        return QSize(DEFAULT_WIDTH_PX, super().sizeHint().height())

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
        ui.raster.layerChanged.connect(self.update_first_guess)
        ui.first_guess.clicked.connect(self.start_first_guess)
        ui.road_width.valueChanged.connect(self.labels.set_road_width)
        ui.training.checked.connect(ui.unlabeled.uncheck)
        ui.unlabeled.checked.connect(ui.training.uncheck)
        ui.semi_supervised.toggled.connect(ui.show_semi_supervised)
        ui.train.clicked.connect(self._train_one)
        ui.run_rounds.clicked.connect(self._train_many)
        ui.cancel.clicked.connect(self.cancel)
        ui.use_model.clicked.connect(self.use_model_for_extract)
        self.labels.changed.connect(self._labels_changed)
        self.labels.edited.connect(self.update_counts)
        self.labels.message.connect(self._message)
        self.results.message.connect(self._message)
        self.project.layersAdded.connect(self._except_outputs)
        self.project.readProject.connect(self._project_read)
        self.project.homePathChanged.connect(self._home_changed)

    def _draw_roads(self) -> None:
        self._digitize("centerlines")

    def _draw_polygons(self) -> None:
        self._digitize("polygons")

    def _train_one(self) -> None:
        self.start_rounds(1)

    def _train_many(self) -> None:
        self.start_rounds(self.ui.rounds.value())

    def _except_outputs(self, *_: object) -> None:
        """The Raster combo offers images only, not the plugin's probability outputs nor
        layers QGIS could not open (a raster whose file is gone, as a project loads)."""
        self.ui.raster.setExceptedLayerList(other_rasters(self.project))

    def _project_read(self, *_: object) -> None:
        self.project_rasters.restore()
        self.labels.pick_up()

    def _home_changed(self) -> None:
        if not self.is_busy():
            self.labels.offer_move()

    def _labels_changed(self) -> None:
        self.results.reset()
        self.update_counts()

    # -- messages ---------------------------------------------------------------------

    def _message(self, text: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info) -> None:
        QgsMessageLog.logMessage(text, tr("Road extraction"), level)
        if self.iface is not None:
            self.iface.messageBar().pushMessage(tr("Road extraction"), text, level,
                                                MESSAGE_S)

    # -- labels -----------------------------------------------------------------------

    def raster(self) -> QgsRasterLayer | None:
        """The raster the labels are drawn on (and measured against)."""
        layer = self.ui.raster.currentLayer()
        return layer if isinstance(layer, QgsRasterLayer) else None

    def create_label_layers(self) -> Any:
        """Create the label layers, or take up the project's (offering to move them beside
        a project saved since); None when there is no raster or they cannot be written."""
        raster = self.raster()
        if raster is None:
            self._message(tr("Choose a raster first: the labels take its CRS."),
                          Qgis.MessageLevel.Warning)
            return None
        layers = self.labels.create(raster, self.ui.road_width.value())
        if layers is not None and not self.ui.training.checked_ids():
            self.ui.training.set_checked([raster.id()])
        return layers

    def _digitize(self, which: str) -> None:
        if self.labels.layers is None and self.create_label_layers() is None:
            return
        if self.iface is not None:
            self.labels.start_digitizing(self.iface, which)

    def draw_area(self) -> None:
        """Switch the canvas to the rectangle tool that adds labeled areas."""
        if self.labels.layers is None and self.create_label_layers() is None:
            return
        if self.iface is not None:
            self.labels.start_area_tool(self.iface.mapCanvas())

    def update_counts(self, *_: object) -> list[str]:
        """Refresh the counts and the warning; return why a round cannot start."""
        reasons = self.labels.update_counts(self.raster())
        self.ui.show_warning(reasons)
        return reasons

    # -- rounds -----------------------------------------------------------------------

    def is_busy(self) -> bool:
        """True while a round (or a first guess) runs."""
        return self.task is not None

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.ui.train, self.ui.run_rounds, self.ui.create_layers):
            widget.setEnabled(not busy)
        self.ui.cancel.setEnabled(busy)
        self.update_first_guess()

    def run_model(self) -> Path:
        """The model of the dock's run (its best round), beside the labels."""
        return self.labels.run_model()

    def start_rounds(self, count: int) -> bool:
        """Start ``count`` rounds one after the other; False (and a warning) when the labels
        or the settings do not allow a round, in which case nothing starts."""
        if self.is_busy():
            return False
        self.rounds_left = count
        self.run_clock = RunClock(count)
        return self._start_next_round()

    def _problems(self) -> list[str]:
        problems = self.update_counts()
        if not self.ui.training.checked_layers():
            problems.append(tr("Check at least one training raster."))
        if not DEVICE_PATTERN.match(self.ui.device.currentText().strip()):
            problems.append(tr("Device must be auto, cpu, cuda or cuda:N."))
        return problems

    def _job(self) -> RoundJob:
        model = self.run_model()
        model.parent.mkdir(parents=True, exist_ok=True)
        width = self.ui.road_width.value()
        roads, aoi = self.labels.export(model.parent / "labels", road_width_m=width)
        training = self.ui.training.checked_layers()
        rasters = training + self.ui.unlabeled.checked_layers()
        labeled = self.raster() if self.raster() in training else training[0]
        tile = label_next_tile_px(labeled.width(), labeled.height())
        return RoundJob(
            round_index=len(round_files(model)) + 1, run_model=model,
            images=tuple(r.source() for r in training),
            unlabeled=tuple(r.source() for r in self.ui.unlabeled.checked_layers()),
            roads=roads, aoi=aoi, road_width_m=width,
            profile=self.ui.profile.currentData(), device=self.ui.device.currentText().strip(),
            init_model=self.ui.init_model.filePath() or None,
            config=self.ui.config.filePath() or None,
            semi_supervised=self.ui.semi_supervised.isChecked(),
            names={r.source(): r.name() for r in rasters}, label_next_image=labeled.source(),
            tile_px=tile, run_round=self.run_clock.current,
            run_rounds=self.run_clock.rounds)

    def _start_next_round(self) -> bool:
        problems = self._problems()
        if not problems:
            problems = self.labels.save_edits()
        if problems:
            self.rounds_left = 0
            self.ui.show_warning(problems)
            self._message(tr("The round cannot start: {}").format(" ".join(problems)),
                          Qgis.MessageLevel.Warning)
            return False
        job = self._job()
        self.task = RoundTask(job, runners.engine_runner(), checker=self.checker,
                              new_env=plugin_owned_env(), costs=self.costs)
        self.task.status.connect(self._show_status)
        self.task.done.connect(self._round_done)
        self._set_busy(True)
        self.ui.show_failure(None)
        self._round_t0 = time.monotonic()
        self.ui.progress.setValue(round(100 * self.run_clock.fraction()))
        self.ui.stage.setText(self.task.stage_text())
        QgsApplication.taskManager().addTask(self.task)
        return True

    def _show_status(self, stage: str, loss: float, fraction: float, left_s: float) -> None:
        if isinstance(self.task, RoundTask):  # a round's share of the run, and the run's end
            fraction = self.run_clock.fraction(fraction)
            if left_s >= 0:
                left_s = self.run_clock.left_s(time.monotonic() - self._round_t0, left_s)
        self.ui.progress.setValue(round(100 * fraction))
        parts = [stage]
        if not math.isnan(loss):
            parts.append(tr("loss {:.3f}").format(loss))
        if left_s >= 0:
            parts.append(tr("about {} s left").format(round(left_s)))
        self.ui.stage.setText(" · ".join(parts))

    # -- first guess ------------------------------------------------------------------

    def first_guess_problem(self, *, short: bool = False) -> str | None:
        """Why First guess cannot run on the dock's raster now; None when it can.
        ``short``: without the base model's path (the note under the button; the tooltip
        has it)."""
        raster = self.raster()
        if raster is None:
            return tr("Choose a raster first.")
        if self.is_busy():
            return tr("Wait until the running round or first guess ends (or cancel it).")
        bands = raster.bandCount()
        if find_base_model(bands) is None:
            if short:
                return tr("No base model is bundled for {}-band rasters; label a few roads "
                          "and train a round instead.").format(bands)
            return tr("No base model is bundled for {}-band rasters (looked for {}); label "
                      "a few roads and train a round instead.").format(
                          bands, base_model_path(bands))
        return None

    def update_first_guess(self, *_: object) -> None:
        """Enable First guess when the base model of the raster's band count is bundled;
        otherwise its tooltip and the note under it say why it is disabled (the note not
        while a round runs, which the run controls show, so it does not come and go)."""
        problem = self.first_guess_problem()
        self.ui.first_guess.setEnabled(problem is None)
        self.ui.first_guess.setToolTip(problem or tr(
            "Predict the roads of this raster with the bundled base model, before any label "
            "is drawn; then correct them with labels and train rounds."))
        if not self.is_busy():
            self.ui.show_first_guess_note(self.first_guess_problem(short=True))

    def start_first_guess(self) -> bool:
        """Predict the dock's raster with the base model of its band count, in the
        background; its layers go into their own group when done. False (and a warning)
        when it cannot start."""
        problem = self.first_guess_problem()
        device = self.ui.device.currentText().strip()
        if problem is None and not DEVICE_PATTERN.match(device):
            problem = tr("Device must be auto, cpu, cuda or cuda:N.")
        raster = self.raster()
        image = ""
        if problem is None:
            try:
                image = raster_file(raster)
            except LayerFileError as err:
                problem = str(err)
        if problem is not None:
            self._message(tr("The first guess cannot start: {}").format(problem),
                          Qgis.MessageLevel.Warning)
            return False
        job = FirstGuessJob(image=image, name=raster.name(),
                            out_dir=first_guess_dir(self.labels.folder(), image), device=device)
        self.task = FirstGuessTask(job, runners.engine_runner(), checker=self.checker,
                                   new_env=plugin_owned_env())
        self.task.status.connect(self._show_status)
        self.task.done.connect(self._first_guess_done)
        self._set_busy(True)
        self.ui.show_failure(None)
        self.ui.progress.setValue(0)
        self.ui.stage.setText(self.task.stage_text())
        QgsApplication.taskManager().addTask(self.task)
        return True

    def _first_guess_done(self, ok: bool) -> None:
        task, self.task = self.task, None
        self._set_busy(False)
        if ok and task.outputs is not None:
            try:
                add_first_guess_layers(task.outputs, self.project,
                                       labels_group=self.labels.group_name())
            except OSError as err:
                self._failed(tr("The first guess failed."), str(err))
                self.ended.emit(False)
                return
            self.ui.progress.setValue(100)
            self.ui.stage.setText(tr(
                "First guess finished in {:.0f} s: the base model's roads, from no label of "
                "yours. Label where they are wrong, then train a round.").format(task.elapsed_s))
            self.ended.emit(True)
            return
        self.ui.progress.setValue(0)
        if task.cancelled_by_user:
            self.ui.stage.setText(tr("Cancelled; the engine left no partial output."))
        else:
            self._failed(tr("The first guess failed."),
                         tr("The first guess failed: {}").format(in_dock_words(task.error)))
        self.ended.emit(False)

    def _failed(self, stage: str, reason: str) -> None:
        """Say that the round or first guess failed, and why: in the dock, where it stays
        until the next one starts, and in the message bar and log."""
        self.ui.stage.setText(stage)
        self.ui.show_failure(breakable_text(reason))  # a path must not widen the dock
        self._message(reason, Qgis.MessageLevel.Critical)

    def close_down(self) -> None:
        """Stop any round and let go of the project's signals, before the dock is deleted.

        The connection to the project would otherwise outlive the dock; PyQt then tidies it
        up when the Python wrapper is collected, at a moment that was seen to drop other
        receivers' connections to the same project signal.
        """
        if self._closed:  # once: a second disconnect would raise
            return
        self._closed = True
        self.cancel()
        self.results.cancel()
        self.project.layersAdded.disconnect(self._except_outputs)
        self.project.readProject.disconnect(self._project_read)
        self.project.homePathChanged.disconnect(self._home_changed)
        self.labels.close_down()
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
            self.costs = dict(task.clock.durations)
            self.run_clock.round_finished(task.elapsed_s)
            self._show_round(task)
            self.rounds_left -= 1
            if self.rounds_left > 0:
                if not self._start_next_round():
                    self.ended.emit(False)
                return
            self.ended.emit(True)
            return
        self.rounds_left = 0
        self.ui.progress.setValue(0)
        if task.cancelled_by_user:
            self.ui.stage.setText(tr("Cancelled; the engine left no partial output."))
        else:
            self._failed(tr("The round failed."),
                         tr("The round failed: {}").format(in_dock_words(task.error)))
        self.ended.emit(False)

    def _show_round(self, task: RoundTask) -> None:
        outputs = task.outputs
        try:
            add_round_layers(outputs, self.project, labels_group=self.labels.group_name())
        except OSError as err:
            self._message(str(err), Qgis.MessageLevel.Critical)
        best = outputs.best_round
        if best is not None and best != outputs.round_index:
            show_round(self.project, best)  # the map shows the round the run keeps
        self.ui.progress.setValue(round(100 * self.run_clock.fraction()))
        self.results.add_round(outputs)
        stage = tr("Round {} finished in {:.0f} s.").format(outputs.round_index, task.elapsed_s)
        if best is not None and best != outputs.round_index:
            stage += " " + tr("Round {} did better on the hold-out and stays in use (on the "
                              "map and for Extract).").format(best)
        if outputs.label_next is None:
            stage += "\n" + tr(
                "Where to label next: no tile of {} px is less than 10 % labeled, so there is "
                "nothing to suggest; label next wherever the predicted roads are wrong."
            ).format(outputs.tile_px)
        self.ui.stage.setText(stage)

    # -- extract ----------------------------------------------------------------------

    def extract_parameters(self) -> dict[str, Any]:
        """What Extract roads opens with: the run's best model, and the checked training
        and unlabeled rasters (else the dock's raster), extracted as one mosaic."""
        parameters: dict[str, Any] = {"MODEL": str(self.run_model())}
        rasters = self.ui.training.checked_layers() + self.ui.unlabeled.checked_layers()
        if not rasters and self.raster() is not None:
            rasters = [self.raster()]
        if rasters:
            parameters["INPUT"] = [raster.id() for raster in rasters]
        return parameters

    def use_model_for_extract(self) -> None:
        """Open the Extract roads dialog with the run's best model and the checked rasters."""
        if self.iface is None or not self.run_model().exists():
            return
        import processing  # QGIS's Processing plugin; only present with the GUI

        processing.execAlgorithmDialog(EXTRACT_ALGORITHM, self.extract_parameters())
