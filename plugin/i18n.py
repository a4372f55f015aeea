"""Loads the plugin's translation (i18n/road_extraction_<lang>.qm) for QGIS's locale."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from .settings import plugin_dir

__all__ = ["install_translator", "qm_path", "remove_translator", "user_language"]

#: Base name of the catalogues in i18n/.
CATALOGUE = "road_extraction"


def user_language() -> str:
    """QGIS's interface language (``de`` for ``de_DE``), from QgsSettings locale/userLocale."""
    locale = str(QgsSettings().value("locale/userLocale", "") or "")
    return locale.split("_")[0].split("-")[0].lower() or "en"


def qm_path(language: str) -> Path:
    """The compiled catalogue of ``language`` (it may not exist)."""
    return plugin_dir() / "i18n" / f"{CATALOGUE}_{language}.qm"


def install_translator(language: str | None = None) -> QTranslator | None:
    """Install the catalogue of ``language`` (default: QGIS's); None when there is none.

    Keep the returned translator and pass it to remove_translator on unload.
    """
    path = qm_path(language or user_language())
    if not path.exists():
        return None
    translator = QTranslator()
    if not translator.load(str(path)):
        raise OSError(f"cannot load the translation {path}")
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    """Undo install_translator."""
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
