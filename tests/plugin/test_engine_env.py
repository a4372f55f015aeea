"""The environment check, the settings, and the clear message when the engine cannot run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException
from road_extraction.plugin.engine_env import EngineChecker, check_environment
from road_extraction.plugin.settings import (
    EngineSettings,
    load_settings,
    plugin_dir,
    resolve_python,
    save_settings,
)

from .conftest import ENGINE_PYTHON, ROOT

GOOD = {"numpy": "1.24.2", "torch": "2.13.0", "torchvision": "0.28.0", "skimage": "0.24.0",
        "osgeo": "3.6.2"}


def fake_python(folder: Path, *, versions: dict, in_venv: bool = True, errors=None) -> Path:
    """An executable that answers the check script like a Python with these packages."""
    report = {"python": "3.11.2", "in_venv": in_venv, "versions": versions,
              "errors": errors or {}, "cuda": False}
    exe = folder / "venv" / "bin" / "python"
    exe.parent.mkdir(parents=True)
    exe.write_text(f"#!/bin/sh\necho '{json.dumps(report)}'\n")
    exe.chmod(0o755)
    return exe


@pytest.fixture()
def engine_python_setting():
    """Lets a test change the engine's interpreter; restores the session's settings after."""
    before = load_settings()
    yield lambda python: save_settings(EngineSettings(python=str(python), device="cpu"))
    save_settings(before)


def test_check_environment_names_missing_torch_and_the_setup_command(tmp_path):
    status = check_environment("/usr/bin/python3", plugin_dir=ROOT, new_env=tmp_path / "env")
    assert not status.ok
    assert {"torch", "torchvision"} <= set(status.missing)
    # Debian's system Python refuses pip: the command makes a venv first.
    assert status.install_command.startswith(str(Path("/usr/bin").resolve()))
    assert f"-m venv --system-site-packages {tmp_path / 'env'}" in status.install_command
    assert (f"{tmp_path / 'env'}/bin/python -m pip install -c {ROOT}/requirements/"
            f"constraints.txt -r {ROOT}/requirements/engine.txt") in status.install_command


@pytest.mark.parametrize(("versions", "errors", "problem", "command"), [
    # a venv missing scikit-image: pip into that venv
    ({**GOOD, "skimage": None}, {}, "skimage are missing", "bin/python -m pip install"),
    # numpy 2 breaks GDAL's numpy-1 bindings
    ({**GOOD, "numpy": "2.1.0"}, {"osgeo.gdal_array": "ImportError: x"}, "numpy<2",
     "bin/python -m pip install"),
    # a venv made without --system-site-packages cannot see osgeo: make a new one
    ({**GOOD, "osgeo": None}, {}, "--system-site-packages", "-m venv --system-site-packages"),
])
def test_check_environment_explains_each_problem(tmp_path, versions, errors, problem,
                                                 command):
    python = fake_python(tmp_path, versions=versions, errors=errors)
    status = check_environment(python, plugin_dir=ROOT, new_env=tmp_path / "new")
    assert not status.ok
    assert problem in status.message()
    assert command in status.install_command


def test_check_environment_of_a_missing_interpreter_creates_its_venv(tmp_path):
    python = tmp_path / "env" / "bin" / "python"
    status = check_environment(python, plugin_dir=ROOT, new_env=tmp_path / "other")
    assert status.missing == ("python",)
    assert f"--system-site-packages {tmp_path / 'env'} &&" in status.install_command


def test_engine_checker_remembers_only_passing_environments(tmp_path):
    checker = EngineChecker(ROOT)
    good = fake_python(tmp_path / "a", versions=GOOD)
    assert checker.check(good, new_env=tmp_path).ok
    good.write_text("#!/bin/sh\nexit 1\n")
    assert checker.check(good, new_env=tmp_path).ok  # remembered
    checker.forget()
    assert not checker.check(good, new_env=tmp_path).ok


def test_resolve_python_prefers_the_users_choice_then_the_plugin_venv():
    assert resolve_python(EngineSettings(python="/opt/x/python")) == Path("/opt/x/python")
    assert resolve_python(EngineSettings()) == plugin_dir() / ".venv" / "bin" / "python"
    assert resolve_python(EngineSettings()) == ENGINE_PYTHON


def test_settings_round_trip_and_refuse_a_bad_device(engine_python_setting):
    save_settings(EngineSettings(python="/p", device="cuda:1", work_dir="/w"))
    assert load_settings() == EngineSettings(python="/p", device="cuda:1", work_dir="/w")
    with pytest.raises(ValueError, match="device 'gpu'"):
        EngineSettings(device="gpu")


@pytest.mark.parametrize(("python", "named"), [
    # a Python without torch (Debian's own)
    ("/usr/bin/python3", "torch"),
    # an interpreter that does not exist
    ("/nonexistent/venv/bin/python", "does not exist"),
])
def test_algorithm_without_engine_env_says_what_is_missing(provider, scene, tmp_path,
                                                           engine_python_setting, python,
                                                           named):
    import processing

    engine_python_setting(python)
    with pytest.raises(QgsProcessingException) as info:
        processing.run("roadextraction:extract_roads", {
            "MODEL": str(tmp_path / "m.pt"), "INPUT": str(scene["image"]),
            "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"),
            "OUTPUT_ROADS": "TEMPORARY_OUTPUT", "OUTPUT_CENTERLINES": "TEMPORARY_OUTPUT"})
    message = str(info.value)
    assert named in message
    assert "pip install -c" in message and "requirements/engine.txt" in message
    assert "roadextraction:install_engine" in message
    assert "Traceback" not in message
    assert not (tmp_path / "p.tif").exists()


def test_check_script_runs_on_the_engine_environment():
    status = check_environment(ENGINE_PYTHON, plugin_dir=ROOT, new_env=ROOT / "unused")
    assert status.ok, status.message()
    assert set(status.versions) == {"numpy", "torch", "torchvision", "skimage", "osgeo"}
    assert status.message().startswith("The engine's environment")


def test_algorithm_refuses_an_unknown_device(provider, tiny_model, scene, tmp_path):
    import processing

    with pytest.raises(QgsProcessingException, match="DEVICE is 'gpu'; use auto, cpu, cuda"):
        processing.run("roadextraction:extract_roads", {
            "MODEL": str(tiny_model), "INPUT": str(scene["image"]), "DEVICE": "gpu",
            "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"),
            "OUTPUT_ROADS": "TEMPORARY_OUTPUT", "OUTPUT_CENTERLINES": "TEMPORARY_OUTPUT"})
    assert not (tmp_path / "p.tif").exists()
