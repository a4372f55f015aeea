"""A checkable list of the project's image rasters with a filter line edit."""

from __future__ import annotations

from qgis.core import QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from .image_layers import image_rasters

__all__ = ["RasterList"]

#: Rows the list shows before it scrolls.
VISIBLE_ROWS = 3


class RasterList(QWidget):
    """Lists the project's image rasters (not the plugin's probability outputs); the checked
    ones are the selection."""

    checked = pyqtSignal(str)  # the id of a layer the user has just checked
    selection_changed = pyqtSignal()  # a layer was checked or unchecked (not by refresh)

    def __init__(self, project: QgsProject, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        row_px = self.list.fontMetrics().height() + 4
        self.list.setMaximumHeight(row_px * VISIBLE_ROWS + 2 * self.list.frameWidth())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._apply_filter)
        self.list.itemChanged.connect(self._item_changed)
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
        self.list.blockSignals(True)
        self.list.clear()
        for layer in image_rasters(self.project):
            item = QListWidgetItem(layer.name())
            item.setData(Qt.ItemDataRole.UserRole, layer.id())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.id() in checked
                               else Qt.CheckState.Unchecked)
            item.setToolTip(layer.source())
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())

    def _item_changed(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked:
            self.checked.emit(item.data(Qt.ItemDataRole.UserRole))
        self.selection_changed.emit()

    def _apply_filter(self, text: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(text) and text.lower() not in item.text().lower())

    def ids(self) -> list[str]:
        """Ids of the listed layers, in list order."""
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.list.count())]

    def checked_ids(self) -> list[str]:
        """Ids of the checked layers, in list order."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items
                if i.checkState() == Qt.CheckState.Checked]

    def checked_layers(self) -> list[QgsRasterLayer]:
        """The checked raster layers still in the project."""
        layers = (self.project.mapLayer(i) for i in self.checked_ids())
        return [layer for layer in layers if layer is not None]

    def set_checked(self, layer_ids: list[str]) -> None:
        """Check exactly these layers."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked
                               if item.data(Qt.ItemDataRole.UserRole) in layer_ids
                               else Qt.CheckState.Unchecked)

    def uncheck(self, layer_id: str) -> None:
        """Uncheck one layer (it was checked in the other list)."""
        self.set_checked([i for i in self.checked_ids() if i != layer_id])
