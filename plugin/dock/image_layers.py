"""Which project rasters are images to train on: not the plugin's own probability outputs."""

from __future__ import annotations

from osgeo import gdal
from qgis.core import QgsMapLayer, QgsProject, QgsRasterLayer

from ..layer_files import LayerFileError, raster_file

__all__ = ["PROBABILITY_TAG", "image_rasters", "is_probability_raster"]

#: The metadata item the engine's ``predict`` writes on every probability raster (the same
#: name as engine.io.probability.PROBABILITY_TAG; the plugin does not import that module).
PROBABILITY_TAG = "ROAD_PROBABILITY_SCALE"


def is_probability_raster(layer: QgsRasterLayer) -> bool:
    """True for a raster the engine wrote as a road probability (tagged by ``predict``)."""
    try:
        path = raster_file(layer)
    except LayerFileError:
        return False  # not a GDAL file, so not the engine's output
    try:
        dataset = gdal.OpenEx(path, gdal.OF_RASTER)
    except RuntimeError:  # GDAL with exceptions on: a file it cannot open is no output of ours
        return False
    return dataset is not None and dataset.GetMetadataItem(PROBABILITY_TAG) is not None


def image_rasters(project: QgsProject) -> list[QgsRasterLayer]:
    """The project's GDAL rasters that are images (no probability outputs), by name."""
    layers = [layer for layer in project.mapLayers().values()
              if layer.type() == QgsMapLayer.LayerType.RasterLayer
              and layer.providerType() == "gdal" and not is_probability_raster(layer)]
    return sorted(layers, key=lambda layer: layer.name().lower())
