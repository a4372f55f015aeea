"""Puts the layers an algorithm loads when it finishes into a group of their own, whatever
layer is active (QGIS adds new layers next to the active one, e.g. into "Road labels"),
styled as the dock styles its layers and named as the algorithm asks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from qgis.core import (
    QgsLayerTree,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProject,
)
from qgis.PyQt import sip

from ..layer_styles import apply_style
from ..layer_tree import insert_expanded, show_expanded

__all__ = ["OutputGroup", "group_outputs"]


class OutputGroup(QgsProcessingLayerPostProcessorInterface):
    """Moves a loaded output layer into the top-level group ``name`` (made at the top), and
    gives it the plugin's style ``style`` (resources/styles/<style>.qml) when there is one."""

    # Lifetime, as seen in QGIS 3.22: the processing context deletes the post-processors it
    # holds when it is destroyed (so each output needs its own: a shared one was deleted
    # twice and crashed), yet it does not keep their Python side alive (an unreferenced one
    # was called as the bare C++ interface). So the Python objects stay here, owned by C++,
    # until C++ has deleted them.
    _alive: ClassVar[list[OutputGroup]] = []

    def __init__(self, name: str, style: str | None = None) -> None:
        super().__init__()
        self.name = name
        self.style = style

    @classmethod
    def for_one_output(cls, name: str, style: str | None = None) -> OutputGroup:
        """A new post-processor, kept alive until the context deletes it."""
        cls._alive = [p for p in cls._alive if not sip.isdeleted(p)]
        processor = cls(name, style)
        sip.transferto(processor, None)  # the context deletes it, not Python
        cls._alive.append(processor)
        return processor

    def postProcessLayer(self, layer: QgsMapLayer, context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> None:
        """Main thread, after Processing added ``layer`` to the project (and gave it
        Processing's default style, which ours replaces)."""
        if self.style is not None:
            apply_style(layer, self.style)
        project = context.project() or QgsProject.instance()
        root = project.layerTreeRoot()
        node = root.findLayer(layer.id())
        if node is None:
            return
        group = next((g for g in root.children()
                      if QgsLayerTree.isGroup(g) and g.name() == self.name), None)
        # The copy goes in before the original leaves: a layer that leaves the tree
        # altogether is removed from the project.
        if group is None:
            group = QgsLayerTreeGroup(self.name)
            group.addChildNode(node.clone())
            insert_expanded(root, 0, group)
        else:
            group.addChildNode(node.clone())
            show_expanded(group)
        node.parent().removeChildNode(node)


def group_outputs(context: QgsProcessingContext, outputs: list[str], name: str,
                  styles: Mapping[str, str] | None = None,
                  layer_names: Mapping[str, tuple[str, str]] | None = None) -> None:
    """Have the outputs (destination ids or paths) that load on completion go to the group
    ``name``, styled by ``styles`` (output -> style name) and named by ``layer_names``
    (output -> (Processing's default name, the name instead)): only a layer that would get
    the default name is renamed, so a name chosen elsewhere (a model's output) stays, and
    Processing's setting to name layers after their files still wins. Call it from
    postProcessAlgorithm (the main thread, the final context)."""
    styles, layer_names = styles or {}, layer_names or {}
    for output in outputs:
        if output and context.willLoadLayerOnCompletion(output):
            details = context.layerToLoadOnCompletionDetails(output)
            default, instead = layer_names.get(output, (None, None))
            if instead is not None and details.name in ("", default):
                details.name = instead
            details.setPostProcessor(OutputGroup.for_one_output(name, styles.get(output)))
