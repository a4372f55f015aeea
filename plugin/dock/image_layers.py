"""Which project rasters are images to train on: not the plugin's own probability outputs,
nor layers QGIS could not open (a raster whose file is gone when the project is read)."""

from __future__ import annotations

from osgeo import gdal
from qgis.core import QgsMapLayer, QgsProject, QgsRasterLayer

from ..layer_files import LayerFileError, raster_file

__all__ = ["PROBABILITY_TAG", "image_rasters", "is_probability_raster", "other_rasters"]

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


def _not_an_image(layer: QgsRasterLayer) -> bool:
    """A probability output, or a layer QGIS could not open."""
    return not layer.isValid() or is_probability_raster(layer)


def _rasters(project: QgsProject) -> list[QgsRasterLayer]:
    return [layer for layer in project.mapLayers().values()
            if layer.type() == QgsMapLayer.LayerType.RasterLayer]


def image_rasters(project: QgsProject) -> list[QgsRasterLayer]:
    """The project's valid GDAL rasters that are images (no probability outputs), by name."""
    layers = [layer for layer in _rasters(project)
              if layer.providerType() == "gdal" and not _not_an_image(layer)]
    return sorted(layers, key=lambda layer: layer.name().lower())


def other_rasters(project: QgsProject) -> list[QgsRasterLayer]:
    """The project's raster layers that are no images to label or train on: probability
    outputs, and layers QGIS could not open (invalid)."""
    return [layer for layer in _rasters(project) if _not_an_image(layer)]
