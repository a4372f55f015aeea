"""QGIS plugin entry point."""


def classFactory(iface):  # noqa: N802 - name fixed by QGIS
    """Return the plugin instance; ``iface`` is None under qgis_process."""
    from .plugin.plugin import RoadExtractionPlugin

    return RoadExtractionPlugin(iface)
