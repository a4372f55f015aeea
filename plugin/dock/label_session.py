"""The dock's label layers: which ones are in use, where they live, their counts, saving
their edits before a round, and moving them beside a project saved since."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsDefaultValue, QgsProject, QgsRasterLayer
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import QMessageBox, QWidget

from .common import tr, work_folder
from .dock_ui import DockUi
from .label_counts import count_labels, round_blockers
from .label_export import export_labels
from .label_layers import LabelLayers, ensure_label_layers, find_label_layers, group_name
from .label_location import labels_note, move_labels
from .label_tools import AreaTool, enable_snapping, start_digitizing
from .round_job import run_model_path

__all__ = ["LabelSession", "ask", "breakable_text"]


def breakable_text(text: str) -> str:
    """Text that a word-wrapped label can break after path separators, underscores, dots
    and hyphens too (zero-width spaces), so a long path does not widen the dock."""
    for mark in ("/", "\\", "_", ".", "-"):
        text = text.replace(mark, mark + "\u200b")
    return text


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question in a dialog; True for yes."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes
                                  | QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class LabelSession(QObject):
    """Owns the label layers the dock works with (``layers``, None before there are any).

    Parameters
    ----------
    project : QgsProject
    ui : DockUi
        Its counts and location labels are kept up to date.
    parent : QWidget
        The dock (parent of the questions).

    ``ask(parent, title, text) -> bool`` asks yes/no questions (a dialog; tests answer).
    """

    changed = pyqtSignal()  # other label layers are in use (or none)
    edited = pyqtSignal()  # the labels changed: counts and warnings are out of date
    message = pyqtSignal(str, object)  # text, Qgis.MessageLevel

    def __init__(self, project: QgsProject, ui: DockUi, parent: QWidget) -> None:
        super().__init__(parent)
        self.project = project
        self.ui = ui
        self.ask: Callable[[Any, str, str], bool] = ask
        self.layers: LabelLayers | None = None
        self.area_tool: AreaTool | None = None
        self._watched: set[str] = set()
        self._saving = False
        self._resume: list[str] = []  # ids of layers to edit again after the export
        project.layersWillBeRemoved.connect(self._layers_removed)

    def close_down(self) -> None:
        """Let go of the project's signals (see RoadDock.close_down) and of the layers."""
        self.project.layersWillBeRemoved.disconnect(self._layers_removed)
        self.layers = None

    # -- where ------------------------------------------------------------------------

    def folder(self) -> Path:
        """The labels' folder, which also holds the rounds; before labels exist, the
        working folder."""
        return self.layers.path.parent if self.layers else work_folder(self.project)

    def run_model(self) -> Path:
        """The model of the run trained on these labels."""
        return run_model_path(self.folder())

    @staticmethod
    def group_name() -> str:
        """The layer-tree group of the label layers."""
        return group_name()

    # -- which layers -----------------------------------------------------------------

    def pick_up(self) -> None:
        """Use the label layers the project holds (a project opened again), if any."""
        found = find_label_layers(self.project)
        if found is not None and (self.layers is None or found.path != self.layers.path):
            self._use(found)

    def create(self, raster: QgsRasterLayer, road_width_m: float) -> LabelLayers | None:
        """The label layers: the project's own if it has some (never a second set),
        otherwise new ones in the working folder, in the raster's CRS."""
        found = self.layers or find_label_layers(self.project)
        try:
            if found is not None:
                layers = self._moved(found)
            else:
                layers = ensure_label_layers(work_folder(self.project), raster.crs(),
                                             road_width_m=road_width_m, project=self.project)
        except OSError as err:
            self.message.emit(str(err), Qgis.MessageLevel.Critical)
            return None
        self._use(layers)
        return layers

    def offer_move(self) -> None:
        """The project was saved somewhere else: offer to move the labels beside it."""
        if self.layers is None:
            return
        try:
            layers = self._moved(self.layers)
        except OSError as err:
            self.message.emit(str(err), Qgis.MessageLevel.Critical)
            return
        self._use(layers)

    def _moved(self, layers: LabelLayers) -> LabelLayers:
        target = work_folder(self.project)
        if layers.path.parent.resolve() == target.resolve():
            return layers
        question = tr("The labels are kept in {}. Move them, and the rounds trained on them, "
                      "to {}?").format(layers.path.parent, target)
        if not self.ask(self.parent(), tr("Road extraction"), question):
            return layers
        problems = self._commit(layers)
        if problems:
            raise OSError(" ".join(problems))
        moved, left = move_labels(layers, target, self.project)
        self.message.emit(tr("The labels and rounds are now in {}").format(target),
                          Qgis.MessageLevel.Info)
        if left:
            self.message.emit(tr("Moved, but these old files could not be removed: {}")
                              .format("; ".join(left)), Qgis.MessageLevel.Warning)
        return moved

    def _use(self, layers: LabelLayers) -> None:
        changed = self.layers is None or layers.path != self.layers.path
        self.layers = layers
        for layer in layers.all():
            if layer.id() in self._watched:
                continue
            self._watched.add(layer.id())
            for signal in (layer.featureAdded, layer.featuresDeleted, layer.geometryChanged,
                           layer.afterCommitChanges, layer.afterRollBack):
                signal.connect(self._edited)
            for signal in (layer.editingStarted, layer.afterCommitChanges,
                           layer.editingStopped):
                signal.connect(self.reopen)
        enable_snapping(self.project, layers.centerlines)
        self.ui.location.setText(breakable_text(labels_note(layers)))
        self.ui.location.setToolTip(str(layers.path))
        if changed:
            self.changed.emit()
        else:
            self.edited.emit()

    def reopen(self, *_: object) -> None:
        """Reopen the label layers that are not being edited.

        QGIS 3.22 (with GDAL >= 3.4.2) reads a GeoPackage layer that is not being edited
        through a read-only handle opened with NOLOCK=ON, and opens the file for editing in
        WAL mode. A NOLOCK handle opened before the file went to WAL cannot read it: once
        one label layer starts editing (the first road or area drawn) or saves its edits,
        the other layers of the file fail every read ("sqlite3_step(... road_polygons ...):
        unable to open database file", featureCount -1) until they read through a handle
        opened since (GDAL honours NOLOCK only on a file that is not in WAL mode).

        QGIS shares one read-only handle among the layers of a file, and a layer reloaded
        alone takes the stale one up again while another layer holds it; so every idle
        layer first moves to an update handle (leaving the stale one, which closes), then
        back to a new read-only handle, and reloads (its feature count is counted again).
        """
        if self.layers is None:
            return
        idle = [layer for layer in self.layers.all() if not layer.isEditable()]
        moved = [layer.dataProvider() for layer in idle
                 if layer.dataProvider().enterUpdateMode()]
        for provider in moved:
            provider.leaveUpdateMode()
        for layer in idle:
            layer.reload()

    def _edited(self, *_: object) -> None:
        if not self._saving:  # counted once all edits are saved, not between two commits
            self.edited.emit()

    def _layers_removed(self, layer_ids: list[str]) -> None:
        """Forget the label layers when one of them leaves the project."""
        if self.layers is not None and {la.id() for la in self.layers.all()} & set(layer_ids):
            self.layers = None
            self.area_tool = None
            self.ui.counts.setText(tr("No label layers yet."))
            self.ui.location.setText("")
            self.changed.emit()

    # -- drawing ----------------------------------------------------------------------

    def set_road_width(self, value: float) -> None:
        """The width new centerlines get."""
        if self.layers is not None:
            layer = self.layers.centerlines
            layer.setDefaultValueDefinition(layer.fields().indexOf("width"),
                                            QgsDefaultValue(repr(float(value))))

    def start_digitizing(self, iface: Any, which: str) -> None:
        """Edit ``centerlines`` or ``polygons`` with QGIS's Add Feature tool."""
        start_digitizing(iface, getattr(self.layers, which))

    def start_area_tool(self, canvas: QgsMapCanvas) -> None:
        """Switch the canvas to the rectangle tool that adds labeled areas."""
        self.area_tool = AreaTool(canvas, self.layers.areas)
        self.area_tool.added.connect(self._edited)
        canvas.setMapTool(self.area_tool)

    # -- counts, saving, export -------------------------------------------------------

    def update_counts(self, raster: QgsRasterLayer | None) -> list[str]:
        """Refresh the counts; return why a round cannot start."""
        if self.layers is None or raster is None:
            return [tr("Create the label layers on a raster first.")]
        counts = count_labels(self.layers, raster, project=self.project)
        self.ui.counts.setText(tr(
            "Labeled area: {:.4f} km² ({} px of {}) · road length: {:.0f} m · "
            "road polygons: {}").format(counts.area_km2, counts.area_px, raster.name(),
                                       counts.road_length_m, counts.road_polygons))
        return round_blockers(counts)

    def _commit(self, layers: LabelLayers) -> list[str]:
        """Save every label layer's edits and leave edit mode (no write handle stays open);
        the layers that were edited are remembered, to edit them again later."""
        self._saving = True
        problems = []
        try:
            for layer in layers.all():
                if not layer.isEditable():
                    continue
                self._resume.append(layer.id())
                if not layer.commitChanges():
                    problems.append(tr("Cannot save the edits of {}: {}").format(
                        layer.name(), "; ".join(layer.commitErrors())))
        finally:
            self._saving = False
        self.edited.emit()
        return problems

    def save_edits(self) -> list[str]:
        """Before a round: save the edits and leave edit mode; return what went wrong."""
        self._resume = []
        return self._commit(self.layers) if self.layers is not None else []

    def export(self, folder: Path, *, road_width_m: float) -> tuple[str, str]:
        """Write the saved labels for the engine (roads, aoi), then edit again the layers
        that were being edited."""
        self.reopen()
        roads, aoi, _ = export_labels(self.layers, folder, road_width_m=road_width_m)
        for layer_id in self._resume:
            layer = self.project.mapLayer(layer_id)
            if layer is not None:
                layer.startEditing()
        self._resume = []
        return roads, aoi
