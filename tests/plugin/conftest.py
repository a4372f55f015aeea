"""Fixtures of the plugin tests: the plugin loaded as QGIS loads it, tiny scenes and a model."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

# One torch thread per engine process: on 2 cores shared with other jobs, two spinning
# OpenMP threads made a 40-step training 3-5 times slower (7 s vs 20-35 s measured).
# The engine subprocesses inherit it through the environment.
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[2]
#: The engine's interpreter in this checkout (what the plugin finds automatically).
ENGINE_PYTHON = ROOT / ".venv" / "bin" / "python"
#: The engine tests' tiny training configuration, with fewer steps and rounds.
TINY = {**json.loads((ROOT / "tests" / "tiny_config.json").read_text(encoding="utf-8")),
        "steps_per_round": 6, "max_rounds": 1}


def load_plugin_package() -> ModuleType:
    """The repository folder imported as the package ``road_extraction``, as QGIS does."""
    if "road_extraction" in sys.modules:
        return sys.modules["road_extraction"]
    spec = importlib.util.spec_from_file_location(
        "road_extraction", ROOT / "__init__.py", submodule_search_locations=[str(ROOT)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["road_extraction"] = package
    spec.loader.exec_module(package)
    return package


# Loaded at collection, so test modules can import ``road_extraction.plugin...`` at the top.
load_plugin_package()


def run_engine_cli(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m engine`` from the repository root; fail the test on a non-zero exit."""
    proc = subprocess.run([str(ENGINE_PYTHON), "-m", "engine", *args, "--progress", "none"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture()
def base_dir(tmp_path, monkeypatch) -> Path:
    """An empty folder of base models, named by ROADS_BASE_MODELS_DIR to the plugin and to
    the engine subprocesses (they inherit the environment)."""
    folder = tmp_path / "base_models"
    folder.mkdir()
    monkeypatch.setenv("ROADS_BASE_MODELS_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def plugin_package() -> ModuleType:
    """The plugin package ``road_extraction``."""
    return load_plugin_package()


@pytest.fixture(scope="session")
def provider(qgis_processing, plugin_package):
    """The plugin, started headless, with its provider registered once for the session."""
    from qgis.core import QgsApplication
    from road_extraction.plugin.settings import EngineSettings, save_settings

    save_settings(EngineSettings(python=str(ENGINE_PYTHON), device="cpu"))
    plugin = plugin_package.classFactory(None)
    plugin.initProcessing()
    assert QgsApplication.processingRegistry().providerById("roadextraction") is not None
    yield plugin.provider
    plugin.unload()


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> Path:
    """The tiny training configuration as a JSON file."""
    path = tmp_path_factory.mktemp("config") / "tiny.json"
    path.write_text(json.dumps(TINY), encoding="utf-8")
    return path


def make_scene(folder: Path, *, seed: int, size_px: int = 160) -> dict[str, Path]:
    """A generated scene (engine ``synth``): image, truth, roads, aoi, centerlines."""
    run_engine_cli("synth", "--out", str(folder), "--seed", str(seed), "--size", str(size_px))
    names = ("image.tif", "truth.tif", "roads.gpkg", "aoi.gpkg", "centerlines.gpkg")
    return {name.split(".")[0]: folder / name for name in names}


@pytest.fixture(scope="session")
def scene(tmp_path_factory) -> dict[str, Path]:
    """One 160 px RGB scene shared read-only by the session."""
    return make_scene(tmp_path_factory.mktemp("scene"), seed=5)


@pytest.fixture(scope="session")
def second_scene(tmp_path_factory) -> dict[str, Path]:
    """Another scene (another seed, 128 px), for batch runs."""
    return make_scene(tmp_path_factory.mktemp("scene2"), seed=6, size_px=128)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, scene, tiny_config) -> Path:
    """A model trained once for the session with the engine's CLI (about 10 s).

    40 steps: enough for the model to find some roads, so vector outputs are not empty.
    """
    out = tmp_path_factory.mktemp("model") / "tiny.pt"
    run_engine_cli("train", "--image", str(scene["image"]), "--roads", str(scene["roads"]),
                   "--aoi", str(scene["aoi"]), "--profile", "fast", "--config",
                   str(tiny_config), "--steps", "40", "--device", "cpu", "--out", str(out))
    return out


@pytest.fixture(scope="session")
def truth_probability(scene, tmp_path_factory) -> Path:
    """The scene's truth as a Byte probability raster (road 254, nodata 255): a perfect
    prediction, for the vectorize and evaluate algorithms."""
    import numpy as np
    from osgeo import gdal

    path = tmp_path_factory.mktemp("truthprob") / "truth_prob.tif"
    ds = gdal.Translate(str(path), str(scene["truth"]))
    band = ds.GetRasterBand(1)
    truth = band.ReadAsArray()
    band.WriteArray(np.where(truth == 1, 254, np.where(truth == 255, 255, 0)).astype(np.uint8))
    band.SetNoDataValue(255)
    band, ds = None, None  # closes the file
    return path


@pytest.fixture(scope="session")
def truth_vectors(truth_probability, tmp_path_factory) -> Path:
    """The engine's GeoPackage (roads + centerlines) of the perfect probability raster."""
    out = tmp_path_factory.mktemp("vectors") / "roads.gpkg"
    run_engine_cli("vectorize", "--prob", str(truth_probability), "--out", str(out))
    return out


@pytest.fixture()
def recording_runner(monkeypatch, truth_probability, truth_vectors):
    """Every algorithm's engine is a RecordingRunner (tests/plugin/recording_runner.py)."""
    from road_extraction.plugin.algorithms.base import EngineAlgorithm

    from .recording_runner import RecordingRunner

    fake = RecordingRunner(truth_probability, truth_vectors)
    monkeypatch.setattr(EngineAlgorithm, "engine_runner", lambda self: fake)
    return fake
