"""Turns the engine's events into Processing feedback (progress, log lines, warnings)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qgis.core import QgsProcessingFeedback

__all__ = ["FeedbackBridge", "RoundProgress", "StageProgress"]

Event = dict[str, Any]
_ROUND_STAGE = re.compile(r"^round (\d+): (.+)$")
#: Share of a training round each of its stages takes (start, end), measured roughly on CPU.
_ROUND_PARTS = {"pseudo-labels": (0.0, 0.25), "training": (0.25, 0.95),
                "validation": (0.95, 1.0)}


@dataclass(frozen=True)
class StageProgress:
    """Maps an event's ``fraction`` onto [start, end] percent of the whole algorithm."""

    start: float = 0.0
    end: float = 100.0

    def percent(self, event: Event) -> float | None:
        """Overall percent for a progress event."""
        fraction = event.get("fraction")
        if fraction is None:
            return None
        return self.start + (self.end - self.start) * float(fraction)


@dataclass
class RoundProgress:
    """Overall percent of a training run from the round index and the round's fraction.

    Stages are named ``round N: <part>``. A round has pseudo-labels only from round 2 and
    only with the semi-supervised branches on (``--semi-supervised`` or a settings file);
    they come before its training, so a round whose training starts without them gives
    its training the whole first part of the round (one instance follows one run).
    """

    rounds: int
    start: float = 0.0
    end: float = 100.0
    _pseudo_rounds: set[int] = field(default_factory=set, init=False, repr=False,
                                     compare=False)

    def percent(self, event: Event) -> float | None:
        """Overall percent for a progress event (None for stages outside the rounds)."""
        match = _ROUND_STAGE.match(str(event.get("stage", "")))
        fraction = event.get("fraction")
        if match is None or fraction is None:
            return None
        index, part = int(match.group(1)) - 1, match.group(2)
        lo, hi = _ROUND_PARTS.get(part, (0.0, 1.0))
        if part == "pseudo-labels":
            self._pseudo_rounds.add(index)
        elif part == "training" and index not in self._pseudo_rounds:
            lo = 0.0
        within = lo + (hi - lo) * float(fraction)
        done = min((index + within) / max(self.rounds, 1), 1.0)
        return self.start + (self.end - self.start) * done


def _number(value: Any) -> str:
    return "n/a" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


class FeedbackBridge:
    """Callable that forwards each engine event to a QgsProcessingFeedback.

    progress -> setProgress (overall percent) and setProgressText (the stage),
    metric -> pushInfo, warning -> pushWarning, error -> reportError, artifact -> pushInfo.
    Other lines (stderr, plain text) go to the debug log.
    """

    def __init__(self, feedback: QgsProcessingFeedback,
                 progress: StageProgress | RoundProgress | None = None) -> None:
        self.feedback = feedback
        self.progress = progress or StageProgress()
        self._stage = ""

    def __call__(self, event: Event) -> None:
        kind = event["event"]
        fb = self.feedback
        if kind == "progress":
            percent = self.progress.percent(event)
            if percent is not None:
                fb.setProgress(percent)
            stage = str(event.get("stage", ""))
            if stage != self._stage:
                self._stage = stage
                fb.setProgressText(stage)
        elif kind == "metric":
            where = f"round {event['round']}: " if event.get("round") is not None else ""
            fb.pushInfo(f"{where}{event.get('name')} = {_number(event.get('value'))}")
        elif kind == "warning":
            fb.pushWarning(str(event.get("message", "")))
        elif kind == "error":
            fb.reportError(str(event.get("message", "")), True)
        elif kind == "artifact":
            fb.pushInfo(f"{event.get('kind')}: {event.get('path')}")

    def text(self, line: str) -> None:
        """A line that is no event (stderr, plain output): kept in the debug log."""
        if line.strip():
            self.feedback.pushDebugInfo(line)
