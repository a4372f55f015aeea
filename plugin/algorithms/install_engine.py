"""Processing algorithm: create or repair the engine's Python environment (venv + pip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from .. import engine_env
from ..runner import run_process
from ..settings import env_python, load_settings, plugin_dir, plugin_owned_env, resolve_python
from .base import EngineAlgorithm

__all__ = ["InstallEngine"]

#: Output lines after which the progress bar is half way through a command (pip prints
#: about 2 lines per package; the engine needs about 40 packages).
HALF_WAY_LINES = 80


class InstallEngine(EngineAlgorithm):
    """Runs the README's set-up into the plugin-owned environment, streaming pip's output."""

    ENV_FOLDER = "ENV_FOLDER"
    REQUIREMENTS = "REQUIREMENTS"
    PYTHON = "PYTHON"

    def name(self) -> str:
        return "install_engine"

    def displayName(self) -> str:
        return self.tr("Install / repair engine")

    def shortHelpString(self) -> str:
        return self.tr(
            "Creates (or repairs) the Python environment that runs the road extraction "
            "engine: a virtual environment made from QGIS's Python with "
            "--system-site-packages (so it sees GDAL's bindings), then the pinned packages of "
            "the plugin's requirements (PyTorch with CUDA, torchvision, scikit-image, ...: "
            "about 3 GB to download). The environment goes into the QGIS profile folder "
            "(road_extraction/venv) unless Environment folder says otherwise. Cancel stops "
            "pip; running the algorithm again repairs a half-done install.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        folder = QgsProcessingParameterString(
            self.ENV_FOLDER, self.tr("Environment folder"), defaultValue="", optional=True)
        folder.setHelp(self.tr("Where the environment goes; empty = the plugin's own, in "
                               "the QGIS profile folder"))
        requirements = QgsProcessingParameterFile(
            self.REQUIREMENTS, self.tr("Requirements file"), optional=True,
            fileFilter="Requirements (*.txt)")
        requirements.setHelp(self.tr("pip requirements; empty = the plugin's pinned set"))
        for param in (folder, requirements):
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(param)
        self.addOutput(QgsProcessingOutputFile(self.PYTHON, self.tr("Engine interpreter")))

    def _run(self, argv: list[str], step: int, steps: int,
             feedback: QgsProcessingFeedback) -> None:
        """Run one set-up command, its output in the log, progress within its step."""
        feedback.pushCommandInfo(engine_env.format_command(argv))
        seen = [0]

        def line(text: str) -> None:
            feedback.pushConsoleInfo(text)
            seen[0] += 1
            within = seen[0] / (seen[0] + HALF_WAY_LINES)
            feedback.setProgress(100.0 * (step + within) / (steps + 1))

        outcome = run_process(argv, on_stdout=line, on_stderr=line,
                              should_stop=feedback.isCanceled, cwd=plugin_dir())
        if outcome.cancelled:
            raise QgsProcessingException(self.tr(
                "Cancelled during: {}. Run Install / repair engine again to finish the "
                "environment.").format(engine_env.format_command(argv)))
        if outcome.returncode != 0:
            tail = "\n".join(outcome.stderr_tail[-15:])
            raise QgsProcessingException(self.tr("{} failed with exit status {}:\n{}").format(
                engine_env.format_command(argv), outcome.returncode, tail))

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        feedback = feedback or QgsProcessingFeedback()
        folder = (self.parameterAsString(parameters, self.ENV_FOLDER, context) or "").strip()
        env_dir = Path(folder) if folder else plugin_owned_env()
        requirements = self.parameterAsFile(parameters, self.REQUIREMENTS, context)
        commands = engine_env.setup_commands(
            env_dir, plugin_dir(), requirements=Path(requirements) if requirements else None)
        env_dir.parent.mkdir(parents=True, exist_ok=True)
        for step, argv in enumerate(commands):
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Cancelled before {}").format(argv[0]))
            self._run(argv, step, len(commands), feedback)
        self._checker().forget()
        python = env_python(env_dir)
        status = engine_env.check_environment(python, plugin_dir=plugin_dir(), new_env=env_dir)
        if not status.ok:
            raise QgsProcessingException(status.message())
        feedback.pushInfo(status.message())
        if resolve_python(load_settings()) != python:
            feedback.pushWarning(self.tr(
                "The plugin runs the engine with {}; choose {} in Plugins > Road extraction > "
                "Settings to use this environment.").format(resolve_python(load_settings()),
                                                            python))
        feedback.setProgress(100.0)
        return {self.PYTHON: str(python)}
