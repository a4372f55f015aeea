"""The settings dialog: engine interpreter, device and working folder (GUI only)."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsApplication, QgsTask
from qgis.gui import QgsFileWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from .engine_env import EngineStatus, check_environment
from .settings import (
    DEVICE_PATTERN,
    EngineSettings,
    load_settings,
    plugin_dir,
    plugin_owned_env,
    resolve_python,
    save_settings,
)

__all__ = ["SettingsDialog"]


class SettingsDialog(QDialog):
    """Edits :class:`EngineSettings`; "Check" tests the interpreter in a background task."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Road extraction settings"))
        self._task: QgsTask | None = None
        settings = load_settings()
        self.python = QgsFileWidget()
        self.python.setFilePath(settings.python)
        self.python.lineEdit().setPlaceholderText(str(resolve_python(EngineSettings())))
        self.device = QComboBox()
        self.device.setEditable(True)
        self.device.addItems(["auto", "cpu", "cuda", "cuda:0", "cuda:1"])
        self.device.setCurrentText(settings.device)
        self.work_dir = QgsFileWidget()
        self.work_dir.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.work_dir.setFilePath(settings.work_dir)
        self.status = QLabel(self.tr("Press Check to test the engine's environment."))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        check = QPushButton(self.tr("Check"))
        check.clicked.connect(self.start_check)
        form = QFormLayout()
        form.addRow(self.tr("Engine Python (empty = automatic)"), self.python)
        form.addRow(self.tr("Device"), self.device)
        form.addRow(self.tr("Working folder"), self.work_dir)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(check)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def edited_settings(self) -> EngineSettings:
        """The settings as edited (an invalid device is refused with ValueError)."""
        return EngineSettings(python=self.python.filePath().strip(),
                              device=self.device.currentText().strip(),
                              work_dir=self.work_dir.filePath().strip())

    def accept(self) -> None:
        device = self.device.currentText().strip()
        if not DEVICE_PATTERN.match(device):
            self.status.setText(self.tr("Device {!r}: use auto, cpu, cuda or cuda:N.")
                                .format(device))
            return
        save_settings(self.edited_settings())
        super().accept()

    def start_check(self) -> None:
        """Check the interpreter in a QgsTask; the result is shown on the main thread."""
        python = resolve_python(EngineSettings(python=self.python.filePath().strip()))
        self.status.setText(self.tr("Checking {}…").format(python))

        def work(task: QgsTask) -> EngineStatus:  # runs on a worker thread: no GUI here
            return check_environment(python, plugin_dir=plugin_dir(), new_env=plugin_owned_env())

        self._task = QgsTask.fromFunction(self.tr("Check road extraction engine"), work,
                                          on_finished=self._show_check)
        QgsApplication.taskManager().addTask(self._task)

    def _show_check(self, exception: Exception | None, status: EngineStatus | None = None
                    ) -> None:
        if sip.isdeleted(self.status):
            return  # the dialog was closed before the check finished
        if exception is not None:
            self.status.setText(self.tr("The check failed: {}").format(exception))
        elif status is not None:
            self.status.setText(status.message())
