"""Drawing with QGIS's own digitizing: edit the right layer, snapping, a rectangle tool."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsSnappingConfig,
    QgsTolerance,
    QgsVectorLayer,
)
from qgis.gui import QgsMapCanvas, QgsMapToolExtent
from qgis.PyQt.QtCore import pyqtSignal

from .common import tr

__all__ = ["AreaTool", "add_rectangle", "enable_snapping", "start_digitizing"]

#: Snapping distance in screen pixels.
SNAP_TOLERANCE_PX = 12


def enable_snapping(project: QgsProject, layer: QgsVectorLayer) -> None:
    """Snap new vertices to the vertices and segments of ``layer`` (the road centerlines)."""
    config = QgsSnappingConfig(project.snappingConfig())
    config.setEnabled(True)
    config.setMode(QgsSnappingConfig.SnappingMode.AdvancedConfiguration)
    settings = QgsSnappingConfig.IndividualLayerSettings(
        True, QgsSnappingConfig.SnappingTypes.VertexFlag
        | QgsSnappingConfig.SnappingTypes.SegmentFlag, SNAP_TOLERANCE_PX,
        QgsTolerance.UnitType.Pixels, 0.0, 0.0)
    config.setIndividualLayerSettings(layer, settings)
    project.setSnappingConfig(config)


def start_digitizing(iface: Any, layer: QgsVectorLayer) -> None:
    """Start editing ``layer``, make it active and switch to QGIS's add-feature tool."""
    if not layer.isEditable():
        layer.startEditing()
    iface.setActiveLayer(layer)
    iface.actionAddFeature().trigger()


def add_rectangle(layer: QgsVectorLayer, rectangle: QgsRectangle) -> bool:
    """Add ``rectangle`` (in the layer's CRS) as a feature, in the layer's edit buffer."""
    if rectangle.isEmpty():
        return False
    if not layer.isEditable():
        layer.startEditing()
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromRect(rectangle))
    return layer.addFeature(feature)


class AreaTool(QgsMapToolExtent):
    """Drag a rectangle on the canvas; it becomes a labeled-area polygon."""

    added = pyqtSignal()

    def __init__(self, canvas: QgsMapCanvas, layer: QgsVectorLayer) -> None:
        super().__init__(canvas)
        self.layer = layer
        self.setToolName(tr("Labeled area"))
        self.extentChanged.connect(self._on_extent)

    def _on_extent(self, extent: QgsRectangle) -> None:
        rectangle = self.toLayerCoordinates(self.layer, extent)
        if add_rectangle(self.layer, rectangle):
            self.layer.triggerRepaint()
            self.added.emit()
        self.clearRubberBand()
