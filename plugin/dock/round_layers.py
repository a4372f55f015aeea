"""Adds a finished round's layers to the project, in the group "Roads - round N"."""

from __future__ import annotations

from qgis.core import (
    QgsLayerTree,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from ..layer_tree import insert_expanded
from .common import style_path, tr
from .round_job import Prediction, RoundOutputs

__all__ = ["add_round_layers", "round_group_name"]


def round_group_name(round_index: int) -> str:
    """The layer-tree group of a round."""
    return tr("Roads - round {}").format(round_index)


def _name(what: str, round_index: int, raster: str | None) -> str:
    if raster is None:
        return tr("{} - round {}").format(what, round_index)
    return tr("{} - round {} - {}").format(what, round_index, raster)


def _prediction_layers(prediction: Prediction, round_index: int,
                       raster: str | None) -> list[tuple[QgsMapLayer, str]]:
    roads = str(prediction.roads)
    return [
        (QgsVectorLayer(f"{roads}|layername=centerlines",
                        _name(tr("Predicted centerlines"), round_index, raster), "ogr"),
         "centerlines"),
        (QgsVectorLayer(f"{roads}|layername=roads",
                        _name(tr("Predicted roads"), round_index, raster), "ogr"),
         "road_polygons"),
        (QgsRasterLayer(str(prediction.probability),
                        _name(tr("Road probability"), round_index, raster)), "probability"),
    ]


def _layers(outputs: RoundOutputs) -> list[tuple[QgsMapLayer, str]]:
    several = len(outputs.predictions) > 1
    layers = []
    if outputs.label_next is not None:
        layers.append((QgsVectorLayer(str(outputs.label_next),
                                      _name(tr("Where to label next"), outputs.round_index,
                                            None), "ogr"), "label_next"))
    for prediction in outputs.predictions:
        layers += _prediction_layers(prediction, outputs.round_index,
                                     prediction.name if several else None)
    return layers


def _collapse_older(root: QgsLayerTreeGroup, newest: QgsLayerTreeGroup) -> None:
    prefix = round_group_name(0)[:-1]
    for group in root.findGroups():
        if group is not newest and group.name().startswith(prefix):
            group.setExpanded(False)
            group.setItemVisibilityChecked(False)


def add_round_layers(outputs: RoundOutputs, project: QgsProject,
                     labels_group: str | None = None) -> QgsLayerTreeGroup:
    """Add the round's styled layers (invalid ones are refused) in a new group of their own,
    just below the group ``labels_group`` (else at the top), whatever layer is active; older
    rounds' groups stay, collapsed and hidden.

    Raises
    ------
    OSError
        When an output cannot be opened as a layer.
    """
    layers = _layers(outputs)
    bad = [layer.source() for layer, _ in layers if not layer.isValid()]
    if bad:
        raise OSError(tr("Cannot open the round's output(s): {}").format(", ".join(bad)))
    root = project.layerTreeRoot()
    name = round_group_name(outputs.round_index)
    old = root.findGroup(name)
    if old is not None:  # the same round again (a run folder that was reset)
        root.removeChildNode(old)
    group = QgsLayerTreeGroup(name)
    for layer, style in layers:
        layer.loadNamedStyle(str(style_path(style)))
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    at = next((i + 1 for i, node in enumerate(root.children())
               if QgsLayerTree.isGroup(node) and node.name() == labels_group), 0)
    insert_expanded(root, at, group)
    _collapse_older(root, group)
    return group
