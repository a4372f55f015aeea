"""JSON-lines event protocol between the engine and its callers (imports no torch)."""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

__all__ = [
    "EVENT_KINDS",
    "Event",
    "EventSink",
    "JsonLinesSink",
    "NullSink",
    "WarningSink",
    "CollectingSink",
    "WarningLogHandler",
    "Reporter",
    "parse_event",
]

#: Every event kind the engine emits, one JSON object per line with an ``event`` key.
EVENT_KINDS = ("progress", "metric", "artifact", "warning", "error", "done")

Event = dict[str, Any]


class EventSink(Protocol):
    """Receives events; implementations print them, draw a bar, or keep them."""

    def emit(self, event: Event) -> None: ...


def _jsonable(value: Any) -> Any:
    # NaN/inf are not valid JSON; a metric that is undefined is sent as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        return _jsonable(value.item())
    return value


@dataclass
class JsonLinesSink:
    """Writes each event as one line of JSON and flushes, so a reader sees it at once."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def emit(self, event: Event) -> None:
        self.stream.write(json.dumps(_jsonable(event), allow_nan=False) + "\n")
        self.stream.flush()


class NullSink:
    """Drops every event."""

    def emit(self, event: Event) -> None:
        return None


@dataclass
class WarningSink:
    """Prints only the warnings, one ``warning: ...`` line each (for ``--progress none``)."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)

    def emit(self, event: Event) -> None:
        if event["event"] == "warning":
            print(f"warning: {event['message']}", file=self.stream, flush=True)


@dataclass
class CollectingSink:
    """Keeps events in a list (for tests and for callers using the engine as a library)."""

    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        self.events.append(_jsonable(event))

    def of_kind(self, kind: str) -> list[Event]:
        """Return the kept events whose ``event`` is ``kind``."""
        return [e for e in self.events if e["event"] == kind]


@dataclass
class Reporter:
    """Builds well-formed events and hands them to a sink.

    Parameters
    ----------
    sink : EventSink
        Where events go.
    should_stop : callable, optional
        Polled by long loops through :meth:`check_cancelled`.
    """

    sink: EventSink = field(default_factory=NullSink)
    should_stop: Callable[[], bool] = field(default=lambda: False)
    _t0: float = field(default_factory=time.monotonic, repr=False)

    def progress(self, stage: str, done: int, total: int, **extra: Any) -> None:
        """Report ``done`` of ``total`` units of work in ``stage``."""
        fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
        self.sink.emit({"event": "progress", "stage": stage, "done": done, "total": total,
                        "fraction": fraction, "elapsed_s": time.monotonic() - self._t0, **extra})

    def metric(self, name: str, value: float, **extra: Any) -> None:
        """Report a named scalar (a loss, a validation score)."""
        self.sink.emit({"event": "metric", "name": name, "value": value, **extra})

    def artifact(self, kind: str, path: str, **extra: Any) -> None:
        """Report a file the run wrote (a model, a round checkpoint, a raster)."""
        self.sink.emit({"event": "artifact", "kind": kind, "path": str(path), **extra})

    def warning(self, message: str, **extra: Any) -> None:
        """Report something the user should know that does not stop the run."""
        self.sink.emit({"event": "warning", "message": message, **extra})

    def error(self, message: str, *, error_type: str, exit_code: int) -> None:
        """Report the error that ends the run."""
        self.sink.emit({"event": "error", "message": message, "type": error_type,
                        "exit_code": exit_code})

    def done(self, **result: Any) -> None:
        """Report successful completion with a summary of the result."""
        self.sink.emit({"event": "done", "elapsed_s": time.monotonic() - self._t0, **result})

    def check_cancelled(self) -> None:
        """Raise :class:`engine.errors.CancelledError` when the caller asked to stop."""
        if self.should_stop():
            from .errors import CancelledError

            raise CancelledError("the run was cancelled")


class WarningLogHandler(logging.Handler):
    """Turns the engine's logged warnings into warning events of a reporter.

    Library code without a reporter (label rasterisation, file clean-up) warns through
    :mod:`logging`; attached to the ``engine`` logger, this handler lets those warnings
    reach the user as every other warning does: an event, a line on stderr.
    """

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(level=logging.WARNING)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.reporter.warning(record.getMessage())
        except Exception:  # logging's contract: a handler reports its failure, never raises
            self.handleError(record)


def parse_event(line: str) -> Event:
    """Parse one line of the engine's output into an event.

    Parameters
    ----------
    line : str
        One line of stdout.

    Returns
    -------
    dict
        The event, with an ``event`` key among :data:`EVENT_KINDS`.

    Raises
    ------
    ValueError
        When the line is not a JSON object with a known ``event`` kind.
    """
    try:
        event = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not a JSON event line: {line[:200]!r}") from err
    if not isinstance(event, dict) or event.get("event") not in EVENT_KINDS:
        raise ValueError(f"not an engine event (expected one of {EVENT_KINDS}): {line[:200]!r}")
    return event
