"""The plugin's settings kept in QgsSettings: the engine interpreter, device and working
folder (the settings dialog's), and the dock's own remembered options (plugin/dock/
dock_options.py says which, and why those). The only module that knows the keys."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

__all__ = [
    "DEVICE_PATTERN",
    "DOCK_OPTIONS",
    "EngineSettings",
    "clear_dock_options",
    "env_python",
    "load_dock_option",
    "load_settings",
    "plugin_dir",
    "plugin_owned_env",
    "resolve_python",
    "save_device",
    "save_dock_option",
    "save_settings",
]

#: Settings group under which every key lives.
GROUP = "road_extraction"
#: Sub-group of the dock's remembered options.
DOCK_GROUP = f"{GROUP}/dock"
#: The dock's remembered options. The device is not one of them: the dock shows and stores
#: the plugin's one device setting (save_device), which the settings dialog edits too.
DOCK_OPTIONS = ("road_width_m", "profile", "rounds", "semi_supervised", "init_model",
                "config", "advanced_open")
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


def save_device(device: str) -> None:
    """Store ``device`` as the plugin's device, keeping the other settings.

    Raises
    ------
    ValueError
        When ``device`` is not auto, cpu, cuda or cuda:N.
    """
    if not DEVICE_PATTERN.match(device):
        raise ValueError(f"device {device!r} is not one of auto, cpu, cuda, cuda:N")
    QgsSettings().setValue(f"{GROUP}/device", device)


def _dock_key(name: str) -> str:
    if name not in DOCK_OPTIONS:
        raise KeyError(f"{name!r} is not one of the dock's options {DOCK_OPTIONS}")
    return f"{DOCK_GROUP}/{name}"


def load_dock_option(name: str) -> object | None:
    """The stored value of the dock's option ``name``, as QgsSettings returns it.

    Parameters
    ----------
    name
        One of DOCK_OPTIONS (KeyError otherwise).

    Returns
    -------
    object or None
        None when nothing is stored. Not checked: the INI file gives numbers and booleans
        back as text, and the file may have been edited, so the dock validates the value
        against its widget (dock_options.py).
    """
    return QgsSettings().value(_dock_key(name), None)


def save_dock_option(name: str, value: object) -> None:
    """Store ``value`` as the dock's option ``name`` (one of DOCK_OPTIONS, KeyError
    otherwise)."""
    QgsSettings().setValue(_dock_key(name), value)


def clear_dock_options() -> None:
    """Forget every remembered option of the dock (the dock then opens with its defaults)."""
    QgsSettings().remove(DOCK_GROUP)
