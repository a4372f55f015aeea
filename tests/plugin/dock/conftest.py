"""Fixtures of the dock tests: an iface with the calls the dock makes, a clean project."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from qgis.core import QgsFeature, QgsProject, QgsRasterLayer, QgsTask, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAction, QApplication

ROOT = Path(__file__).resolve().parents[3]
ENGINE_PYTHON = ROOT / ".venv" / "bin" / "python"
#: The states of a task that has ended (QgsTask.status()).
TASK_ENDED = (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated)


@pytest.fixture(autouse=True)
def fresh_dock_options():
    """Every dock test starts from the dock's default options and leaves none behind: the
    dock stores each change (dock_options.py), and pytest-qgis keeps one QgsSettings file
    (a temporary QGIS profile, QGIS_CUSTOM_CONFIG_PATH) for the whole session, so an option
    set by one test would otherwise be restored by the next test's dock."""
    from road_extraction.plugin.settings import clear_dock_options

    clear_dock_options()
    yield
    clear_dock_options()


@pytest.fixture()
def iface(qgis_iface, monkeypatch):
    """pytest-qgis's fake iface plus the three calls of 3.22's iface it lacks."""
    add_feature = QAction("Add feature")
    triggered: list[bool] = []
    add_feature.triggered.connect(lambda: triggered.append(True))
    monkeypatch.setattr(qgis_iface, "actionAddFeature", lambda: add_feature, raising=False)
    monkeypatch.setattr(qgis_iface, "removeDockWidget", lambda dock: None, raising=False)
    qgis_iface.add_feature_triggered = triggered
    return qgis_iface


@pytest.fixture()
def work_dir(tmp_path):
    """The dock's working folder for one test (in the plugin settings), restored after."""
    from road_extraction.plugin.settings import EngineSettings, load_settings, save_settings

    before = load_settings()
    save_settings(EngineSettings(python=str(ENGINE_PYTHON), device="cpu",
                                 work_dir=str(tmp_path / "work")))
    yield tmp_path / "work"
    save_settings(before)


@pytest.fixture()
def project(qgis_new_project):
    """QGIS's project, emptied before and after the test."""
    yield QgsProject.instance()
    QgsProject.instance().clear()


@pytest.fixture()
def raster(project, scene) -> QgsRasterLayer:
    """The session scene's image in the project."""
    layer = QgsRasterLayer(str(scene["image"]), "image")
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def shut_down(dock) -> None:
    """What ends every dock test, passed or failed: stop its round (waiting on the task
    itself, not on the dock, which a deleted window may have taken with it), let go of the
    project's signals (close_down) and delete the dock. Safe on a dock already closed down
    or deleted."""
    task = dock.task
    if task is not None and not sip.isdeleted(task):
        task.cancel()  # the engine stops within seconds, the fake engine at once
        # QgsTask.status: the round and first-guess tasks name a signal "status".
        while not sip.isdeleted(task) and QgsTask.status(task) not in TASK_ENDED:
            QApplication.processEvents()
            time.sleep(0.01)
    if sip.isdeleted(dock):
        return
    dock.close_down()
    dock.setParent(None)  # out of any window a test put it in
    dock.close()
    dock.deleteLater()


def register(request, dock) -> None:
    """Have ``dock`` shut down after the test (see pytest_runtest_teardown)."""
    request.node.__dict__.setdefault("road_docks", []).append(dock)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """Shut the test's docks down first, before pytest-qt closes and deletes the test's
    widgets: a window holding a dock deletes it, and a dock deleted without close_down
    leaves its connections to the project for PyQt to tidy up when its wrapper is collected,
    which was seen to drop another receiver's connection (pytest-qgis's), so that a later
    test, or pytest-qgis's session teardown, failed."""
    for dock in item.__dict__.pop("road_docks", []):
        shut_down(dock)
    return (yield)


@pytest.fixture()
def dock(iface, project, work_dir, raster, request):
    """The dock, open on the scene's raster; shut down after the test (shut_down)."""
    from road_extraction.plugin.dock.dock_widget import RoadDock

    widget = RoadDock(iface, project)
    register(request, widget)
    widget.ui.raster.setLayer(raster)
    widget.show()
    return widget


@pytest.fixture()
def dock_window(qtbot):
    """``dock_window(dock, height_px)``: a main window holding ``dock`` at the dock's
    default width, as QGIS shows it. The window lives until the end of the test, and gives
    the dock back (unparented) before it is deleted, so that it never deletes the dock."""
    from qgis.PyQt.QtWidgets import QMainWindow, QWidget
    from road_extraction.plugin.dock.dock_ui import DEFAULT_WIDTH_PX

    windows: list[tuple[QMainWindow, object]] = []

    def open_window(dock, height_px: int, central: QWidget | None = None) -> QMainWindow:
        window = QMainWindow()
        window.setCentralWidget(central or QWidget())
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window.resize(1000, height_px)
        window.show()
        window.resizeDocks([dock], [DEFAULT_WIDTH_PX], Qt.Orientation.Horizontal)
        qtbot.waitExposed(window)
        windows.append((window, dock))
        return window

    yield open_window
    for window, dock in windows:
        if not sip.isdeleted(dock) and dock.parent() is window:
            window.removeDockWidget(dock)
            dock.setParent(None)
        window.close()
        window.deleteLater()


def copy_features(source: Path, target: QgsVectorLayer, **attributes) -> int:
    """Add every feature of ``source`` to ``target`` through the layer API (edit buffer)."""
    layer = QgsVectorLayer(str(source), "source", "ogr")
    assert layer.isValid()
    if not target.isEditable():
        target.startEditing()
    count = 0
    for feature in layer.getFeatures():
        new = QgsFeature(target.fields())
        new.setGeometry(feature.geometry())
        for name, value in attributes.items():
            new[name] = value
        assert target.addFeature(new)
        count += 1
    return count


@pytest.fixture()
def labeled_dock(dock, scene, tiny_config):
    """The dock with label layers holding the scene's roads and labeled area (uncommitted),
    the tiny training configuration and the CPU."""
    labels = dock.create_label_layers()
    copy_features(scene["roads"], labels.centerlines, width=6.0)
    copy_features(scene["aoi"], labels.areas)
    dock.ui.config.setFilePath(str(tiny_config))
    dock.ui.device.setCurrentText("cpu")
    return dock


@pytest.fixture()
def fake_engine(monkeypatch, truth_probability, truth_vectors):
    """Every dock (made after this fixture) runs FakeRoundEngine instead of the engine."""
    from road_extraction.plugin.dock import runners

    from .fake_engine import FakeRoundEngine

    fake = FakeRoundEngine(truth_probability, truth_vectors)
    monkeypatch.setattr(runners, "engine_runner", lambda: fake)
    return fake


@pytest.fixture()
def fake_dock(fake_engine, labeled_dock):
    """The labeled dock, running the fake engine (no environment check)."""
    labeled_dock.checker = None
    return labeled_dock
