"""Fixtures of the dock tests: an iface with the calls the dock makes, a clean project."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsFeature, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtWidgets import QAction

ROOT = Path(__file__).resolve().parents[3]
ENGINE_PYTHON = ROOT / ".venv" / "bin" / "python"


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


@pytest.fixture()
def dock(iface, project, work_dir, raster, qtbot):
    """The dock, open on the scene's raster."""
    from road_extraction.plugin.dock.dock_widget import RoadDock

    widget = RoadDock(iface, project)
    qtbot.addWidget(widget)
    widget.ui.raster.setLayer(raster)
    widget.show()
    yield widget
    if widget.task is not None:
        widget.cancel()
        qtbot.waitUntil(lambda: widget.task is None, timeout=30_000)


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
