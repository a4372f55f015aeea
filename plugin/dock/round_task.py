"""One dock round in a QgsTask: train, extract every checked raster, and label-next (where to
label next), each an engine run.

run() runs on a worker thread and touches no widget: it reports through Qt signals (queued
to the main thread) and QgsTask.setProgress; finished() hands the result over on the main
thread. Cancel (task.cancel()) is polled by the runner, which then stops the engine; a
cancelled round ends as a completed task, so QGIS does not report it as failed.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable
from typing import Any

from qgis.core import QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..engine_env import EngineChecker
from ..runner import EngineCancelledError, EngineResult, EngineRunError, EngineRunner
from .common import tr
from .round_clock import RoundClock
from .round_job import RoundJob, RoundOutputs
from .scores import METRICS

__all__ = ["RoundTask", "round_stages", "extract_fraction", "run_engine_work"]

_TRAIN_STAGE = re.compile(r"^round \d+: (pseudo-labels|training|validation)$")
#: Share of an extract run that prediction takes (the rest is vectorising).
PREDICT_SHARE = 0.85
#: Seconds between two status reports while the engine says nothing (its start-up).
TICK_S = 0.5


def extract_fraction(event: dict[str, Any]) -> float:
    """The share (0-1) of an extract run done at one of its progress events: prediction is
    the first PREDICT_SHARE of it, vectorising the rest."""
    fraction = float(event["fraction"])
    if event.get("stage") == "predicting":
        return PREDICT_SHARE * fraction
    return PREDICT_SHARE + (1.0 - PREDICT_SHARE) * fraction


def run_engine_work(task: Any, work: Callable[[], None], *, cancelled: str) -> bool:
    """Check the engine's environment, then run ``work`` (the task's engine runs), turning
    what can go wrong into the task's ``error`` or ``cancelled_by_user``.

    ``task`` is a QgsTask with ``runner``, ``checker``, ``new_env``, ``error`` and
    ``cancelled_by_user`` (RoundTask, FirstGuessTask). A cancel is not a failure: the task
    ends as completed, its description ``cancelled``. Returns the QgsTask result.
    """
    if task.checker is not None:
        status = task.checker.check(task.runner.python, new_env=task.new_env)
        if not status.ok:
            task.error = status.message()
            return False
    try:
        work()
    except EngineCancelledError:
        task.cancelled_by_user = True
        task.setDescription(cancelled)
        return True
    except EngineRunError as err:
        task.error = err.message
        return False
    except (OSError, RuntimeError, ValueError) as err:  # file errors
        task.error = f"{type(err).__name__}: {err}"
        QgsMessageLog.logMessage(traceback.format_exc(), "Road extraction")
        return False
    task.setProgress(100.0)
    return True


def round_stages(job: RoundJob) -> list[str]:
    """The stage keys of a round, in order: pseudo-labels only where the engine may make
    them (RoundJob.may_pseudo_label); a listed stage the engine skips takes no time."""
    stages = ["start"] + (["pseudo-labels"] if job.may_pseudo_label else [])
    stages += ["training", "validation"]
    stages += [f"extract:{i}" for i in range(len(job.predicted))]
    return [*stages, "label_next"]


class RoundTask(QgsTask):
    """Runs one round; ``outputs`` (or ``error``, or ``cancelled_by_user``) holds the result
    after it ends, ``clock.durations`` the seconds each stage took."""

    # stage text, loss (nan when none), overall fraction 0-1, seconds left (-1 unknown)
    status = pyqtSignal(str, float, float, float)
    done = pyqtSignal(bool)  # emitted by finished(), on the main thread

    def __init__(self, job: RoundJob, runner: EngineRunner, *,
                 checker: EngineChecker | None = None, new_env: Any = None,
                 costs: dict[str, float] | None = None) -> None:
        super().__init__(tr("Road extraction: round {}").format(job.round_index),
                         QgsTask.Flag.CanCancel)
        self.job = job
        self.runner = runner
        self.checker = checker
        self.new_env = new_env
        self.costs = dict(costs or {})
        self.clock = RoundClock(round_stages(job), time.monotonic(), self.costs)
        self.elapsed_s = 0.0
        self.outputs: RoundOutputs | None = None
        self.error: str | None = None
        self.cancelled_by_user = False
        self.metrics: dict[str, float | None] = {}
        self._loss = float("nan")
        self._last_report = 0.0

    # -- progress ---------------------------------------------------------------------

    def stage_text(self) -> str:
        """The current stage, translated, with the round's number (and, in a run of
        several rounds, which of them it is: ``Round 4 (2 of 3): training``)."""
        stage = self.clock.stage
        if stage.startswith("extract:"):
            index = int(stage.split(":")[1])
            text = tr("predicting {} ({}/{})").format(
                self.job.prediction(index).name, index + 1, len(self.job.predicted))
        else:
            text = {"start": tr("starting the engine"), "pseudo-labels": tr("pseudo-labels"),
                    "training": tr("training"), "validation": tr("validation"),
                    "label_next": tr("where to label next")}[stage]
        job = self.job
        if job.run_rounds > 1:
            return tr("Round {} ({} of {}): {}").format(job.round_index, job.run_round,
                                                        job.run_rounds, text)
        return tr("Round {}: {}").format(job.round_index, text)

    def _report(self) -> None:
        now = time.monotonic()
        self._last_report = now
        fraction = self.clock.fraction(now)
        self.setProgress(100.0 * fraction)
        self.status.emit(self.stage_text(), self._loss, fraction, self.clock.left_s(now))

    def _tick(self) -> bool:
        """Polled by the runner while an engine runs: report now and then; True = stop."""
        if time.monotonic() - self._last_report >= TICK_S:
            self._report()
        return self.isCanceled()

    def _on_event(self, phase: str, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if (kind == "metric" and event.get("name") in METRICS
                and event.get("round", self.job.round_index) == self.job.round_index):
            self.metrics[event["name"]] = event.get("value")
        if kind != "progress" or event.get("fraction") is None:
            return
        if event.get("loss") is not None:
            self._loss = float(event["loss"])
        stage, fraction = self._stage_of(phase, event)
        if stage in self.clock.stages:  # a stage the round did not expect is left out
            self.clock.update(stage, fraction, time.monotonic())
            self._report()

    @staticmethod
    def _stage_of(phase: str, event: dict[str, Any]) -> tuple[str | None, float]:
        fraction = float(event["fraction"])
        if phase == "train":
            match = _TRAIN_STAGE.match(str(event.get("stage", "")))
            return (match.group(1) if match else None), fraction
        if phase.startswith("extract:"):
            return phase, extract_fraction(event)
        return phase, fraction

    # -- the run ----------------------------------------------------------------------

    def _engine(self, phase: str, command: str, args: list[str]) -> EngineResult:
        return self.runner.run(command, args, on_event=lambda e: self._on_event(phase, e),
                               should_stop=self._tick)

    def run(self) -> bool:
        """Worker thread: the engine runs; no GUI calls."""
        t0 = time.monotonic()
        self._report()
        try:
            return self._run()
        finally:
            self.clock.finish(time.monotonic())
            self.elapsed_s = time.monotonic() - t0

    def _run(self) -> bool:
        return run_engine_work(self, self._rounds, cancelled=tr(
            "Road extraction: round {} (cancelled)").format(self.job.round_index))

    def _rounds(self) -> None:
        """The round's engine runs; ``outputs`` when they all succeed."""
        job = self.job
        trained = self._engine("train", "train", job.train_args())
        predictions = []
        for index in range(len(job.predicted)):
            job.extract_dir(index).mkdir(parents=True, exist_ok=True)
            self._engine(f"extract:{index}", "extract", job.extract_args(index))
            predictions.append(job.prediction(index))
        tiles = self._engine("label_next", "label-next", job.label_next_args())
        count = len(tiles.done.get("tiles") or [])
        best = trained.done.get("best_round")
        self.outputs = RoundOutputs(job.round_index, job.round_model, tuple(predictions),
                                    job.label_next_path if count else None, count,
                                    job.tile_px, int(best) if best is not None else None,
                                    dict(self.metrics))

    def finished(self, result: bool) -> None:  # noqa: D401 - QgsTask hook
        """Main thread: hand the result to whoever shows it."""
        self.done.emit(bool(result))
