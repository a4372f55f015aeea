"""The training label raster: road lines and polygons, labelled areas, on a raster's grid."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from osgeo import gdal, ogr, osr

from engine.errors import BadInputError, LabelsOutsideRasterError
from engine.io.crs import metric_frame
from engine.io.raster import RasterInfo, Window, open_raster, read_valid_mask
from engine.io.vector import list_fields, read_features, width_or_default

__all__ = [
    "ROAD",
    "BACKGROUND",
    "IGNORE",
    "LabelSources",
    "LabelCounts",
    "rasterize_labels",
    "count_labels",
]

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)

#: Label values: a drawn road, known background, and unlabelled (masked out of the loss).
ROAD = 1
BACKGROUND = 0
IGNORE = 255

_POLYGON_TYPES = (ogr.wkbPolygon, ogr.wkbMultiPolygon)
_POINT_TYPES = (ogr.wkbPoint, ogr.wkbMultiPoint)
#: Road lines wider than this (metres) are used as given, with a warning: the width field
#: probably holds another unit or a wrong value.
MAX_ROAD_WIDTH_M = 100.0
# Buffer quality: segments per quarter circle at line ends and bends.
_QUAD_SEGMENTS = 8


@dataclass(frozen=True)
class LabelSources:
    """Where the labels of one raster come from."""

    roads: str  # vector file of road centerlines (buffered) and/or road polygons
    aoi: str | None = None  # labelled-area polygons: inside them, non-road is background
    background: str | None = None  # polygons that are background unless road
    road_width_m: float = 6.0  # width of a centerline's buffer when no width attribute
    width_field: str | None = "width"  # per-feature width in metres, used when present and > 0

    def __post_init__(self) -> None:
        try:
            width = float(self.road_width_m)
        except (TypeError, ValueError):
            width = math.nan
        if isinstance(self.road_width_m, bool) or not (math.isfinite(width) and width > 0):
            raise BadInputError(
                f"road_width_m must be a finite number > 0 metres; got {self.road_width_m!r}"
            )

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LabelSources:
        """Rebuild from :meth:`to_dict`'s output."""
        return cls(**data)


@dataclass(frozen=True)
class LabelCounts:
    """Numbers of labelled pixels."""

    road: int  # pixels equal to ROAD
    background: int  # pixels equal to BACKGROUND


def count_labels(labels: np.ndarray) -> LabelCounts:
    """Count road and background pixels.

    Parameters
    ----------
    labels : np.ndarray
        Any shape, integer values ROAD, BACKGROUND or IGNORE.

    Returns
    -------
    LabelCounts
    """
    labels = np.asarray(labels)
    return LabelCounts(
        road=int(np.count_nonzero(labels == ROAD)),
        background=int(np.count_nonzero(labels == BACKGROUND)),
    )


def rasterize_labels(
    info: RasterInfo, sources: LabelSources, *, window: Window | None = None
) -> np.ndarray:
    """Burn the labels onto the raster's grid.

    Road lines are buffered by their width (the ``width_field`` value when > 0, else
    ``road_width_m``); road polygons are used as drawn. Road pixels are ROAD, even outside
    the labelled areas; other pixels inside AOI or background polygons are BACKGROUND;
    the rest, and every invalid (nodata) pixel, is IGNORE. A pixel belongs to a polygon
    when its centre is inside it.

    Parameters
    ----------
    info : RasterInfo
        The raster, from :func:`engine.io.read_info`.
    sources : LabelSources
        The vector files; any CRS, reprojected to the raster's.
    window : Window, optional
        Part of the raster to label; the whole raster when None. Pixels outside the raster
        are IGNORE.

    Returns
    -------
    np.ndarray
        Shape (rows, cols) of the window, dtype uint8, values ROAD, BACKGROUND, IGNORE.

    Raises
    ------
    BadInputError
        No label at all, labels that do not overlap the raster (the message gives both
        extents), labelled areas that are not polygons.
    VectorReadError
        A missing or unreadable vector file.
    """
    window = window or Window.whole(info.width, info.height)
    road_features = _read_roads(info, sources)
    areas = [
        geometry
        for path in (sources.aoi, sources.background)
        if path is not None
        for geometry in _read_areas(info, path)
    ]
    _check_overlap(info, sources, [g for g, _ in road_features] + areas)
    roads = _road_polygons(road_features, info, sources.road_width_m, window)
    grid = _label_grid(info, window)
    _burn(grid, areas, BACKGROUND)
    _burn(grid, roads, ROAD)
    labels = grid.GetRasterBand(1).ReadAsArray()
    raster = open_raster(info.path)
    labels[~read_valid_mask(raster, window)] = IGNORE
    return labels


def _read_roads(info: RasterInfo, sources: LabelSources) -> list[tuple[ogr.Geometry, object]]:
    field = None
    if sources.width_field:
        names = {name.lower() for name in list_fields(sources.roads)}
        field = sources.width_field if sources.width_field.lower() in names else None
    features = read_features(sources.roads, target_crs_wkt=info.crs_wkt, field=field)
    lines = [f for f in features if ogr.GT_Flatten(f[0].GetGeometryType()) not in _POINT_TYPES]
    if len(lines) < len(features):
        logger.warning("%d point feature(s) in %s are not roads and are left out; draw road "
                       "centerlines or polygons", len(features) - len(lines), sources.roads)
    widths = [width_or_default(value, sources.road_width_m) for geometry, value in lines
              if ogr.GT_Flatten(geometry.GetGeometryType()) not in _POLYGON_TYPES]
    wide = [w for w in widths if w > MAX_ROAD_WIDTH_M]
    if wide:
        logger.warning("%d road line(s) in %s are wider than %g m (up to %g m); the %r field "
                       "holds the width in metres: check it", len(wide), sources.roads,
                       MAX_ROAD_WIDTH_M, max(wide), field or sources.width_field)
    return lines


def _read_areas(info: RasterInfo, path: str) -> list[ogr.Geometry]:
    geometries = [g for g, _ in read_features(path, target_crs_wkt=info.crs_wkt)]
    for geometry in geometries:
        if ogr.GT_Flatten(geometry.GetGeometryType()) not in _POLYGON_TYPES:
            raise BadInputError(
                f"{path} holds a {geometry.GetGeometryName()}; labelled areas must be polygons"
            )
    return geometries


def _extent(geometries: Sequence[ogr.Geometry]) -> tuple[float, float, float, float]:
    envelopes = np.array([g.GetEnvelope() for g in geometries])  # (xmin, xmax, ymin, ymax)
    return (
        float(envelopes[:, 0].min()),
        float(envelopes[:, 2].min()),
        float(envelopes[:, 1].max()),
        float(envelopes[:, 3].max()),
    )


def _check_overlap(
    info: RasterInfo, sources: LabelSources, geometries: Sequence[ogr.Geometry]
) -> None:
    files = ", ".join(str(p) for p in (sources.roads, sources.aoi, sources.background) if p)
    if not geometries:
        raise BadInputError(f"no label feature in {files}; draw roads or labelled areas")
    xmin, ymin, xmax, ymax = _extent(geometries)
    rxmin, rymin, rxmax, rymax = info.bounds
    if xmin > rxmax or xmax < rxmin or ymin > rymax or ymax < rymin:
        raise LabelsOutsideRasterError(
            f"the labels in {files} (extent {_format_extent((xmin, ymin, xmax, ymax))} in the "
            f"raster's CRS) do not overlap the raster {info.path} (extent "
            f"{_format_extent(info.bounds)}); check that the labels belong to this raster and "
            "that both have the right CRS"
        )


def _format_extent(extent: Sequence[float]) -> str:
    return ", ".join(f"{value:.10g}" for value in extent)


def _window_bounds(info: RasterInfo, window: Window) -> tuple[float, float, float, float]:
    gt = info.geotransform
    xs = (gt[0] + window.col_off * gt[1], gt[0] + (window.col_off + window.cols) * gt[1])
    ys = (gt[3] + window.row_off * gt[5], gt[3] + (window.row_off + window.rows) * gt[5])
    return min(xs), min(ys), max(xs), max(ys)


def _buffer_m(
    geometry: ogr.Geometry, half_width_m: float, info: RasterInfo, frame: tuple | None
) -> ogr.Geometry:
    if frame is None:  # projected: metres -> CRS linear units
        metres_per_unit = osr.SpatialReference(wkt=info.crs_wkt).GetLinearUnits()
        return geometry.Buffer(half_width_m / metres_per_unit, _QUAD_SEGMENTS)
    to_local, from_local = frame
    local = geometry.Clone()
    local.Transform(to_local)
    buffered = local.Buffer(half_width_m, _QUAD_SEGMENTS)
    buffered.Transform(from_local)
    return buffered


def _road_polygons(
    features: Sequence[tuple[ogr.Geometry, object]],
    info: RasterInfo,
    default_width_m: float,
    window: Window,
) -> list[ogr.Geometry]:
    """Road polygons as drawn, centerlines buffered; only those near the window."""
    xmin, ymin, xmax, ymax = _window_bounds(info, window)
    # Margin (CRS units) for a line outside the window whose buffer reaches in: the widest
    # road's full width in pixels, twice: enough for geographic pixels up to ~80 degrees N or S.
    widest_m = max([width_or_default(v, default_width_m) for _, v in features] + [default_width_m])
    margin = 2 * widest_m / info.pixel_size_m * max(info.pixel_size)
    frame = metric_frame(info.crs_wkt, _window_bounds(info, window)) if info.is_geographic else None
    polygons = []
    for geometry, value in features:
        gxmin, gxmax, gymin, gymax = geometry.GetEnvelope()
        if gxmin > xmax + margin or gxmax < xmin - margin:
            continue
        if gymin > ymax + margin or gymax < ymin - margin:
            continue
        if ogr.GT_Flatten(geometry.GetGeometryType()) in _POLYGON_TYPES:
            polygons.append(geometry)
        else:
            half_width_m = width_or_default(value, default_width_m) / 2
            polygons.append(_buffer_m(geometry, half_width_m, info, frame))
    return polygons


def _label_grid(info: RasterInfo, window: Window) -> gdal.Dataset:
    """A one-band in-memory Byte raster on the window's grid, filled with IGNORE."""
    gt = info.geotransform
    origin_x = gt[0] + window.col_off * gt[1]
    origin_y = gt[3] + window.row_off * gt[5]
    grid = gdal.GetDriverByName("MEM").Create("", window.cols, window.rows, 1, gdal.GDT_Byte)
    grid.SetGeoTransform((origin_x, gt[1], 0.0, origin_y, 0.0, gt[5]))
    grid.SetProjection(info.crs_wkt)
    grid.GetRasterBand(1).Fill(IGNORE)
    return grid


def _burn(grid: gdal.Dataset, geometries: Sequence[ogr.Geometry], value: int) -> None:
    """Burn polygons into the grid; a pixel is burnt when its centre is inside."""
    if not geometries:
        return
    source = ogr.GetDriverByName("Memory").CreateDataSource("")
    # Already in the grid's CRS; saying so keeps GDAL from warning that it assumes it.
    layer = source.CreateLayer("burn", grid.GetSpatialRef(), ogr.wkbUnknown)
    for geometry in geometries:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(geometry)
        layer.CreateFeature(feature)
    gdal.RasterizeLayer(grid, [1], layer, burn_values=[value], options=["ALL_TOUCHED=FALSE"])
