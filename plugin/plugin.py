"""Plugin object that QGIS creates through classFactory."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithms.base import icon_path
from .i18n import install_translator, remove_translator
from .provider import RoadExtractionProvider
from .qt_compat import QAction

__all__ = ["RoadExtractionPlugin"]

#: The install algorithm the menu entry opens.
INSTALL_ALGORITHM = "roadextraction:install_engine"


class RoadExtractionPlugin:
    """Registers the plugin's parts with QGIS and removes them on unload.

    Parameters
    ----------
    iface : QgisInterface or None
        None when QGIS runs headless (qgis_process); the GUI parts are then skipped.
    """

    def __init__(self, iface: Any | None) -> None:
        self.iface = iface
        self.provider: RoadExtractionProvider | None = None
        self.actions: list[Any] = []
        self.dock: Any | None = None
        self.dock_action: Any | None = None
        self.translator = install_translator()

    @staticmethod
    def tr(text: str) -> str:
        """Translate a user-visible string."""
        return QCoreApplication.translate("RoadExtraction", text)

    @property
    def menu(self) -> str:
        """The plugin's entry in the Plugins menu."""
        return self.tr("&Road extraction")

    def initProcessing(self) -> None:  # noqa: N802 - QGIS hook
        """Register the Processing provider (once; initGui calls this too).

        The registry refuses a second provider with the same id (another copy of the plugin
        loaded); the provider is then not kept, so unload cannot remove the other one.
        """
        if self.provider is None:
            provider = RoadExtractionProvider()
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider

    def initGui(self) -> None:  # noqa: N802 - QGIS hook
        """Register the provider and, when there is an interface, the menu entries."""
        self.initProcessing()
        if self.iface is None:
            return
        parent = self.iface.mainWindow()
        entries = ((QIcon(str(icon_path())), self.tr("Install / repair engine…"),
                    self.open_install_dialog),
                   (None, self.tr("Settings…"), self.open_settings_dialog))
        for icon, text, slot in entries:
            action = QAction(icon, text, parent) if icon is not None else QAction(text, parent)
            action.triggered.connect(slot)
            self.iface.addPluginToMenu(self.menu, action)
            self.actions.append(action)
        self._init_dock()

    def _init_dock(self) -> None:
        """Add the dock (hidden) and a checkable toolbar/menu action that shows it."""
        from qgis.PyQt.QtCore import Qt

        from .dock.common import dock_icon
        from .dock.dock_widget import RoadDock

        self.dock = RoadDock(self.iface)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        action = self.dock.toggleViewAction()
        action.setIcon(dock_icon("dock"))
        action.setText(self.tr("Road extraction dock"))
        self.iface.addToolBarIcon(action)
        self.iface.addPluginToMenu(self.menu, action)
        self.dock_action = action

    def open_install_dialog(self) -> None:
        """Open the Processing dialog of the install algorithm."""
        import processing  # QGIS's Processing plugin; only present with the GUI

        processing.execAlgorithmDialog(INSTALL_ALGORITHM, {})

    def open_settings_dialog(self) -> None:
        """Open the settings dialog (engine interpreter, device, working folder)."""
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.iface.mainWindow())
        dialog.exec()

    def unload(self) -> None:
        """Remove everything initGui and initProcessing added."""
        for action in self.actions:
            self.iface.removePluginMenu(self.menu, action)
            action.deleteLater()
        self.actions = []
        self._unload_dock()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None

    def _unload_dock(self) -> None:
        if self.dock is None:
            return
        self.dock.close_down()
        self.iface.removeToolBarIcon(self.dock_action)
        self.iface.removePluginMenu(self.menu, self.dock_action)
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.dock, self.dock_action = None, None
