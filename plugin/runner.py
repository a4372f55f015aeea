"""Runs the engine (``python -m engine ...``) as a subprocess and hands its events to callbacks.

Why ``subprocess.Popen`` with reader threads and not ``QProcess``: Processing calls an
algorithm on a worker thread in the dialog, on the GUI thread in batch mode (3.22) and in
qgis_process, and the dock will call it from a QgsTask. A QProcess lives in the thread that
made it and needs that thread's event loop to deliver output, which a worker thread blocked in
processAlgorithm does not run. Popen with two reader threads feeding a queue works in any
thread, and the calling thread drains the queue, so every callback (and so every feedback call)
runs on the caller's thread. The module is plain Python, usable without Processing.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..engine.events import parse_event

__all__ = [
    "EngineCancelledError",
    "EngineRunError",
    "EngineResult",
    "EngineRunner",
    "ProcessOutcome",
    "run_process",
]

#: Seconds between two looks at the cancel flag (the issue asks for at most 0.2 s).
POLL_S = 0.1
#: Seconds a process has to stop after SIGTERM before it is killed.
GRACE_S = 10.0
#: Lines of stderr kept for error reports.
STDERR_LINES = 200

Event = dict[str, Any]
_MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")


@dataclass(frozen=True)
class ProcessOutcome:
    """How a process ended."""

    returncode: int  # the exit status (negative: killed by that signal)
    cancelled: bool  # True when should_stop asked it to stop
    stderr_tail: tuple[str, ...]  # the last lines of stderr
    seconds: float  # wall time


def _pump(stream: IO[str], name: str, lines: queue.Queue) -> None:
    """Reader thread: put every line of ``stream`` on ``lines``, then None at end of file."""
    try:
        for line in stream:
            lines.put((name, line.rstrip("\r\n")))
    finally:
        lines.put((name, None))


def run_process(argv: Sequence[str], *, on_stdout: Callable[[str], None],
                on_stderr: Callable[[str], None] | None = None,
                should_stop: Callable[[], bool] = lambda: False,
                cwd: str | Path | None = None, env: dict[str, str] | None = None,
                poll_s: float = POLL_S, grace_s: float = GRACE_S) -> ProcessOutcome:
    """Run ``argv``, passing each output line to the callbacks on the calling thread.

    ``should_stop`` is polled at least every ``poll_s`` seconds; when it returns True the
    process gets SIGTERM (the engine then removes its partial outputs and exits 130), and
    SIGKILL (TerminateProcess on Windows) when it is still alive ``grace_s`` seconds later.
    Raises OSError when the program cannot be started; whatever a callback raises stops the
    process and propagates.
    """
    t0 = time.monotonic()
    proc = subprocess.Popen(list(map(str, argv)), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace", bufsize=1)
    # No new session: Ctrl+C on a terminal running qgis_process then reaches the engine too
    # (which stops cleanly), instead of leaving it running as an orphan.
    lines: queue.Queue = queue.Queue()
    for stream, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr")):
        threading.Thread(target=_pump, args=(stream, name, lines), daemon=True).start()
    tail: deque[str] = deque(maxlen=STDERR_LINES)
    open_streams, cancelled, stop_at, exit_at = 2, False, 0.0, None
    try:
        while open_streams:
            try:
                name, line = lines.get(timeout=poll_s)
            except queue.Empty:
                name, line = None, None
            if name is not None and line is None:
                open_streams -= 1
            elif name == "stdout":
                on_stdout(line)
            elif name == "stderr":
                tail.append(line)
                if on_stderr is not None:
                    on_stderr(line)
            if not cancelled and should_stop():
                cancelled, stop_at = True, time.monotonic()
                proc.terminate()
            if cancelled and proc.poll() is None and time.monotonic() - stop_at > grace_s:
                proc.kill()
            if exit_at is None and proc.poll() is not None:
                exit_at = time.monotonic()
            if exit_at is not None and time.monotonic() - exit_at > grace_s:
                break  # a grandchild holds the pipes open; the process itself is gone
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if not open_streams:  # both readers are done with the pipes
            proc.stdout.close()
            proc.stderr.close()
    return ProcessOutcome(proc.returncode, cancelled, tuple(tail), time.monotonic() - t0)


class EngineCancelledError(Exception):
    """The run was cancelled; the engine left no partial output."""


class EngineRunError(Exception):
    """The engine ended with an error.

    Attributes
    ----------
    message : str
        The error event's message, else the tail of stderr.
    exit_code : int
        The engine's exit status (2 bad input, 1 internal failure).
    error_type : str or None
        The engine's exception class name, from the error event.
    missing_module : str or None
        A module the interpreter could not import (the environment is broken).
    """

    def __init__(self, message: str, *, exit_code: int, error_type: str | None = None,
                 missing_module: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.error_type = error_type
        self.missing_module = missing_module


@dataclass
class EngineResult:
    """What a finished run reported."""

    done: Event  # the final ``done`` event (the command's result)
    events: list[Event] = field(default_factory=list)  # every event, in order
    stderr_tail: tuple[str, ...] = ()
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[Event]:
        """The events whose ``event`` is ``kind``."""
        return [e for e in self.events if e["event"] == kind]


def _failure(outcome: ProcessOutcome, error: Event | None) -> EngineRunError:
    """The exception for a non-zero exit: the error event's message or stderr's tail."""
    stderr = "\n".join(outcome.stderr_tail)
    missing = _MISSING_MODULE.search(stderr)
    if error is not None:
        return EngineRunError(str(error.get("message", "")),
                            exit_code=int(error.get("exit_code", outcome.returncode)),
                            error_type=error.get("type"),
                            missing_module=missing.group(1) if missing else None)
    lines = [line for line in outcome.stderr_tail if line.strip()][-15:]
    text = "\n".join(lines) or "no output on stderr"
    return EngineRunError(f"the engine stopped with exit status {outcome.returncode}:\n{text}",
                        exit_code=outcome.returncode,
                        missing_module=missing.group(1) if missing else None)


@dataclass(frozen=True)
class EngineRunner:
    """Starts ``python -m engine <command> ... --progress json`` from the plugin folder.

    Parameters
    ----------
    python : Path
        The engine's interpreter.
    plugin_dir : Path
        The folder holding ``engine/`` (the working directory, so ``engine`` imports).
    grace_s : float
        Seconds between SIGTERM and SIGKILL on cancel.
    """

    python: Path
    plugin_dir: Path
    grace_s: float = GRACE_S

    def command_line(self, command: str, args: Sequence[str]) -> list[str]:
        """The full argv of a run."""
        return [str(self.python), "-m", "engine", command, *map(str, args), "--progress", "json"]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PYTHONHOME", None)  # QGIS on some platforms sets it for its own Python
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def run(self, command: str, args: Sequence[str], *,
            on_event: Callable[[Event], None] = lambda e: None,
            on_text: Callable[[str], None] = lambda s: None,
            should_stop: Callable[[], bool] = lambda: False) -> EngineResult:
        """Run one sub-command and return its result.

        ``on_event`` gets every event, ``on_text`` every other line (stdout lines that are no
        event, and stderr), both on the calling thread.

        Raises
        ------
        EngineCancelledError
            When ``should_stop`` returned True.
        EngineRunError
            When the engine exits with a non-zero status or cannot be started.
        """
        events: list[Event] = []

        def stdout_line(line: str) -> None:
            try:
                event = parse_event(line)
            except ValueError:
                on_text(line)  # e.g. `evaluate --json` also prints its scores as plain JSON
                return
            events.append(event)
            on_event(event)

        try:
            outcome = run_process(self.command_line(command, args), on_stdout=stdout_line,
                                  on_stderr=on_text, should_stop=should_stop,
                                  cwd=self.plugin_dir, env=self._env(), grace_s=self.grace_s)
        except OSError as err:
            raise EngineRunError(f"cannot start {self.python}: {err}", exit_code=-1) from err
        if outcome.cancelled:
            raise EngineCancelledError(f"{command} was cancelled after {outcome.seconds:.1f} s")
        errors = [e for e in events if e["event"] == "error"]
        done = [e for e in events if e["event"] == "done"]
        if outcome.returncode != 0 or not done:
            raise _failure(outcome, errors[-1] if errors else None)
        return EngineResult(done[-1], events, outcome.stderr_tail, outcome.seconds)
