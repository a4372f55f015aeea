"""The QGIS/Qt side of the plugin; never imports torch."""
