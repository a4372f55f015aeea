"""The dock's widgets, laid out; no behaviour (dock_widget.py wires them)."""

from __future__ import annotations

from qgis.core import QgsMapLayerProxyModel, QgsProject
from qgis.gui import QgsDoubleSpinBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..settings import load_settings
from .common import dock_icon, tr
from .metrics_plot import MetricsPlot
from .raster_list import RasterList

__all__ = ["DockUi"]

#: Road width (m) of new centerlines.
DEFAULT_ROAD_WIDTH_M = 6.0


def _button(text: str, icon: str | None = None) -> QPushButton:
    button = QPushButton(dock_icon(icon), text) if icon else QPushButton(text)
    return button


class DockUi(QWidget):
    """Three boxes: Labels, Rounds, Results."""

    def __init__(self, project: QgsProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self._labels_box())
        layout.addWidget(self._rounds_box(project))
        layout.addWidget(self._results_box())
        layout.addStretch(1)

    def _labels_box(self) -> QGroupBox:
        box = QGroupBox(tr("Labels"))
        form = QFormLayout(box)
        self.raster = QgsMapLayerComboBox()
        self.raster.setFilters(QgsMapLayerProxyModel.RasterLayer)
        form.addRow(tr("Raster"), self.raster)
        self.road_width = QgsDoubleSpinBox()
        self.road_width.setRange(0.5, 100.0)
        self.road_width.setValue(DEFAULT_ROAD_WIDTH_M)
        self.road_width.setSuffix(" m")
        form.addRow(tr("Road width"), self.road_width)
        self.create_layers = _button(tr("Create label layers"), "dock")
        form.addRow(self.create_layers)
        row = QHBoxLayout()
        self.draw_roads = _button(tr("Roads"), "label_road")
        self.draw_polygons = _button(tr("Road polygons"))
        self.draw_area = _button(tr("Labeled area"), "label_area")
        for button in (self.draw_roads, self.draw_polygons, self.draw_area):
            row.addWidget(button)
        form.addRow(row)
        self.counts = QLabel(tr("No label layers yet."))
        self.counts.setWordWrap(True)
        form.addRow(self.counts)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00000;")
        form.addRow(self.warning)
        return box

    def _rounds_box(self, project: QgsProject) -> QGroupBox:
        box = QGroupBox(tr("Rounds"))
        form = QFormLayout(box)
        self.training = RasterList(project, tr("Filter training rasters"))
        form.addRow(tr("Training rasters"), self.training)
        self.unlabeled = RasterList(project, tr("Filter unlabeled rasters"))
        form.addRow(tr("Unlabeled rasters"), self.unlabeled)
        self.device = QComboBox()
        self.device.setEditable(True)
        self.device.addItems(["auto", "cpu", "cuda"])
        self.device.setCurrentText(load_settings().device)
        form.addRow(tr("Device"), self.device)
        self.profile = QComboBox()
        self.profile.addItem(tr("fast (CPU)"), "fast")
        self.profile.addItem(tr("full (GPU)"), "full")
        form.addRow(tr("Profile"), self.profile)
        self.init_model = QgsFileWidget()
        self.init_model.setFilter(tr("Road model (*.pt)"))
        form.addRow(tr("Continue from model"), self.init_model)
        self.config = QgsFileWidget()
        self.config.setFilter(tr("Settings (*.json *.toml)"))
        form.addRow(tr("Settings file (advanced)"), self.config)
        self._buttons_row(form)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.stage = QLabel(tr("Idle"))
        self.stage.setWordWrap(True)
        self.cancel = _button(tr("Cancel"))
        self.cancel.setEnabled(False)
        form.addRow(self.progress)
        form.addRow(self.stage)
        form.addRow(self.cancel)
        return box

    def _buttons_row(self, form: QFormLayout) -> None:
        row = QHBoxLayout()
        self.train = _button(tr("Train round"), "train_round")
        self.rounds = QSpinBox()
        self.rounds.setRange(1, 20)
        self.rounds.setValue(3)
        self.run_rounds = _button(tr("Run N rounds"))
        row.addWidget(self.train)
        row.addWidget(self.rounds)
        row.addWidget(self.run_rounds)
        form.addRow(row)

    def _results_box(self) -> QGroupBox:
        box = QGroupBox(tr("Results"))
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel(tr("Validation scores per round")))
        self.plot = MetricsPlot()
        layout.addWidget(self.plot)
        self.scores = QLabel()
        self.scores.setWordWrap(True)
        layout.addWidget(self.scores)
        self.use_model = _button(tr("Use this model for Extract"), "roads")
        self.use_model.setEnabled(False)
        layout.addWidget(self.use_model)
        return box
