"""The plugin's translator loads the compiled catalogue of QGIS's locale."""

from __future__ import annotations

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication
from road_extraction.plugin.i18n import (
    install_translator,
    qm_path,
    remove_translator,
    user_language,
)


def test_install_translator_translates_a_known_string_to_german(qgis_app):
    translator = install_translator("de")
    try:
        assert translator is not None
        assert QCoreApplication.translate("RoadExtraction", "Train round") == \
            "Runde trainieren"
    finally:
        remove_translator(translator)
    assert QCoreApplication.translate("RoadExtraction", "Train round") == "Train round"


def test_user_language_follows_the_qgis_locale_setting(qgis_app):
    settings = QgsSettings()
    before = settings.value("locale/userLocale", "")
    try:
        settings.setValue("locale/userLocale", "de_DE")
        assert user_language() == "de"
        translator = install_translator()
        assert translator is not None
        remove_translator(translator)
    finally:
        settings.setValue("locale/userLocale", before)


def test_install_translator_without_a_catalogue_returns_none(qgis_app):
    assert not qm_path("xx").exists()
    assert install_translator("xx") is None


def test_every_catalogue_is_compiled_and_complete():
    root = qm_path("de").parent
    for ts in sorted(root.glob("*.ts")):
        assert ts.with_suffix(".qm").exists(), ts
        assert 'type="unfinished"' not in ts.read_text(encoding="utf-8"), ts
