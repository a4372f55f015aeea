"""Adds a finished round's layers to the project, in the group "Roads - round N"."""

from __future__ import annotations

from qgis.core import QgsLayerTreeGroup, QgsMapLayer, QgsProject, QgsRasterLayer, QgsVectorLayer

from .common import style_path, tr
from .round_job import RoundOutputs

__all__ = ["add_round_layers", "round_group_name"]


def round_group_name(round_index: int) -> str:
    """The layer-tree group of a round."""
    return tr("Roads - round {}").format(round_index)


def _layers(outputs: RoundOutputs) -> list[tuple[QgsMapLayer, str]]:
    roads = str(outputs.roads)
    layers = [
        (QgsVectorLayer(f"{roads}|layername=centerlines", tr("centerlines"), "ogr"),
         "centerlines"),
        (QgsVectorLayer(f"{roads}|layername=roads", tr("road polygons"), "ogr"),
         "road_polygons"),
        (QgsRasterLayer(str(outputs.probability), tr("road probability")), "probability"),
    ]
    if outputs.label_next is not None:
        layers.insert(0, (QgsVectorLayer(str(outputs.label_next), tr("where to label next"),
                                         "ogr"), "label_next"))
    return layers


def _collapse_older(root: QgsLayerTreeGroup, newest: QgsLayerTreeGroup) -> None:
    prefix = round_group_name(0)[:-1]
    for group in root.findGroups():
        if group is not newest and group.name().startswith(prefix):
            group.setExpanded(False)
            group.setItemVisibilityChecked(False)


def add_round_layers(outputs: RoundOutputs, project: QgsProject) -> QgsLayerTreeGroup:
    """Add the round's styled layers (invalid ones are refused) in a new group under the
    labels; older rounds' groups stay, collapsed and hidden.

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
    labels_at = 1 if root.findGroup(tr("Road labels")) is not None else 0
    group = root.insertGroup(labels_at, name)
    for layer, style in layers:
        layer.loadNamedStyle(str(style_path(style)))
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    group.setExpanded(True)
    _collapse_older(root, group)
    return group
