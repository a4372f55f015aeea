"""Groups the dock adds show expanded in a layer tree view, as QGIS's layer panel shows
them, also while a layer of another group is the current one (where a group that got its
layers after it was inserted was seen collapsed)."""

from __future__ import annotations

import pytest
from qgis.core import QgsLayerTreeModel
from qgis.gui import QgsLayerTreeView
from road_extraction.plugin.dock.label_layers import ensure_label_layers
from road_extraction.plugin.dock.round_job import Prediction, RoundOutputs
from road_extraction.plugin.dock.round_layers import add_round_layers

from .fake_engine import write_tiles


@pytest.fixture()
def view(project, raster, qtbot) -> QgsLayerTreeView:
    """A layer panel on the project whose current layer is the raster."""
    view = QgsLayerTreeView()
    qtbot.addWidget(view)
    view.setModel(QgsLayerTreeModel(project.layerTreeRoot(), view))  # the view owns it
    view.show()
    view.setCurrentLayer(raster)
    return view


def shown_expanded(view: QgsLayerTreeView, group) -> bool:
    return view.isExpanded(view.node2index(group))


def test_a_rounds_group_shows_expanded(view, project, work_dir, raster, truth_probability,
                                       truth_vectors, tmp_path):
    labels = ensure_label_layers(tmp_path, raster.crs(), road_width_m=6, project=project)
    view.setCurrentLayer(labels.centerlines)  # the label layer is active while drawing
    write_tiles(tmp_path / "tiles.gpkg", 2)
    outputs = RoundOutputs(1, tmp_path / "round_001.pt",
                           (Prediction("image", truth_probability, truth_vectors),),
                           tmp_path / "tiles.gpkg", 2)
    group = add_round_layers(outputs, project, labels_group="Road labels")
    assert shown_expanded(view, group)
    assert project.layerTreeRoot().children().index(group) == 1  # just below the labels


def test_the_label_group_shows_expanded(view, project, raster, tmp_path):
    labels = ensure_label_layers(tmp_path, raster.crs(), road_width_m=6, project=project)
    group = project.layerTreeRoot().findGroup("Road labels")
    assert group is not None and shown_expanded(view, group)
    assert {node.layer().id() for node in group.findLayers()} == \
        {layer.id() for layer in labels.all()}
