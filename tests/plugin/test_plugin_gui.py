"""initGui adds the menu entries only with an interface; unload removes all it added."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QMainWindow
from road_extraction.plugin.settings import EngineSettings, load_settings, save_settings


class FakeIface:
    """The menu, toolbar and dock calls the plugin makes, recorded."""

    def __init__(self):
        self.window = QMainWindow()
        self.menu: dict[str, list] = {}

    def mainWindow(self):
        return self.window

    def addPluginToMenu(self, name, action):
        self.menu.setdefault(name, []).append(action)

    def removePluginMenu(self, name, action):
        self.menu[name].remove(action)

    def addDockWidget(self, area, dock):
        self.dock = dock

    def removeDockWidget(self, dock):
        self.dock = None

    def addToolBarIcon(self, action):
        pass

    def removeToolBarIcon(self, action):
        pass

    def messageBar(self):
        return None


def test_init_gui_adds_menu_entries_and_unload_removes_them(qgis_processing, plugin_package):
    registry = QgsApplication.processingRegistry()
    iface = FakeIface()
    plugin = plugin_package.classFactory(iface)
    # The session's provider (conftest) may be registered already; this plugin adds its own
    # only when none is there, as QGIS refuses a second provider with the same id.
    had_provider = registry.providerById("roadextraction") is not None
    plugin.initGui()
    texts = [a.text() for actions in iface.menu.values() for a in actions]
    assert texts == ["Install / repair engine…", "Settings…", "Road extraction dock"]
    plugin.unload()
    assert all(not actions for actions in iface.menu.values())
    assert plugin.provider is None
    assert (registry.providerById("roadextraction") is not None) == had_provider


def test_init_gui_without_iface_registers_only_the_provider(qgis_processing, plugin_package):
    registry = QgsApplication.processingRegistry()
    if registry.providerById("roadextraction") is not None:
        pytest.skip("the session's provider is registered; test_entry_point covers this "
                    "in a clean interpreter")
    plugin = plugin_package.classFactory(None)
    plugin.initGui()
    assert plugin.actions == []
    assert registry.providerById("roadextraction") is plugin.provider
    plugin.unload()
    assert registry.providerById("roadextraction") is None


def test_settings_dialog_saves_what_was_edited(qgis_app):
    from road_extraction.plugin.settings_dialog import SettingsDialog

    before = load_settings()
    try:
        dialog = SettingsDialog()
        dialog.python.setFilePath("/opt/engine/bin/python")
        dialog.device.setCurrentText("cuda:0")
        dialog.accept()
        assert load_settings() == EngineSettings(python="/opt/engine/bin/python",
                                                 device="cuda:0", work_dir=before.work_dir)
        dialog = SettingsDialog()
        dialog.device.setCurrentText("gpu")
        dialog.accept()  # refused: stays open with the reason
        assert "use auto, cpu, cuda" in dialog.status.text()
        assert load_settings().device == "cuda:0"
    finally:
        save_settings(before)
