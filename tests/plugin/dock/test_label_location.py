"""The dock says where the labels live; saving the project offers to move the labels and the
rounds beside it; a second set of label layers is never made."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer
from road_extraction.plugin.dock.label_layers import GPKG_NAME

from .conftest import ENGINE_PYTHON, copy_features


@pytest.fixture()
def unsaved(monkeypatch, tmp_path) -> Path:
    """No working folder in the settings; an unsaved project's folder under tmp_path."""
    from road_extraction.plugin.dock import common
    from road_extraction.plugin.settings import EngineSettings, load_settings, save_settings

    before = load_settings()
    save_settings(EngineSettings(python=str(ENGINE_PYTHON), device="cpu", work_dir=""))
    folder = tmp_path / "profile" / "road_extraction" / "work"
    monkeypatch.setattr(common, "unsaved_folder", lambda: folder)
    yield folder
    save_settings(before)


@pytest.fixture()
def unsaved_dock(unsaved, iface, project, raster, qtbot, scene):
    """A dock on an unsaved project with labels (saved) and one finished round on disk."""
    from road_extraction.plugin.dock.dock_widget import RoadDock

    dock = RoadDock(iface, project)
    qtbot.addWidget(dock)
    dock.ui.raster.setLayer(raster)
    labels = dock.create_label_layers()
    copy_features(scene["roads"], labels.centerlines, width=6.0)
    copy_features(scene["aoi"], labels.areas)
    assert labels.centerlines.commitChanges() and labels.areas.commitChanges()
    rounds = dock.run_model().with_name("model.pt.rounds")
    rounds.mkdir(parents=True)
    (rounds / "round_001.pt").write_bytes(b"a round")
    yield dock
    dock.close_down()


def save_as(project, path: Path) -> None:
    """Save the project as QGIS's Save As does: the file name first, then the write."""
    project.setFileName(str(path))
    assert project.write()


def label_layers(project) -> list[QgsVectorLayer]:
    return [layer for layer in project.mapLayers().values()
            if GPKG_NAME in layer.source()]


def test_the_dock_says_where_the_labels_of_an_unsaved_project_are(unsaved_dock, unsaved):
    text = unsaved_dock.ui.location.text().replace("\u200b", "")
    assert str(unsaved / GPKG_NAME) in text
    assert "project is not saved" in text
    assert unsaved_dock.ui.location.toolTip() == str(unsaved / GPKG_NAME)


def test_saving_the_project_moves_the_labels_and_rounds_beside_it(unsaved_dock, unsaved,
                                                                  project, tmp_path):
    asked = []
    unsaved_dock.labels.ask = lambda parent, title, text: asked.append(text) or True
    lines = unsaved_dock.labels.layers.centerlines.featureCount()
    saved = tmp_path / "saved"
    saved.mkdir()
    save_as(project, saved / "roads.qgs")
    assert asked and str(saved) in asked[0]
    labels = unsaved_dock.labels.layers
    assert labels.path == saved / GPKG_NAME and not (unsaved / GPKG_NAME).exists()
    assert len(label_layers(project)) == 3
    assert all(str(saved) in layer.source() for layer in labels.all())
    assert labels.centerlines.featureCount() == lines > 0
    assert (saved / "road_rounds" / "model.pt.rounds" / "round_001.pt").exists()
    assert unsaved_dock._job().round_index == 2  # the run goes on, not back to round 1
    assert "project is not saved" not in unsaved_dock.ui.location.text()
    unsaved_dock.create_label_layers()  # pressed again after saving: the same layers
    assert [la.id() for la in unsaved_dock.labels.layers.all()] == \
        [la.id() for la in labels.all()]
    assert len(label_layers(project)) == 3


def test_declining_the_move_keeps_the_labels_and_makes_no_second_set(unsaved_dock, unsaved,
                                                                     project, tmp_path):
    unsaved_dock.labels.ask = lambda parent, title, text: False
    before = [layer.id() for layer in unsaved_dock.labels.layers.all()]
    save_as(project, tmp_path / "roads.qgs")
    unsaved_dock.create_label_layers()
    assert [layer.id() for layer in unsaved_dock.labels.layers.all()] == before
    assert unsaved_dock.labels.layers.path == unsaved / GPKG_NAME
    assert len(label_layers(project)) == 3
    assert not (tmp_path / GPKG_NAME).exists()
