"""Counts the labels (area, pixels, road length) and says why a round cannot start."""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)

from .common import tr
from .label_layers import LabelLayers

__all__ = ["LabelCounts", "count_labels", "round_blockers"]

#: Square metres in a square kilometre.
M2_PER_KM2 = 1e6


@dataclass(frozen=True)
class LabelCounts:
    """What has been labeled, measured against the chosen raster."""

    area_km2: float  # labeled area (ellipsoidal)
    area_px: int  # labeled area in pixels of the raster
    road_length_m: float  # length of the road centerlines
    road_polygons: int  # number of road polygons
    outside: int  # label features that miss the raster's extent

    @property
    def has_roads(self) -> bool:
        """True when some road (line or polygon) is labeled."""
        return self.road_length_m > 0 or self.road_polygons > 0


def _measure(layer: QgsVectorLayer, project: QgsProject) -> QgsDistanceArea:
    measure = QgsDistanceArea()
    measure.setSourceCrs(layer.crs(), project.transformContext())
    measure.setEllipsoid(project.ellipsoid() if project.ellipsoid() != "NONE" else "EPSG:7030")
    return measure


def _in_raster(layer: QgsVectorLayer, raster: QgsRasterLayer,
               project: QgsProject) -> list[QgsGeometry]:
    """Every geometry of ``layer`` in the raster's CRS."""
    transform = QgsCoordinateTransform(layer.crs(), raster.crs(), project.transformContext())
    geometries = []
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if not geometry.isEmpty():
            geometry.transform(transform)
            geometries.append(geometry)
    return geometries


def _outside(geometries: list[QgsGeometry], extent: QgsRectangle) -> int:
    return sum(not g.boundingBox().intersects(extent) for g in geometries)


def count_labels(layers: LabelLayers, raster: QgsRasterLayer, *,
                 project: QgsProject) -> LabelCounts:
    """Measure the labels (the edit buffers included) against ``raster``."""
    areas = _in_raster(layers.areas, raster, project)
    pixel_area = raster.rasterUnitsPerPixelX() * raster.rasterUnitsPerPixelY()
    extent = QgsGeometry.fromRect(raster.extent())
    area_px = sum(g.intersection(extent).area() for g in areas) / pixel_area
    area_measure = _measure(layers.areas, project)
    area_m2 = sum(area_measure.measureArea(f.geometry()) for f in layers.areas.getFeatures())
    line_measure = _measure(layers.centerlines, project)
    length_m = sum(line_measure.measureLength(f.geometry())
                   for f in layers.centerlines.getFeatures())
    lines = _in_raster(layers.centerlines, raster, project)
    polygons = _in_raster(layers.polygons, raster, project)
    outside = _outside(areas + lines + polygons, raster.extent())
    return LabelCounts(area_m2 / M2_PER_KM2, round(area_px), length_m, len(polygons), outside)


def round_blockers(counts: LabelCounts) -> list[str]:
    """Why a round cannot start with these labels (empty when it can)."""
    reasons = []
    if counts.area_px <= 0:
        reasons.append(tr("No labeled area on the raster: drag a rectangle with "
                          "'Labeled area' where every non-road pixel is background."))
    if not counts.has_roads:
        reasons.append(tr("No road is labeled: draw road centerlines or road polygons."))
    if counts.outside:
        reasons.append(tr("{} label feature(s) lie outside the raster: move or delete them."
                          ).format(counts.outside))
    return reasons
