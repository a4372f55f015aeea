"""The dock remembers its options across QGIS sessions (plugin/dock/dock_options.py): set
them, destroy the dock, make a new one, and they are back; an invalid stored value falls
back to the default (a message in the log, no dialog); per-project state is not stored.

The QgsSettings are pytest-qgis's temporary profile, emptied of the dock's options before
and after each test (conftest.py: fresh_dock_options)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsRasterLayer, QgsSettings
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QMessageBox
from road_extraction.plugin.dock.dock_widget import RoadDock
from road_extraction.plugin.settings import GROUP, load_settings, save_dock_option


@pytest.fixture()
def log_messages():
    """The messages QGIS's message log receives during the test, as (text, tag)."""
    received: list[tuple[str, str]] = []

    def record(text: str, tag: str, _level: object) -> None:
        received.append((text, tag))

    QgsApplication.messageLog().messageReceived.connect(record)
    yield received
    QgsApplication.messageLog().messageReceived.disconnect(record)


@pytest.fixture()
def no_dialogs(monkeypatch):
    """Fail the test when the dock opens a message box."""
    opened: list[str] = []
    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda *args, _name=name: opened.append(_name) or 0)
    yield opened
    assert opened == []


@pytest.fixture()
def make_dock(iface, project, work_dir, qtbot):
    """Makes docks as the plugin does (shown), and closes those the test left open."""
    made: list[RoadDock] = []

    def make() -> RoadDock:
        dock = RoadDock(iface, project)
        dock.show()
        made.append(dock)
        return dock

    yield make
    for dock in made:
        if not sip.isdeleted(dock):
            destroy(dock)


def destroy(dock: RoadDock) -> None:
    """Close the dock down and delete it, as unloading the plugin does."""
    dock.close_down()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert sip.isdeleted(dock)
    QgsSettings().sync()  # what a new QGIS session would read


def option_values(dock: RoadDock) -> dict[str, object]:
    ui = dock.ui
    return {"road_width": ui.road_width.value(), "device": ui.device.currentText(),
            "profile": ui.profile.currentData(), "rounds": ui.rounds.value(),
            "semi_supervised": ui.semi_supervised.isChecked(),
            "init_model": ui.init_model.filePath(), "config": ui.config.filePath(),
            "advanced_open": not ui.advanced.isCollapsed()}


@pytest.fixture()
def defaults(make_dock) -> dict[str, object]:
    """The options of a dock that remembers nothing."""
    dock = make_dock()
    values = option_values(dock)
    destroy(dock)
    return values


def test_the_settings_are_a_temporary_profile_not_the_users(qgis_app):
    custom = os.environ["QGIS_CUSTOM_CONFIG_PATH"]
    assert "pytest-qgis" in custom
    assert Path(QgsSettings().fileName()).resolve().is_relative_to(Path(custom).resolve())


def test_the_options_come_back_in_a_new_dock(make_dock, tmp_path, tiny_config, defaults,
                                             no_dialogs):
    model = tmp_path / "start.pt"
    model.write_bytes(b"a model file (not read by the dock)")
    dock = make_dock()
    ui = dock.ui
    ui.road_width.setValue(8.5)
    ui.device.setCurrentText("cuda:1")
    ui.profile.setCurrentIndex(ui.profile.findData("full"))
    ui.rounds.setValue(7)
    ui.semi_supervised.setChecked(True)
    ui.init_model.setFilePath(str(model))
    ui.config.setFilePath(str(tiny_config))
    chosen = option_values(dock)
    assert all(chosen[name] != defaults[name] for name in chosen if name != "advanced_open")
    destroy(dock)

    again = make_dock()
    assert option_values(again) == {**chosen, "advanced_open": True}
    assert again.ui.unlabeled_label.text() == "Unlabeled rasters (predicted and learned from)"
    # The device is the plugin's one device setting (the settings dialog's), not a copy.
    assert load_settings().device == "cuda:1"


def test_the_advanced_box_stays_as_it_was_left(make_dock, defaults):
    assert defaults["advanced_open"] is False
    dock = make_dock()
    dock.ui.advanced.setCollapsed(False)
    destroy(dock)
    dock = make_dock()
    assert not dock.ui.advanced.isCollapsed()
    dock.ui.advanced.setCollapsed(True)
    destroy(dock)
    assert make_dock().ui.advanced.isCollapsed()


def test_a_remembered_advanced_option_opens_the_box(make_dock, tiny_config):
    dock = make_dock()
    dock.ui.advanced.setCollapsed(False)
    dock.ui.config.setFilePath(str(tiny_config))
    dock.ui.advanced.setCollapsed(True)
    destroy(dock)
    again = make_dock()
    assert again.ui.config.filePath() == str(tiny_config)
    assert not again.ui.advanced.isCollapsed()


@pytest.mark.parametrize("name, raw", [
    ("road_width_m", "wide"),
    ("road_width_m", 1000.0),
    ("road_width_m", True),
    ("road_width_m", "nan"),
    ("rounds", 99),
    ("rounds", "3.5"),
    ("profile", "turbo"),
    ("semi_supervised", "maybe"),
    ("advanced_open", 3),
    ("config", ["a.json", "b.json"]),
])
def test_an_invalid_stored_value_falls_back_to_the_default(name, raw, make_dock,
                                                          defaults, log_messages,
                                                          no_dialogs):
    save_dock_option(name, raw)
    QgsSettings().sync()
    assert option_values(make_dock()) == defaults
    assert any(name in text and "not valid" in text and tag == "Road extraction"
               for text, tag in log_messages)


def test_an_unknown_device_falls_back_to_auto(make_dock, no_dialogs):
    QgsSettings().setValue(f"{GROUP}/device", "tpu")  # as an older or edited file may hold
    assert make_dock().ui.device.currentText() == "auto"


def test_a_half_typed_device_is_not_stored(make_dock):
    dock = make_dock()
    dock.ui.device.setCurrentText("cuda:0")
    dock.ui.device.setCurrentText("cud")
    assert load_settings().device == "cuda:0"


@pytest.mark.parametrize("option", ["config", "init_model"])
def test_a_file_that_vanished_is_not_restored(option, make_dock, tmp_path, defaults,
                                              log_messages, no_dialogs):
    gone = tmp_path / "gone.json"
    gone.write_text("{}", encoding="utf-8")
    dock = make_dock()
    getattr(dock.ui, option).setFilePath(str(gone))
    destroy(dock)
    gone.unlink()
    assert option_values(make_dock()) == defaults
    assert any(str(gone) in text and "no longer exists" in text for text, _ in log_messages)


def test_the_project_state_is_not_remembered(make_dock, project, raster, scene):
    dock = make_dock()
    dock.ui.raster.setLayer(raster)
    dock.ui.training.set_checked([raster.id()])
    assert dock.ui.training.checked_ids() == [raster.id()]
    destroy(dock)
    settings = QgsSettings()
    stored = {key: str(settings.value(key)) for key in settings.allKeys()}
    assert not [key for key, value in stored.items()
                if raster.id() in value or str(scene["image"]) in value]

    # Another project with a raster of the same name: nothing is checked in it.
    project.clear()
    other = QgsRasterLayer(str(scene["image"]), "image")
    project.addMapLayer(other)
    again = make_dock()
    assert again.ui.training.checked_ids() == []
    assert again.ui.unlabeled.checked_ids() == []

