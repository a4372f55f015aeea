"""Fixtures of the command-line tests: the CLI run in this process, scenes and models."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from osgeo import gdal

from engine.cli.main import main
from engine.events import parse_event
from engine.model_file import save_model
from engine.models import build_model
from engine.normalization import BandStats


@dataclass
class CliRun:
    """What one in-process run of ``python -m engine`` gave."""

    code: int
    out: str
    err: str

    @property
    def events(self) -> list[dict]:
        """The JSON events on stdout (runs with ``--progress json``)."""
        return [parse_event(line) for line in self.out.splitlines() if line.startswith("{")]

    @property
    def error(self) -> str:
        """The message of the error event, or the ``error:`` line on stderr."""
        errors = [e["message"] for e in self.events if e["event"] == "error"]
        if errors:
            return errors[-1]
        lines = [line for line in self.err.splitlines() if line.startswith("error")]
        return lines[-1] if lines else ""


@pytest.fixture
def run_cli(capsys) -> Callable[..., CliRun]:
    """Run ``main(args)`` here (much faster than a subprocess), restoring the signal
    handlers it installs."""

    def run(*args: object) -> CliRun:
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            code = main([str(a) for a in args])
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        out, err = capsys.readouterr()
        return CliRun(code, out, err)

    return run


@pytest.fixture
def scene_copy(scene_files, tmp_path) -> dict[str, Path]:
    """A private copy of the shared scene, for tests that could damage their inputs."""
    folder = tmp_path / "scene"
    shutil.copytree(scene_files["image"].parent, folder)
    return {key: folder / path.name for key, path in scene_files.items()}


def write_model(path: Path, config, *, bands: int = 3) -> Path:
    """An untrained model file with the metadata that training writes."""
    model = build_model(config.model, bands, seed=0)
    meta = {"bands": {"count": bands, "dtype": "uint8", "nodata": [0.0] * bands},
            "normalization": BandStats(low=(0.0,) * bands, high=(255.0,) * bands).to_dict(),
            "architecture": config.to_dict()["model"], "pixel_size_m": 0.5,
            "config": config.to_dict()}
    save_model(path, model, meta)
    return path


@pytest.fixture(scope="session")
def cli_model(tmp_path_factory, tiny_config) -> Path:
    """An untrained 3-band model file (enough for the checks around prediction)."""
    return write_model(tmp_path_factory.mktemp("cli_model") / "m.pt", tiny_config)


def build_vrt(vrt: Path, *sources: Path) -> Path:
    """A VRT mosaic of ``sources`` (as gdalbuildvrt makes it)."""
    gdal.BuildVRT(str(vrt), [str(s) for s in sources]).FlushCache()  # written now
    return vrt
