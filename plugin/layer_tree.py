"""Layer-tree groups that QGIS's layer panel shows as the code left them."""

from __future__ import annotations

from qgis.core import QgsLayerTreeGroup, QgsLayerTreeNode

__all__ = ["insert_expanded", "show_expanded"]


def show_expanded(node: QgsLayerTreeNode) -> None:
    """Make the layer tree views show ``node`` expanded.

    A view only follows a node's expandedChanged signal, and setExpanded(True) on a node that
    is expanded already emits none; a group that got its children after it was inserted was
    seen collapsed in QGIS's layer panel while the node said expanded. Toggling makes every
    view follow.
    """
    node.setExpanded(False)
    node.setExpanded(True)


def insert_expanded(parent: QgsLayerTreeGroup, index: int,
                    group: QgsLayerTreeGroup) -> QgsLayerTreeGroup:
    """Insert a group that already holds its layers, and show it expanded."""
    parent.insertChildNode(index, group)
    show_expanded(group)
    return group
