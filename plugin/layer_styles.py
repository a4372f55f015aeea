"""The plugin's layer styles (QML files in resources/styles/), for the dock's layers and the
layers Processing loads alike: one road probability ramp, one look of roads and centerlines."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMapLayer

from .settings import plugin_dir

__all__ = ["CENTERLINES_STYLE", "PROBABILITY_STYLE", "ROADS_STYLE", "apply_style",
           "style_path"]

#: The road probability raster: transparent below 0.25, yellow to red above.
PROBABILITY_STYLE = "probability"
#: Predicted road polygons.
ROADS_STYLE = "road_polygons"
#: Predicted road centerlines.
CENTERLINES_STYLE = "centerlines"


def style_path(name: str) -> Path:
    """The QML style ``resources/styles/<name>.qml``."""
    return plugin_dir() / "resources" / "styles" / f"{name}.qml"


def apply_style(layer: QgsMapLayer, name: str) -> bool:
    """Give ``layer`` the style ``name``; False when QGIS cannot load it."""
    _, ok = layer.loadNamedStyle(str(style_path(name)))
    return ok
