"""The dock's options, remembered across QGIS sessions in QgsSettings (keys: ..settings).

Remembered for every project, because they are the analyst's habits rather than facts of
one project: the road width, the device (the plugin's one device setting, which the
settings dialog edits too, so it is stored there and not a second time), the profile, the
number of rounds, the Advanced box's options (model to continue from, settings file,
semi-supervised) and whether that box is open.

Not remembered here:

- the raster and the checked training and unlabeled rasters: they are layers of one project
  (layer ids), meaningless in another one; the checked ones are saved in the project file
  instead (project_rasters.py);
- the label layers: the dock takes them up from the project (LabelSession.pick_up);
- the working folder: a setting of the settings dialog already (EngineSettings.work_dir).

A stored value that is no longer valid (unreadable, of the wrong type, out of the widget's
range, a profile or device the dock does not offer, a file that no longer exists) leaves the
default in place and says so in the message log; no dialog, since the user did nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox

from ..settings import (
    DEVICE_PATTERN,
    load_dock_option,
    load_settings,
    save_device,
    save_dock_option,
)
from .common import tr
from .dock_ui import DockUi

__all__ = ["DockOptions", "as_bool", "as_float", "as_int", "as_text"]


def as_float(raw: object) -> float | None:
    """``raw`` (a number, or its text as the INI file gives it back) as a finite float;
    None when it is not one."""
    if isinstance(raw, bool):  # bool is an int to Python, not a width to the user
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:  # not a number: None tells the caller, which logs it
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def as_int(raw: object) -> int | None:
    """``raw`` (an int, or its text) as an int; None when it is not a whole number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:  # not a whole number: None tells the caller, which logs it
            return None
    return None


def as_bool(raw: object) -> bool | None:
    """``raw`` (a bool, or ``true``/``false`` as the INI file writes it) as a bool; None
    otherwise."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    return None


def as_text(raw: object) -> str | None:
    """``raw`` if it is text; None otherwise."""
    return raw if isinstance(raw, str) else None


def _log(text: str) -> None:
    QgsMessageLog.logMessage(text, tr("Road extraction"), Qgis.MessageLevel.Info)


def _not_valid(name: str, raw: object) -> None:
    _log(tr("The remembered dock option {} ({!r}) is not valid here; the default is "
            "used.").format(name, raw))


class DockOptions(QObject):
    """Restores the dock's options when the dock is made and stores each change at once
    (so nothing is lost when QGIS ends without closing the dock)."""

    def __init__(self, ui: DockUi) -> None:
        super().__init__(ui)

    @property
    def ui(self) -> DockUi:
        """The dock's widgets: the parent, not an attribute. Held as an attribute (a
        reference cycle with the ui's wrapper), the dock tests were seen to end with
        another receiver's connection to the project dropped (see RoadDock._connect)."""
        return self.parent()

    # -- restore ----------------------------------------------------------------------

    def restore(self) -> None:
        """Put the remembered options into the widgets; an invalid one keeps its default.

        Call it before watch(), so that restoring does not store the values again.
        """
        ui = self.ui
        ui.device.setCurrentText(load_settings().device)  # invalid: auto (settings.py)
        self._restore_number("road_width_m", as_float, ui.road_width)
        self._restore_number("rounds", as_int, ui.rounds)
        self._restore_choice("profile", ui.profile)
        self._restore_flag("semi_supervised", ui.semi_supervised.setChecked)
        self._restore_file("init_model", ui.init_model)
        self._restore_file("config", ui.config)
        self._restore_flag("advanced_open", self._set_advanced_open)
        if self.advanced_in_use():
            # A model to continue from or a settings file changes every round: remembered
            # from another project, it must not hide in a collapsed box.
            self._set_advanced_open(True)

    def advanced_in_use(self) -> bool:
        """True when an option of the Advanced box is not its default."""
        ui = self.ui
        return bool(ui.init_model.filePath() or ui.config.filePath()
                    or ui.semi_supervised.isChecked())

    def _set_advanced_open(self, open_: bool) -> None:
        self.ui.advanced.setCollapsed(not open_)

    def _restore_number(self, name: str, parse: Callable[[object], float | None],
                        spin: QDoubleSpinBox | QSpinBox) -> None:
        raw = load_dock_option(name)
        if raw is None:
            return
        value = parse(raw)
        if value is None or not spin.minimum() <= value <= spin.maximum():
            _not_valid(name, raw)  # setValue would clamp it: the default is less surprising
            return
        spin.setValue(value)

    def _restore_choice(self, name: str, combo: QComboBox) -> None:
        raw = load_dock_option(name)
        if raw is None:
            return
        index = combo.findData(as_text(raw))
        if index < 0:
            _not_valid(name, raw)
            return
        combo.setCurrentIndex(index)

    def _restore_flag(self, name: str, apply: Callable[[bool], None]) -> None:
        raw = load_dock_option(name)
        if raw is None:
            return
        value = as_bool(raw)
        if value is None:
            _not_valid(name, raw)
            return
        apply(value)

    def _restore_file(self, name: str, widget: QgsFileWidget) -> None:
        raw = load_dock_option(name)
        path = as_text(raw)
        if raw is None or path == "":
            return
        if path is None:
            _not_valid(name, raw)
            return
        if not Path(path).is_file():
            _log(tr("The remembered file {} no longer exists; it is not restored.")
                 .format(path))
            return
        widget.setFilePath(path)

    # -- store ------------------------------------------------------------------------

    def watch(self) -> None:
        """Store every later change of an option."""
        ui = self.ui
        ui.road_width.valueChanged.connect(self._road_width_changed)
        ui.rounds.valueChanged.connect(self._rounds_changed)
        ui.profile.currentIndexChanged.connect(self._profile_changed)
        ui.device.currentTextChanged.connect(self._device_changed)
        ui.semi_supervised.toggled.connect(self._semi_supervised_changed)
        ui.init_model.fileChanged.connect(self._init_model_changed)
        ui.config.fileChanged.connect(self._config_changed)
        ui.advanced.collapsedStateChanged.connect(self._advanced_collapsed)

    # Bound methods rather than lambdas: a lambda capturing the ui would keep it alive
    # through its own signals (see RoadDock._connect).

    def _road_width_changed(self, value: float) -> None:
        save_dock_option("road_width_m", float(value))

    def _rounds_changed(self, value: int) -> None:
        save_dock_option("rounds", int(value))

    def _profile_changed(self, _index: int) -> None:
        save_dock_option("profile", self.ui.profile.currentData())

    def _device_changed(self, text: str) -> None:
        # The combo is editable: "cu" on the way to "cuda" is not stored.
        device = text.strip()
        if DEVICE_PATTERN.match(device):
            save_device(device)

    def _semi_supervised_changed(self, on: bool) -> None:
        save_dock_option("semi_supervised", bool(on))

    def _init_model_changed(self, path: str) -> None:
        save_dock_option("init_model", path.strip())

    def _config_changed(self, path: str) -> None:
        save_dock_option("config", path.strip())

    def _advanced_collapsed(self, collapsed: bool) -> None:
        save_dock_option("advanced_open", not collapsed)
