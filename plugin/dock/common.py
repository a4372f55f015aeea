"""What the dock's modules share: translation, resource paths, the working folder."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..layer_styles import style_path
from ..settings import load_settings, plugin_dir

__all__ = ["dock_icon", "is_unsaved_folder", "style_path", "tr", "unsaved_folder",
           "work_folder"]

#: The translation context of every dock string (one context for the whole plugin).
CONTEXT = "RoadExtraction"


def tr(text: str) -> str:
    """Translate a user-visible string."""
    return QCoreApplication.translate(CONTEXT, text)


def dock_icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``."""
    return QIcon(str(plugin_dir() / "resources" / "icons" / f"{name}.svg"))


def unsaved_folder() -> Path:
    """Where the dock works while the project has no folder: inside QGIS's profile."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "road_extraction" / "work"


def is_unsaved_folder(folder: Path) -> bool:
    """True for the folder of an unsaved project (see unsaved_folder)."""
    return folder.resolve() == unsaved_folder().resolve()


def work_folder(project: QgsProject | None = None) -> Path:
    """Where new labels, models and round outputs go: the settings' working folder, else
    the project's home, else unsaved_folder() (an unsaved project)."""
    chosen = load_settings().work_dir
    if chosen:
        folder = Path(chosen)
    else:
        home = (project or QgsProject.instance()).homePath()
        folder = Path(home) if home else unsaved_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
