"""roadextraction:install_engine with fake set-up commands (the real one downloads 3 GB)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback
from road_extraction.plugin import engine_env

from .conftest import ROOT

ALG = "roadextraction:install_engine"


class ConsoleFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.console: list[str] = []
        self.commands: list[str] = []

    def pushConsoleInfo(self, text):
        self.console.append(text)

    def pushCommandInfo(self, text):
        self.commands.append(text)


def test_setup_commands_are_the_readmes_venv_and_pinned_pip(tmp_path):
    venv, pip = engine_env.setup_commands(tmp_path / "env", ROOT, python="/usr/bin/python3")
    assert venv == ["/usr/bin/python3", "-m", "venv", "--system-site-packages",
                    str(tmp_path / "env")]
    assert pip == [str(tmp_path / "env" / "bin" / "python"), "-m", "pip", "install", "-c",
                   str(ROOT / "requirements" / "constraints.txt"), "-r",
                   str(ROOT / "requirements" / "engine.txt")]


@pytest.fixture()
def fake_setup(monkeypatch):
    """Replaces the set-up by commands given per test; records what the algorithm asked."""
    asked = {}

    def install(*commands):
        def setup_commands(env_dir, plugin_dir, *, python=None, requirements=None):
            asked.update(env_dir=env_dir, plugin_dir=plugin_dir, requirements=requirements)
            return [[sys.executable, "-c", c] for c in commands]
        monkeypatch.setattr(engine_env, "setup_commands", setup_commands)
        return asked
    return install


def test_install_engine_streams_output_and_checks_the_result(provider, fake_setup, tmp_path):
    import processing

    # The "installed" environment is this checkout's .venv, so the final check passes.
    asked = fake_setup("print('Collecting torch===2.13.0'); print('Successfully installed')",
                       "import sys; print('pip says hi', file=sys.stderr)")
    requirements = tmp_path / "req.txt"
    requirements.write_text("# nothing\n")
    feedback = ConsoleFeedback()
    result = processing.run(ALG, {"ENV_FOLDER": str(ROOT / ".venv"),
                                  "REQUIREMENTS": str(requirements)}, feedback=feedback)
    assert result["PYTHON"] == str(ROOT / ".venv" / "bin" / "python")
    assert asked["env_dir"] == ROOT / ".venv" and asked["requirements"] == requirements
    assert feedback.console == ["Collecting torch===2.13.0", "Successfully installed",
                                "pip says hi"]
    assert len(feedback.commands) == 2
    assert feedback.progress() == 100


def test_install_engine_failure_names_the_command_and_its_output(provider, fake_setup):
    import processing

    fake_setup("import sys; print('ERROR: No matching distribution', file=sys.stderr); "
               "sys.exit(1)")
    with pytest.raises(QgsProcessingException, match="exit status 1:\nERROR: No matching"):
        processing.run(ALG, {"ENV_FOLDER": str(ROOT / ".venv")})


def test_install_engine_cancel_stops_pip(provider, fake_setup):
    import processing

    fake_setup("import time; print('Downloading', flush=True); time.sleep(60)")
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel())
    start = time.monotonic()
    with pytest.raises(QgsProcessingException, match="Cancelled during"):
        processing.run(ALG, {"ENV_FOLDER": str(ROOT / ".venv")}, feedback=feedback)
    assert time.monotonic() - start < 10


def test_install_engine_defaults_to_the_plugin_owned_env(provider, fake_setup):
    import processing
    from qgis.core import QgsApplication

    asked = fake_setup("pass")
    with pytest.raises(QgsProcessingException, match="does not exist"):
        processing.run(ALG, {})  # the fake set-up created nothing there
    profile = Path(QgsApplication.qgisSettingsDirPath())
    assert asked["env_dir"] == profile / "road_extraction" / "venv"
    assert asked["requirements"] is None
