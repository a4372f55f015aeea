"""The rounds of the dock's run, as the engine recorded them in its model files, so that the
plot, the scores and the best model survive a restart of QGIS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..runner import EngineCancelledError, EngineRunError, EngineRunner
from .common import tr

__all__ = ["HistoryTask", "RoundRecord", "RunHistory", "read_history", "round_files"]


@dataclass(frozen=True)
class RoundRecord:
    """The validation scores of one finished round."""

    round_index: int  # 1-based, as the engine numbers rounds
    metrics: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class RunHistory:
    """The finished rounds of a run, in order, and the round the run keeps as its model."""

    rounds: tuple[RoundRecord, ...] = ()
    best_round: int | None = None

    @property
    def last_round(self) -> int:
        """The number of the last finished round (0 before the first)."""
        return self.rounds[-1].round_index if self.rounds else 0

    def with_round(self, record: RoundRecord, best_round: int | None) -> RunHistory:
        """This history with ``record`` added (replacing a record of the same round)."""
        kept = [r for r in self.rounds if r.round_index != record.round_index]
        rounds = tuple(sorted([*kept, record], key=lambda r: r.round_index))
        return RunHistory(rounds, best_round if best_round is not None else self.best_round)

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> RunHistory:
        """The history in a model file's metadata (``engine info``)."""
        rounds = tuple(RoundRecord(int(r["round"]), dict(r.get("metrics") or {}))
                       for r in meta.get("rounds") or [] if "round" in r)
        best = meta.get("best_round")
        return cls(rounds, int(best) if best is not None else None)


def round_files(run_model: Path) -> list[Path]:
    """The run's round models (``MODEL.rounds/round_NNN.pt``), oldest first."""
    return sorted(run_model.with_name(run_model.name + ".rounds").glob("round_*.pt"))


def read_history(runner: EngineRunner, run_model: Path, *,
                 should_stop: Callable[[], bool] = lambda: False) -> RunHistory:
    """The history recorded in the newest round model of the run (empty when none).

    Raises
    ------
    EngineRunError
        When the engine cannot read the model file.
    """
    files = round_files(run_model)
    if not files:
        return RunHistory()
    result = runner.run("info", [str(files[-1])], should_stop=should_stop)
    return RunHistory.from_metadata(result.done.get("metadata") or {})


class HistoryTask(QgsTask):
    """Reads a run's history in the background (``engine info`` starts a Python with torch)."""

    done = pyqtSignal(bool)  # emitted by finished(), on the main thread

    def __init__(self, runner: EngineRunner, run_model: Path) -> None:
        super().__init__(tr("Road extraction: reading the rounds"),
                         QgsTask.Flag.CanCancel)
        self.runner = runner
        self.run_model = run_model
        self.history: RunHistory | None = None
        self.error: str | None = None

    def run(self) -> bool:
        """Worker thread: no GUI calls."""
        try:
            self.history = read_history(self.runner, self.run_model,
                                        should_stop=self.isCanceled)
        except EngineCancelledError:
            return True  # a cancel is not a failure; history stays None
        except EngineRunError as err:
            self.error = err.message
            return False
        return True

    def finished(self, result: bool) -> None:  # noqa: D401 - QgsTask hook
        """Main thread: hand the result over."""
        self.done.emit(bool(result))
