"""The dock's First guess: the bundled base model's roads on one raster, before any label.

One engine run, ``extract --model base``, in a QgsTask like a round (RoundTask): run() on a
worker thread touches no widget and reports through the same ``status`` and ``done``
signals, so the dock shows its progress and cancels it as it does a round's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..base_models import BASE_MODEL_ARG
from ..engine_env import EngineChecker
from ..runner import EngineRunner
from .common import tr
from .round_job import Prediction
from .round_task import TICK_S, extract_fraction, run_engine_work

__all__ = ["FIRST_GUESS_FOLDER", "FirstGuessJob", "FirstGuessTask", "first_guess_dir"]

#: Folder of the first guesses, beside the labels (or in the working folder before them).
FIRST_GUESS_FOLDER = "first_guess"


def first_guess_dir(folder: Path, image: str) -> Path:
    """A new folder for a first guess of ``image`` under ``folder``/first_guess/:
    ``NN_<stem>``, numbered past every earlier guess, so no file is ever overwritten."""
    parent = folder / FIRST_GUESS_FOLDER
    taken = [int(p.name[:2]) for p in parent.glob("[0-9][0-9]_*") if p.name[:2].isdigit()]
    number = max(taken, default=0) + 1
    while True:
        path = parent / f"{number:02d}_{Path(image).stem}"
        if not path.exists():
            return path
        number += 1


@dataclass(frozen=True)
class FirstGuessJob:
    """One raster predicted with the base model of its band count."""

    image: str  # the raster's file
    name: str  # its layer name
    out_dir: Path  # a new folder (first_guess_dir)
    device: str

    def extract_args(self) -> list[str]:
        """Arguments of ``python -m engine extract``; no --overwrite: the folder is new."""
        return ["--model", BASE_MODEL_ARG, "--image", self.image, "--out-dir",
                str(self.out_dir), "--device", self.device]

    def prediction(self) -> Prediction:
        """The files ``extract`` writes."""
        stem = Path(self.image).stem
        return Prediction(self.name, self.out_dir / f"{stem}_prob.tif",
                          self.out_dir / f"{stem}_roads.gpkg")


class FirstGuessTask(QgsTask):
    """Runs the job; ``outputs`` (or ``error``, or ``cancelled_by_user``) holds the result
    after it ends."""

    # stage text, loss (always nan), fraction 0-1, seconds left (always -1): RoundTask's
    status = pyqtSignal(str, float, float, float)
    done = pyqtSignal(bool)  # emitted by finished(), on the main thread

    def __init__(self, job: FirstGuessJob, runner: EngineRunner, *,
                 checker: EngineChecker | None = None, new_env: Any = None) -> None:
        super().__init__(tr("Road extraction: first guess"), QgsTask.Flag.CanCancel)
        self.job = job
        self.runner = runner
        self.checker = checker
        self.new_env = new_env
        self.outputs: Prediction | None = None
        self.error: str | None = None
        self.cancelled_by_user = False
        self.elapsed_s = 0.0
        self._stage = "start"
        self._fraction = 0.0
        self._last_report = 0.0

    def stage_text(self) -> str:
        """The current stage, translated."""
        text = {"start": tr("starting the engine"),
                "predicting": tr("predicting {}").format(self.job.name),
                "vectorize": tr("roads and centerlines")}[self._stage]
        return tr("First guess: {}").format(text)

    def _report(self) -> None:
        self._last_report = time.monotonic()
        self.setProgress(100.0 * self._fraction)
        self.status.emit(self.stage_text(), math.nan, self._fraction, -1.0)

    def _tick(self) -> bool:
        """Polled by the runner while the engine runs: report now and then; True = stop."""
        if time.monotonic() - self._last_report >= TICK_S:
            self._report()
        return self.isCanceled()

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("event") != "progress" or event.get("fraction") is None:
            return
        self._stage = "predicting" if event.get("stage") == "predicting" else "vectorize"
        self._fraction = extract_fraction(event)
        self._report()

    def run(self) -> bool:
        """Worker thread: the engine runs; no GUI calls."""
        t0 = time.monotonic()
        self._report()
        try:
            return self._run()
        finally:
            self.elapsed_s = time.monotonic() - t0

    def _run(self) -> bool:
        ok = run_engine_work(self, self._extract,
                             cancelled=tr("Road extraction: first guess (cancelled)"))
        if self.outputs is None:
            try:  # a cancelled or failed run leaves no empty folder behind
                self.job.out_dir.rmdir()
            except OSError:
                pass
        return ok

    def _extract(self) -> None:
        """The engine's extract run; ``outputs`` when it succeeds."""
        self.job.out_dir.mkdir(parents=True, exist_ok=True)
        self.runner.run("extract", self.job.extract_args(), on_event=self._on_event,
                        should_stop=self._tick)
        self.outputs = self.job.prediction()
        self._fraction = 1.0

    def finished(self, result: bool) -> None:  # noqa: D401 - QgsTask hook
        """Main thread: hand the result to whoever shows it."""
        self.done.emit(bool(result))
