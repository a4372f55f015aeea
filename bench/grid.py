"""Runs a grid of benchmark runs as child processes, a few at a time, skipping finished ones."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["GridRun", "run_grid", "print_grid", "write_record"]


@dataclass(frozen=True)
class GridRun:
    """One run of a grid: its name, the record it leaves when done, and its command."""

    name: str
    record: Path  # the run is done when this file exists
    command: list[str]


def _child(run: GridRun) -> str:
    if run.record.exists():
        return f"{run.name}: done before"
    start = time.perf_counter()
    proc = subprocess.run(run.command, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        return f"{run.name}: FAILED in {took:.0f} s\n{proc.stderr[-2000:]}"
    return f"{run.name}: {took:.0f} s"


def run_grid(runs: list[GridRun], jobs: int) -> Iterator[str]:
    """Run every unfinished run, ``jobs`` at a time; yield one line per run, in order.

    Each run is its own process, so a crash or a leak of one does not touch the others,
    and an interrupted grid resumes where it stopped.
    """
    with ThreadPoolExecutor(jobs) as pool:
        yield from pool.map(_child, runs)


def print_grid(runs: list[GridRun], jobs: int, threads: int) -> int:
    """Run a grid with :func:`run_grid`, printing what it does and a line per run."""
    print(f"{len(runs)} runs, {jobs} at once, {threads} torch thread(s) each", flush=True)
    for line in run_grid(runs, jobs):
        print(line, flush=True)
    return 0


def write_record(path: Path, record: dict[str, Any]) -> None:
    """Write a run's JSON record atomically: a grid takes the file as the run being done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(tmp, path)
