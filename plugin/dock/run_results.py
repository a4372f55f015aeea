"""The Results box: the run's rounds (plot, last scores, best round), restored from the
run's model files after a restart of QGIS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QObject, pyqtSignal

from . import runners
from .common import tr
from .dock_ui import DockUi
from .round_job import RoundOutputs
from .run_history import HistoryTask, RoundRecord, RunHistory, round_files
from .scores import format_scores

__all__ = ["RunResults"]


class RunResults(QObject):
    """Keeps ``history`` (the finished rounds of the run) and shows it.

    Parameters
    ----------
    ui : DockUi
    run_model : callable
        The current run's model path (it follows the labels' folder).
    parent : QObject
    """

    message = pyqtSignal(str, object)  # text, Qgis.MessageLevel

    def __init__(self, ui: DockUi, run_model: Callable[[], Path], parent: QObject) -> None:
        super().__init__(parent)
        self.ui = ui
        self.run_model = run_model
        self.history = RunHistory()
        self.task: HistoryTask | None = None

    def add_round(self, outputs: RoundOutputs) -> None:
        """A round has just finished."""
        record = RoundRecord(outputs.round_index, outputs.metrics)
        self.history = self.history.with_round(record, outputs.best_round)
        self.show()

    def reset(self) -> None:
        """Another run (the labels moved or changed): forget, then read its rounds."""
        self.history = RunHistory()
        self.restore()

    def restore(self) -> None:
        """Read the run's rounds in the background (``engine info`` on its newest round
        model), unless they are known already or the run has none."""
        self.show()
        model = self.run_model()
        if self.history.rounds or self.task is not None or not round_files(model):
            return
        self.task = HistoryTask(runners.engine_runner(), model)
        self.task.done.connect(self._read)
        QgsApplication.taskManager().addTask(self.task)

    def _read(self, ok: bool) -> None:
        task, self.task = self.task, None
        if task.run_model != self.run_model():  # the labels moved meanwhile
            self.restore()
            return
        if task.history is not None and not self.history.rounds:
            self.history = task.history
        elif not ok:
            self.message.emit(tr("Cannot read the earlier rounds: {}").format(task.error),
                              Qgis.MessageLevel.Warning)
        self.show()

    def cancel(self) -> None:
        """Stop reading (the dock closes)."""
        if self.task is not None:
            self.task.cancel()

    def show(self) -> None:
        """Plot, last scores and best round; Extract is possible once the run has a model."""
        self.ui.plot.set_history(self.history)
        self.ui.use_model.setEnabled(self.run_model().exists())
        if not self.history.rounds:
            self.ui.scores.setText("")
            return
        last = self.history.rounds[-1]
        text = tr("Round {}: {}").format(last.round_index, format_scores(last.metrics))
        in_use = self.in_use_text()
        if in_use:
            text += "\n" + in_use
        self.ui.scores.setText(text)

    def in_use_text(self) -> str:
        """Which round the run uses (for Extract, and on the map) and why: ``Using round 2
        (best hold-out IoU 0.410); round 3 scored 0.380.``; empty before the run has one."""
        history, best = self.history, self.history.best_round
        if best is None or not history.rounds:
            return ""
        iou = {r.round_index: r.metrics.get("iou") for r in history.rounds}
        last = history.last_round
        known = iou.get(best) is not None and iou.get(last) is not None
        if best == last:
            return (tr("Using round {} (best hold-out IoU {:.3f}).").format(best, iou[best])
                    if known else tr("Using round {} (best on the hold-out).").format(best))
        if known:
            return tr("Using round {} (best hold-out IoU {:.3f}); round {} scored {:.3f}.").format(
                best, iou[best], last, iou[last])
        return tr("Using round {} (best on the hold-out); round {} did worse.").format(
            best, last)
