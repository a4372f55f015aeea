"""A stand-in for the engine runner: records each command line and writes canned outputs,
for tests of what the algorithms ask the engine (without the engine's seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path

from road_extraction.plugin.runner import EngineResult


class RecordingRunner:
    """Records ``(command, args)``; predict and vectorize copy the given files to --out."""

    python = Path("fake-python")

    def __init__(self, probability: Path, vectors: Path) -> None:
        self.probability = probability
        self.vectors = vectors
        self.calls: list[tuple[str, list[str]]] = []

    def command_line(self, command: str, args: list[str]) -> list[str]:
        return [str(self.python), "-m", "engine", command, *map(str, args)]

    def run(self, command, args, *, on_event=None, on_text=None, should_stop=None):
        args = list(map(str, args))
        self.calls.append((command, args))
        if command == "predict":
            shutil.copyfile(self.probability, args[args.index("--out") + 1])
        if command == "vectorize":
            shutil.copyfile(self.vectors, args[args.index("--out") + 1])
        scores = {"iou": 1.0} if command == "evaluate" else None
        return EngineResult({"event": "done", "scores": scores})

    def args_of(self, command: str) -> list[str]:
        """The arguments of the first run of ``command``."""
        return next(args for name, args in self.calls if name == command)
