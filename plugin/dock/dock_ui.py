"""The dock's widgets, laid out; no behaviour (dock_widget.py wires them).

Everything fits the dock's default width (DEFAULT_WIDTH_PX) in English and German: lists
and file fields sit below their label, other form rows put their label above the field
when both do not fit side by side, the button rows hold at most two buttons, and the rarely
used inputs wait in a collapsed "Advanced" box.
"""

from __future__ import annotations

from qgis.core import QgsMapLayerProxyModel, QgsProject
from qgis.gui import (
    QgsCollapsibleGroupBoxBasic,
    QgsDoubleSpinBox,
    QgsFileWidget,
    QgsMapLayerComboBox,
)
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .common import dock_icon, tr
from .metrics_plot import MetricsPlot
from .raster_list import RasterList

__all__ = ["DEFAULT_WIDTH_PX", "DockUi", "WheelGuard"]

#: Road width (m) of new centerlines.
DEFAULT_ROAD_WIDTH_M = 6.0
#: The dock's width when QGIS first shows it (QGIS's right dock area opened it at 298 px).
DEFAULT_WIDTH_PX = 300
#: Margins (px) around the boxes and inside them: Qt's defaults (9-11 px) cost the fields
#: 40 px of a 300 px dock.
MARGIN_PX = 4


def _button(text: str, icon: str | None = None, tip: str | None = None) -> QPushButton:
    button = QPushButton(dock_icon(icon), text) if icon else QPushButton(text)
    if tip:
        button.setToolTip(tip)
    return button


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _stacked(form: QFormLayout, label: str, field: QWidget) -> None:
    """A row whose label sits above its field, both the form's whole width; the label wraps
    (German's "Einstellungsdatei (JSON oder TOML)" is wider than the dock)."""
    text = QLabel(label)
    text.setWordWrap(True)
    form.addRow(text)
    form.addRow(field)


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class WheelGuard(QObject):
    """Turning the mouse wheel over a combo or spin box that does not have the focus scrolls
    the dock instead of changing the box's value (which the dock would then remember): a
    pointer passing over the Device box while scrolling made it cuda. The boxes take the
    focus by a click or the Tab key only (StrongFocus, not the wheel); once focused, the
    wheel changes them as usual."""

    def guard(self, widget: QWidget) -> None:
        """Apply to ``widget`` (a QComboBox or a QAbstractSpinBox)."""
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt hook
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():
            return False
        area = _scroll_area_of(watched)
        if area is not None:  # scroll what holds the box, as over any other widget
            QCoreApplication.sendEvent(area.viewport(), event)
        return True  # never to the box


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds ``widget``, if any."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None


class DockUi(QWidget):
    """Three boxes: Labels, Rounds, Results; and ``run_panel``, the buttons that start and
    cancel rounds with their progress, which the dock pins below the boxes' scroll area so
    that they are always in sight."""

    def __init__(self, project: QgsProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX)
        layout.addWidget(self._labels_box())
        layout.addWidget(self._rounds_box(project))
        layout.addWidget(self._results_box())
        layout.addStretch(1)
        self.run_panel = self._run_panel()
        self.wheel_guard = WheelGuard(self)
        for widget in (*self.findChildren(QComboBox), *self.findChildren(QAbstractSpinBox),
                       *self.run_panel.findChildren(QAbstractSpinBox)):
            self.wheel_guard.guard(widget)

    def _labels_box(self) -> QGroupBox:
        box = QGroupBox(tr("Labels"))
        form = _form(box)
        self.raster = QgsMapLayerComboBox()
        self.raster.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.raster.setMinimumContentsLength(8)
        self.raster.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        form.addRow(tr("Raster"), self.raster)
        # The dock sets its tooltip (what it does, or why it is disabled) and the note
        # under it (why it is disabled).
        self.first_guess = _button(tr("First guess"), "roads")
        form.addRow(self.first_guess)
        self.first_guess_note = _note()
        self.first_guess_note.setStyleSheet("color: palette(mid);")
        self.first_guess_note.hide()
        form.addRow(self.first_guess_note)
        self.road_width = QgsDoubleSpinBox()
        self.road_width.setRange(0.5, 100.0)
        self.road_width.setValue(DEFAULT_ROAD_WIDTH_M)
        self.road_width.setSuffix(" m")
        form.addRow(tr("Road width"), self.road_width)
        self.create_layers = _button(tr("Create label layers"), "dock")
        form.addRow(self.create_layers)
        grid = QGridLayout()
        self.draw_roads = _button(tr("Roads"), "label_road",
                                  tr("Draw road centerlines (QGIS's Add Feature tool)"))
        self.draw_polygons = _button(tr("Road polygons"), None,
                                     tr("Draw road polygons (QGIS's Add Feature tool)"))
        self.draw_area = _button(tr("Labeled area"), "label_area",
                                 tr("Drag a rectangle: inside it, what is not road is "
                                    "background"))
        grid.addWidget(self.draw_roads, 0, 0)
        grid.addWidget(self.draw_polygons, 0, 1)
        grid.addWidget(self.draw_area, 1, 0, 1, 2)
        form.addRow(grid)
        self.counts = _note(tr("No label layers yet."))
        form.addRow(self.counts)
        self.location = _note()
        self.location.setStyleSheet("color: palette(mid);")
        form.addRow(self.location)
        self.warning = _note()
        self.warning.setStyleSheet("color: #b00000;")
        self.warning.hide()
        form.addRow(self.warning)
        return box

    def show_warning(self, lines: list[str]) -> None:
        """Show why a round cannot start; nothing (and no blank space) when it can."""
        self.warning.setText("\n".join(lines))
        self.warning.setVisible(bool(lines))

    def show_first_guess_note(self, text: str | None) -> None:
        """Say under First guess why it is disabled; nothing when it is not."""
        self.first_guess_note.setText(text or "")
        self.first_guess_note.setVisible(bool(text))

    def show_failure(self, text: str | None) -> None:
        """Show why the last round (or first guess) failed, until the next one starts."""
        self.failure.setText(text or "")
        self.failure.setVisible(bool(text))

    def _rounds_box(self, project: QgsProject) -> QGroupBox:
        box = QGroupBox(tr("Rounds"))
        form = _form(box)
        self.training = RasterList(project, tr("Filter"))
        _stacked(form, tr("Training rasters"), self.training)
        self.unlabeled = RasterList(project, tr("Filter"))
        self.unlabeled_label = _note()
        form.addRow(self.unlabeled_label)
        form.addRow(self.unlabeled)
        self.device = QComboBox()
        self.device.setEditable(True)
        self.device.addItems(["auto", "cpu", "cuda"])  # its value: DockOptions.restore
        form.addRow(tr("Device"), self.device)
        self.profile = QComboBox()
        self.profile.addItem(tr("fast (CPU)"), "fast")
        self.profile.addItem(tr("full (GPU)"), "full")
        form.addRow(tr("Profile"), self.profile)
        form.addRow(self._advanced_box())
        self.show_semi_supervised(self.semi_supervised.isChecked())
        return box

    def _run_panel(self) -> QWidget:
        """Train round, Run N rounds, the progress bar, the stage, why a round failed and
        Cancel: not in the scrolled boxes (the dock pins them, see RoadDock)."""
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(2 * MARGIN_PX, MARGIN_PX, 2 * MARGIN_PX, MARGIN_PX)
        layout.addLayout(self._buttons())
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.stage = _note(tr("Idle"))
        self.failure = _note()
        self.failure.setStyleSheet("color: #b00000;")
        self.failure.hide()
        self.cancel = _button(tr("Cancel"))
        self.cancel.setEnabled(False)
        for widget in (self.progress, self.stage, self.failure, self.cancel):
            layout.addWidget(widget)
        return panel

    def _advanced_box(self) -> QgsCollapsibleGroupBoxBasic:
        box = QgsCollapsibleGroupBoxBasic(tr("Advanced"))
        form = _form(box)
        self.init_model = QgsFileWidget()
        self.init_model.setFilter(tr("Road model (*.pt)"))
        _stacked(form, tr("Continue from model"), self.init_model)
        self.config = QgsFileWidget()
        self.config.setFilter(tr("Settings (*.json *.toml)"))
        _stacked(form, tr("Settings file (JSON or TOML)"), self.config)
        self.semi_supervised = QCheckBox(tr("Semi-supervised"))
        form.addRow(self.semi_supervised)
        form.addRow(_note(tr(
            "Also learn from the unlabeled rasters and the unlabeled parts of the training "
            "rasters: from the second round, pseudo-labels of their most consistent tiles. "
            "Off by default: in the project's benchmark its gain was within the spread (see "
            "the README).")))
        self.advanced = box
        box.setCollapsed(True)
        return box

    def show_semi_supervised(self, on: bool) -> None:
        """Say what the unlabeled rasters are for: predicted every round, and trained on
        only with semi-supervised training."""
        self.unlabeled_label.setText(
            tr("Unlabeled rasters (predicted and learned from)") if on else
            tr("Unlabeled rasters (predicted only; to learn from them, see Advanced)"))

    def _buttons(self) -> QGridLayout:
        grid = QGridLayout()
        self.train = _button(tr("Train round"), "train_round", tr("Train one round"))
        self.rounds = QSpinBox()
        self.rounds.setRange(1, 20)
        self.rounds.setValue(3)
        self.rounds.setSuffix(tr(" rounds"))
        self.run_rounds = _button(tr("Run"), None,
                                  tr("Train this many rounds, one after the other"))
        grid.addWidget(self.train, 0, 0, 1, 2)
        grid.addWidget(self.run_rounds, 1, 0)
        grid.addWidget(self.rounds, 1, 1)
        return grid

    def _results_box(self) -> QGroupBox:
        box = QGroupBox(tr("Results"))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX)
        layout.addWidget(_note(tr("Validation scores per round")))
        self.plot = MetricsPlot()
        layout.addWidget(self.plot)
        self.scores = _note()
        layout.addWidget(self.scores)
        self.use_model = _button(tr("Extract roads…"), "roads",
                                 tr("Open Extract roads with the run's best model and the "
                                    "raster above"))
        self.use_model.setEnabled(False)
        layout.addWidget(self.use_model)
        return box
