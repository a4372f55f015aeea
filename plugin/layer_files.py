"""File paths the engine can read for QGIS layers (the engine reads files, not layers)."""

from __future__ import annotations

import uuid
from pathlib import Path

from qgis.core import (
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingUtils,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

__all__ = ["LayerFileError", "raster_file", "vector_file", "layer_file"]


class LayerFileError(ValueError):
    """A layer that cannot be handed to the engine as a file."""


def raster_file(layer: QgsRasterLayer) -> str:
    """The GDAL dataset name of a raster layer.

    Raises
    ------
    LayerFileError
        For rasters that GDAL cannot open by name (WMS, XYZ, ...): save them first.
    """
    if layer.providerType() != "gdal":
        raise LayerFileError(
            f"the raster layer {layer.name()!r} is not a file (its provider is "
            f"{layer.providerType()}); save it as a GeoTIFF first (Export > Save As)")
    parts = QgsProviderRegistry.instance().decodeUri("gdal", layer.source())
    path = parts.get("path") or ""
    # Sub-datasets (a GeoPackage raster table, NetCDF variable) keep GDAL's full name.
    if parts.get("layerName") or not Path(path).exists():
        return layer.source()
    return path


def _single_layer_file(layer: QgsVectorLayer) -> str | None:
    """The file of an OGR layer that is its file's only layer, without a filter; else None."""
    if layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path") or ""
    if not Path(path).is_file() or len(layer.dataProvider().subLayers()) != 1:
        return None
    return path


def vector_file(layer: QgsVectorLayer, context: QgsProcessingContext) -> str:
    """A file holding the layer's features as its first layer (written to temp when needed).

    Memory layers, filtered layers and layers that are not the only one in their file are
    written to a GeoPackage in Processing's temporary folder, because the engine reads the
    first layer of a file.
    """
    path = _single_layer_file(layer)
    if path is not None:
        return path
    out = Path(QgsProcessingUtils.tempFolder()) / f"{uuid.uuid4().hex}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "layer"
    error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(out), context.transformContext(), options)
    if error != QgsVectorFileWriter.WriterError.NoError:
        raise LayerFileError(f"cannot write the layer {layer.name()!r} to {out}: {message}")
    return str(out)


def layer_file(layer: QgsMapLayer, context: QgsProcessingContext) -> str:
    """A file for a raster or vector layer (see :func:`raster_file`, :func:`vector_file`)."""
    if isinstance(layer, QgsRasterLayer):
        return raster_file(layer)
    if isinstance(layer, QgsVectorLayer):
        return vector_file(layer, context)
    raise LayerFileError(f"the layer {layer.name()!r} is neither a raster nor a vector layer")
