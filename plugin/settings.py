"""The plugin's settings (engine interpreter, device, working folder) kept in QgsSettings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

__all__ = [
    "DEVICE_PATTERN",
    "EngineSettings",
    "env_python",
    "load_settings",
    "plugin_dir",
    "plugin_owned_env",
    "resolve_python",
    "save_settings",
]

#: Settings group under which every key lives.
GROUP = "road_extraction"
#: The devices the engine accepts.
DEVICE_PATTERN = re.compile(r"^(auto|cpu|cuda(:\d+)?)$")


def plugin_dir() -> Path:
    """The plugin folder (the repository root), where ``python -m engine`` must run."""
    return Path(__file__).resolve().parent.parent


def plugin_owned_env() -> Path:
    """The environment that "Install / repair engine" creates, inside the QGIS profile."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "road_extraction" / "venv"


def env_python(env: Path) -> Path:
    """The interpreter of the virtual environment in ``env``."""
    return env / "Scripts" / "python.exe" if os.name == "nt" else env / "bin" / "python"


@dataclass(frozen=True)
class EngineSettings:
    """What the plugin needs to run the engine."""

    python: str = ""  # the engine's interpreter chosen by the user; "" = find it automatically
    device: str = "auto"  # auto, cpu, cuda or cuda:N
    work_dir: str = ""  # folder for models and outputs of the dock; "" = the QGIS temp folder

    def __post_init__(self) -> None:
        if not DEVICE_PATTERN.match(self.device):
            raise ValueError(f"device {self.device!r} is not one of auto, cpu, cuda, cuda:N")


def resolve_python(settings: EngineSettings) -> Path:
    """The interpreter to run the engine with.

    The user's choice wins; otherwise ``<plugin folder>/.venv/bin/python`` (where the
    README's set-up puts it), else the plugin-owned environment's interpreter (which may not
    exist yet: the environment check then says how to create it).
    """
    if settings.python:
        return Path(settings.python)
    for candidate in (env_python(plugin_dir() / ".venv"), env_python(plugin_owned_env())):
        if candidate.exists():
            return candidate
    return env_python(plugin_owned_env())


def load_settings() -> EngineSettings:
    """Read the settings; an invalid stored device falls back to ``auto``."""
    s = QgsSettings()
    device = str(s.value(f"{GROUP}/device", "auto") or "auto")
    return EngineSettings(python=str(s.value(f"{GROUP}/python", "") or ""),
                          device=device if DEVICE_PATTERN.match(device) else "auto",
                          work_dir=str(s.value(f"{GROUP}/work_dir", "") or ""))


def save_settings(settings: EngineSettings) -> None:
    """Store the settings."""
    s = QgsSettings()
    s.setValue(f"{GROUP}/python", settings.python)
    s.setValue(f"{GROUP}/device", settings.device)
    s.setValue(f"{GROUP}/work_dir", settings.work_dir)
