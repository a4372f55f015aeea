"""A checkable list of the project's raster layers with a filter line edit."""

from __future__ import annotations

from qgis.core import QgsMapLayer, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

__all__ = ["RasterList"]


class RasterList(QWidget):
    """Lists the project's rasters; the checked ones are the selection."""

    def __init__(self, project: QgsProject, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setMaximumHeight(64)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._apply_filter)
        project.layersAdded.connect(self.refresh)
        project.layersRemoved.connect(self.refresh)
        self.refresh()

    def close_down(self) -> None:
        """Let go of the project's signals (see RoadDock.close_down)."""
        self.project.layersAdded.disconnect(self.refresh)
        self.project.layersRemoved.disconnect(self.refresh)

    def refresh(self, *_: object) -> None:
        """Rebuild the list from the project, keeping what was checked."""
        checked = set(self.checked_ids())
        self.list.clear()
        for layer in self.project.mapLayers().values():
            if layer.type() != QgsMapLayer.RasterLayer or layer.providerType() != "gdal":
                continue
            item = QListWidgetItem(layer.name())
            item.setData(Qt.UserRole, layer.id())
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if layer.id() in checked else Qt.Unchecked)
            item.setToolTip(layer.source())
            self.list.addItem(item)
        self._apply_filter(self.filter.text())

    def _apply_filter(self, text: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(text) and text.lower() not in item.text().lower())

    def checked_ids(self) -> list[str]:
        """Ids of the checked layers, in list order."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return [i.data(Qt.UserRole) for i in items if i.checkState() == Qt.Checked]

    def checked_layers(self) -> list[QgsRasterLayer]:
        """The checked raster layers still in the project."""
        layers = (self.project.mapLayer(i) for i in self.checked_ids())
        return [layer for layer in layers if layer is not None]

    def set_checked(self, layer_ids: list[str]) -> None:
        """Check exactly these layers."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in layer_ids
                               else Qt.Unchecked)
