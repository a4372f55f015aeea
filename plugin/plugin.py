"""Plugin object that QGIS creates through classFactory."""

from __future__ import annotations

from typing import Any


class RoadExtractionPlugin:
    """Registers the plugin's parts with QGIS and removes them on unload.

    Parameters
    ----------
    iface : QgisInterface or None
        None when QGIS runs headless (qgis_process); the GUI parts are then skipped.
    """

    def __init__(self, iface: Any | None) -> None:
        self.iface = iface
        self._gui_ready = False

    def initProcessing(self) -> None:  # noqa: N802 - QGIS hook
        """Register the Processing provider (the provider arrives with its own issue)."""

    def initGui(self) -> None:  # noqa: N802 - QGIS hook
        """Build the GUI when there is an interface; headless QGIS has none."""
        self.initProcessing()
        self._gui_ready = self.iface is not None

    def unload(self) -> None:
        """Remove everything initGui and initProcessing added."""
        self._gui_ready = False
