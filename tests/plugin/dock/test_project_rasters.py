"""The dock's rasters and the project: the checked training and unlabeled rasters are saved
with the project and checked again when it is read; a raster layer that QGIS could not open
(its file gone) is offered neither as the dock's raster nor in either list."""

from __future__ import annotations

import shutil

import pytest
from qgis.core import QgsRasterLayer
from road_extraction.plugin.dock.dock_widget import RoadDock


@pytest.fixture()
def second(project, scene, tmp_path) -> QgsRasterLayer:
    """A second image raster in the project (a copy of the scene's image)."""
    path = tmp_path / "second.tif"
    shutil.copyfile(scene["image"], path)
    layer = QgsRasterLayer(str(path), "second")
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def reread(project, tmp_path) -> None:
    """Save the project, close it, and open it again (in this QGIS session)."""
    path = tmp_path / "project.qgz"
    assert project.write(str(path))
    project.clear()
    assert project.read(str(path))


def test_checked_rasters_are_saved_with_the_project(dock, raster, second, project,
                                                    tmp_path):
    ids = raster.id(), second.id()  # the layers are new objects once the project is read
    dock.ui.training.set_checked([ids[0]])
    dock.ui.unlabeled.set_checked([ids[1]])
    reread(project, tmp_path)
    assert dock.ui.training.checked_ids() == [ids[0]]
    assert dock.ui.unlabeled.checked_ids() == [ids[1]]
    assert not project.isDirty()  # checking them again changed nothing to save


def test_a_dock_opened_on_a_read_project_checks_its_rasters(dock, raster, second, project,
                                                            tmp_path, iface, qtbot):
    ids = raster.id(), second.id()
    dock.ui.training.set_checked(list(ids))
    reread(project, tmp_path)
    later = RoadDock(iface, project)
    qtbot.addWidget(later)
    try:
        assert sorted(later.ui.training.checked_ids()) == sorted(ids)
        assert later.ui.unlabeled.checked_ids() == []
    finally:
        later.close_down()


def test_unchecking_is_saved_too(dock, raster, second, project, tmp_path):
    ids = raster.id(), second.id()
    dock.ui.training.set_checked([ids[0]])
    dock.ui.unlabeled.set_checked([ids[1]])
    dock.ui.unlabeled.set_checked([])
    reread(project, tmp_path)
    assert dock.ui.training.checked_ids() == [ids[0]]
    assert dock.ui.unlabeled.checked_ids() == []


def test_a_raster_whose_file_is_gone_is_not_offered(dock, raster, second, project, tmp_path):
    """As the project loads, the missing raster is a layer QGIS could not open."""
    kept, missing = raster.id(), second.id()
    path = tmp_path / "project.qgz"
    assert project.write(str(path))
    project.clear()
    (tmp_path / "second.tif").unlink()
    assert project.read(str(path))
    gone = project.mapLayer(missing)
    assert gone is not None and not gone.isValid()  # QGIS keeps it, unavailable
    offered = [dock.ui.raster.layer(i) for i in range(dock.ui.raster.count())]
    assert [layer.id() for layer in offered] == [kept]
    assert dock.ui.raster.currentLayer().id() == kept
    for rasters in (dock.ui.training, dock.ui.unlabeled):
        assert rasters.ids() == [kept]
