"""One dock round in a QgsTask: train, extract and label-next (where to label next), each an
engine run.

run() runs on a worker thread and touches no widget: it reports through Qt signals (queued
to the main thread) and QgsTask.setProgress; finished() hands the result over on the main
thread. Cancel (task.cancel()) is polled by the runner, which then stops the engine.
"""

from __future__ import annotations

import re
import time
import traceback
from pathlib import Path
from typing import Any

from qgis.core import QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..engine_env import EngineChecker
from ..runner import EngineCancelledError, EngineRunError, EngineRunner
from .common import tr
from .round_job import RoundJob, RoundOutputs

__all__ = ["RoundTask", "overall_fraction"]

#: Share of the round (start, end) each phase takes.
PHASES = {"train": (0.0, 0.8), "extract": (0.8, 0.93), "label_next": (0.93, 1.0)}
#: Share of a training round each engine stage takes, roughly (start, end).
TRAIN_PARTS = {"pseudo-labels": (0.0, 0.25), "training": (0.25, 0.95),
               "validation": (0.95, 1.0)}
_ROUND_STAGE = re.compile(r"^round \d+: (.+)$")
#: Metrics of the plot and the dock, in the order shown.
METRICS = ("iou", "f1", "relaxed_f1")


def overall_fraction(phase: str, event: dict[str, Any]) -> float | None:
    """The round's overall fraction (0-1) for a progress event of ``phase``."""
    fraction = event.get("fraction")
    if fraction is None:
        return None
    lo, hi = PHASES[phase]
    match = _ROUND_STAGE.match(str(event.get("stage", "")))
    if phase == "train" and match is not None:
        part_lo, part_hi = TRAIN_PARTS.get(match.group(1), (0.0, 1.0))
        fraction = part_lo + (part_hi - part_lo) * float(fraction)
    return lo + (hi - lo) * float(fraction)


class RoundTask(QgsTask):
    """Runs one round; ``outputs`` (or ``error``) holds the result after it ends."""

    # stage text, loss (nan when none), overall fraction 0-1, seconds left (-1 unknown)
    status = pyqtSignal(str, float, float, float)
    done = pyqtSignal(bool)  # emitted by finished(), on the main thread

    def __init__(self, job: RoundJob, runner: EngineRunner, *,
                 checker: EngineChecker | None = None, new_env: Path | None = None) -> None:
        super().__init__(tr("Road extraction: round {}").format(job.round_index),
                         QgsTask.CanCancel)
        self.job = job
        self.runner = runner
        self.checker = checker
        self.new_env = new_env
        self.elapsed_s = 0.0
        self.outputs: RoundOutputs | None = None
        self.error: str | None = None
        self.cancelled_by_user = False
        self.metrics: dict[str, float | None] = {}
        self._t0 = 0.0
        self._loss = float("nan")

    def _on_event(self, phase: str, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "metric" and event.get("name") in METRICS:
            self.metrics[event["name"]] = event.get("value")
        if kind != "progress":
            return
        if event.get("loss") is not None:
            self._loss = float(event["loss"])
        fraction = overall_fraction(phase, event)
        if fraction is None:
            return
        self.setProgress(100.0 * fraction)
        elapsed = time.monotonic() - self._t0
        left = elapsed * (1.0 - fraction) / fraction if fraction > 0.02 else -1.0
        self.status.emit(str(event.get("stage", phase)), self._loss, fraction, left)

    def _engine(self, phase: str, command: str, args: list[str]) -> None:
        self.runner.run(command, args, on_event=lambda e: self._on_event(phase, e),
                        should_stop=self.isCanceled)

    def run(self) -> bool:
        """Worker thread: the engine runs; no GUI calls."""
        self._t0 = time.monotonic()
        try:
            return self._run()
        finally:
            self.elapsed_s = time.monotonic() - self._t0

    def _run(self) -> bool:
        if self.checker is not None:
            status = self.checker.check(self.runner.python, new_env=self.new_env)
            if not status.ok:
                self.error = status.message()
                return False
        try:
            self._engine("train", "train", self.job.train_args())
            self.job.out_dir.mkdir(parents=True, exist_ok=True)
            self._engine("extract", "extract", self.job.extract_args())
            probability, roads = self.job.extract_outputs()
            self._engine("label_next", "label-next", self.job.label_next_args())
            label_next = self.job.label_next_path
        except EngineCancelledError:
            self.cancelled_by_user = True
            return False
        except EngineRunError as err:
            self.error = err.message
            return False
        except (OSError, RuntimeError, ValueError) as err:  # file errors
            self.error = f"{type(err).__name__}: {err}"
            QgsMessageLog.logMessage(traceback.format_exc(), "Road extraction")
            return False
        self.setProgress(100.0)
        self.outputs = RoundOutputs(self.job.round_index, self.job.round_model, probability,
                                    roads, label_next, dict(self.metrics))
        return True

    def finished(self, result: bool) -> None:  # noqa: D401 - QgsTask hook
        """Main thread: hand the result to whoever shows it."""
        self.done.emit(bool(result))
