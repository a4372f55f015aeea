"""Adds a finished round's layers to the project, in the group "Roads - round N", and a first
guess's in "First guess (base model, no labels) - <raster>"."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import (
    QgsLayerTree,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from ..layer_styles import CENTERLINES_STYLE, PROBABILITY_STYLE, ROADS_STYLE, apply_style
from ..layer_tree import insert_expanded
from .common import tr
from .round_job import Prediction, RoundOutputs

__all__ = ["add_first_guess_layers", "add_round_layers", "first_guess_group_name",
           "round_group_name", "show_round"]


def round_group_name(round_index: int) -> str:
    """The layer-tree group of a round."""
    return tr("Roads - round {}").format(round_index)


def first_guess_group_name(raster: str) -> str:
    """The layer-tree group of the base model's first guess on ``raster``."""
    return tr("First guess (base model, no labels) - {}").format(raster)


def _name(what: str, round_index: int, raster: str | None) -> str:
    if raster is None:
        return tr("{} - round {}").format(what, round_index)
    return tr("{} - round {} - {}").format(what, round_index, raster)


def _first_guess_name(what: str) -> str:
    return tr("{} - first guess").format(what)


def _prediction_layers(prediction: Prediction,
                       name: Callable[[str], str]) -> list[tuple[QgsMapLayer, str]]:
    roads = str(prediction.roads)
    return [
        (QgsVectorLayer(f"{roads}|layername=centerlines", name(tr("Predicted centerlines")),
                        "ogr"), CENTERLINES_STYLE),
        (QgsVectorLayer(f"{roads}|layername=roads", name(tr("Predicted roads")), "ogr"),
         ROADS_STYLE),
        (QgsRasterLayer(str(prediction.probability), name(tr("Road probability"))),
         PROBABILITY_STYLE),
    ]


def _layers(outputs: RoundOutputs) -> list[tuple[QgsMapLayer, str]]:
    several = len(outputs.predictions) > 1
    layers = []
    if outputs.label_next is not None:
        layers.append((QgsVectorLayer(str(outputs.label_next),
                                      _name(tr("Where to label next"), outputs.round_index,
                                            None), "ogr"), "label_next"))
    for prediction in outputs.predictions:
        raster = prediction.name if several else None
        layers += _prediction_layers(
            prediction, lambda what, r=raster: _name(what, outputs.round_index, r))
    return layers


def _collapse_older(root: QgsLayerTreeGroup, newest: QgsLayerTreeGroup) -> None:
    prefix = round_group_name(0)[:-1]
    for group in root.findGroups():
        if group is not newest and group.name().startswith(prefix):
            group.setExpanded(False)
            group.setItemVisibilityChecked(False)


def _add_group(name: str, layers: list[tuple[QgsMapLayer, str]], project: QgsProject,
               labels_group: str | None) -> QgsLayerTreeGroup:
    """The styled ``layers`` in a new group ``name`` (replacing one of that name) just below
    the group ``labels_group`` (else at the top)."""
    root = project.layerTreeRoot()
    old = root.findGroup(name)
    if old is not None:
        root.removeChildNode(old)
    group = QgsLayerTreeGroup(name)
    for layer, style in layers:
        apply_style(layer, style)
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    at = next((i + 1 for i, node in enumerate(root.children())
               if QgsLayerTree.isGroup(node) and node.name() == labels_group), 0)
    insert_expanded(root, at, group)
    return group


def _refuse_invalid(layers: list[tuple[QgsMapLayer, str]], message: str) -> None:
    bad = [layer.source() for layer, _ in layers if not layer.isValid()]
    if bad:
        raise OSError(message.format(", ".join(bad)))


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
    _refuse_invalid(layers, tr("Cannot open the round's output(s): {}"))
    # The same round again (a run folder that was reset) replaces its group.
    group = _add_group(round_group_name(outputs.round_index), layers, project, labels_group)
    _collapse_older(root=project.layerTreeRoot(), newest=group)
    return group


def show_round(project: QgsProject, round_index: int) -> bool:
    """Show the group of round ``round_index`` (checked, expanded) and hide every other
    round's (unchecked, collapsed): after a round that did worse than an earlier one, the map
    shows the round the run keeps, whose model Extract uses. False, changing nothing, when
    that round has no group (the user removed it)."""
    root = project.layerTreeRoot()
    group = root.findGroup(round_group_name(round_index))
    if group is None:
        return False
    group.setItemVisibilityChecked(True)
    group.setExpanded(True)
    _collapse_older(root=root, newest=group)
    return True


def add_first_guess_layers(prediction: Prediction, project: QgsProject,
                           labels_group: str | None = None) -> QgsLayerTreeGroup:
    """Add the base model's first guess on one raster (probability, roads, centerlines,
    styled as a round's) in the group first_guess_group_name(raster), just below the group
    ``labels_group`` (else at the top); an earlier first guess of the raster is replaced.

    Raises
    ------
    OSError
        When an output cannot be opened as a layer.
    """
    layers = _prediction_layers(prediction, _first_guess_name)
    _refuse_invalid(layers, tr("Cannot open the first guess's output(s): {}"))
    return _add_group(first_guess_group_name(prediction.name), layers, project, labels_group)
