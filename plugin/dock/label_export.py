"""Writes the committed labels to single-layer files, since the engine reads a file's first
layer: the labeled areas, and the roads (lines, or polygons when road polygons exist)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsFeature,
    QgsFeatureRequest,
    QgsField,
    QgsFields,
    QgsUnitTypes,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..qt_compat import FIELD_STRING
from .common import tr
from .label_layers import LabelLayers

__all__ = ["export_labels"]

#: Metres in a degree of latitude (a buffer in a geographic CRS is approximate).
M_PER_DEGREE = 111_320.0


def _writer(path: Path, layer: QgsVectorLayer, fields: QgsFields, geometry: int):
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
    writer = QgsVectorFileWriter.create(str(path), fields, geometry, layer.crs(),
                                        layer.transformContext(), options)
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(tr("Cannot write {}: {}").format(path, writer.errorMessage()))
    return writer


def _copy(layer: QgsVectorLayer, path: Path) -> str:
    writer = _writer(path, layer, layer.fields(), layer.wkbType())
    for feature in layer.getFeatures():
        writer.addFeature(feature)
    del writer
    return str(path)


def _metres_to_units(layer: QgsVectorLayer) -> float:
    units = layer.crs().mapUnits()
    if units == QgsUnitTypes.DistanceUnit.DistanceDegrees:
        return 1.0 / M_PER_DEGREE
    return QgsUnitTypes.fromUnitToUnitFactor(QgsUnitTypes.DistanceUnit.DistanceMeters, units)


def _road_polygons(layers: LabelLayers, path: Path, road_width_m: float) -> str:
    """Road polygons plus the centerlines buffered by their width, as one polygon file."""
    fields = QgsFields()
    fields.append(QgsField("source", FIELD_STRING))
    writer = _writer(path, layers.polygons, fields, QgsWkbTypes.Type.MultiPolygon)
    factor = _metres_to_units(layers.centerlines)
    for source, layer in (("polygon", layers.polygons), ("line", layers.centerlines)):
        for feature in layer.getFeatures():
            geometry = feature.geometry()
            if source == "line":
                width = feature["width"] if feature["width"] not in (None, "") else road_width_m
                geometry = geometry.buffer(float(width) * factor / 2.0, 8)
            out = QgsFeature(fields)
            out.setAttributes([source])
            out.setGeometry(geometry)
            writer.addFeature(out)
    del writer
    return str(path)


def export_labels(layers: LabelLayers, folder: Path, *,
                  road_width_m: float) -> tuple[str, str, str | None]:
    """Write ``roads.gpkg`` and ``aoi.gpkg`` in ``folder``; return (roads, aoi, polygons?)."""
    folder.mkdir(parents=True, exist_ok=True)
    aoi = _copy(layers.areas, folder / "aoi.gpkg")
    if any(True for _ in layers.polygons.getFeatures(QgsFeatureRequest().setLimit(1))):
        roads = _road_polygons(layers, folder / "roads.gpkg", road_width_m)
        return roads, aoi, roads
    return _copy(layers.centerlines, folder / "roads.gpkg"), aoi, None
