"""Evaluation inputs: what each file is, road lines reprojected and clipped, metric frames."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from osgeo import gdal, ogr, osr
from shapely.geometry import LineString

from ..errors import BadInputError, VectorReadError
from ..io.crs import metres_per_unit, metric_frame
from ..io.paths import LAYER_OPTION, check_input_file, split_layer
from ..io.raster import RasterInfo
from ..io.vector import list_fields, read_features, spatial_layers, width_or_default

__all__ = ["Frame", "Source", "classify_source", "layer_crs", "read_lines", "lines_bounds",
           "metre_frame", "clip_lines", "extent_text"]

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)

# Layer read from a vector file when present (the vectoriser's centerlines).
_LINE_LAYER = "centerlines"
# Per-line road width in metres, when the layer has this field (any case).
_WIDTH_FIELD = "width"

#: Coordinate maps (n, 2) -> (n, 2) to and from metres; None when the CRS is in metres.
Frame = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]] | None


@dataclass(frozen=True)
class Source:
    """One input file of an evaluation."""

    path: str
    role: str  # "prediction" or "truth", for messages
    kind: str  # "raster" or "lines"
    layer: str | None = None  # the line layer of a vector file


def classify_source(path: str, role: str) -> Source:
    """Open a file as a raster, else as a vector file with a line layer.

    The layer is the one named by ``file|layername=NAME``, else "centerlines" when
    present (what ``vectorize`` writes), else the only layer of (Multi)LineStrings.

    Raises
    ------
    BadInputError
        A missing or unreadable file, a vector file without a line layer, or one with
        several line layers and none named (their names are listed).
    """
    file, named = split_layer(path)
    check_input_file(file, f"the {role} file")
    try:
        ds = gdal.OpenEx(file, gdal.OF_RASTER | gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as err:
        logger.debug("GDAL cannot open %s: %s", file, err)
        ds = None
    if ds is not None and ds.RasterCount > 0 and named is None:
        return Source(file, role, "raster")
    if ds is None or ds.GetLayerCount() == 0:
        raise BadInputError(f"cannot read the {role} file {file}; give a raster GDAL reads "
                            "(e.g. GeoTIFF) or a vector file of road lines (e.g. GeoPackage)")
    layers = {layer.GetName(): layer for layer in spatial_layers(ds)}
    lines = [name for name, layer in layers.items()
             if ogr.GT_Flatten(layer.GetGeomType()) in (ogr.wkbLineString, ogr.wkbMultiLineString)]
    if named is not None:
        if named not in lines:
            raise VectorReadError(f"layer {named!r} of {file} holds no lines (its line layers: "
                                  f"{', '.join(lines) or 'none'}); give road centerlines")
        return Source(file, role, "lines", named)
    if _LINE_LAYER in lines:
        return Source(file, role, "lines", _LINE_LAYER)
    if len(lines) == 1:
        return Source(file, role, "lines", lines[0])
    if not lines:
        raise VectorReadError(f"the {role} file {file} has no line layer (its layers: "
                              f"{list(layers)}); give road centerlines as LineStrings")
    raise VectorReadError(f"the {role} file {file} has several line layers ({', '.join(lines)}); "
                          f"name the one to read, e.g. {file}|{LAYER_OPTION}={lines[0]}")


def layer_crs(source: Source) -> str:
    """WKT of the CRS of a line source's layer."""
    ds = gdal.OpenEx(source.path, gdal.OF_VECTOR)  # kept open while its layer is used
    srs = ds.GetLayerByName(source.layer).GetSpatialRef()
    if srs is None:
        raise VectorReadError(f"layer {source.layer!r} of {source.path} has no coordinate "
                              "reference system; assign one (ogr2ogr -a_srs EPSG:xxxx)")
    return srs.ExportToWkt()


def read_lines(source: Source, crs_wkt: str,
               default_width_m: float) -> tuple[list[LineString], list[float]]:
    """The layer's lines reprojected to ``crs_wkt``, each with its width in metres.

    The width is the ``width`` field where present and > 0, else ``default_width_m``.
    """
    fields = {name.lower(): name for name in list_fields(source.path, layer=source.layer)}
    features = read_features(source.path, target_crs_wkt=crs_wkt, layer=source.layer,
                             field=fields.get(_WIDTH_FIELD))
    lines, widths = [], []
    for geometry, value in features:
        shape = shapely.force_2d(shapely.from_wkb(bytes(geometry.ExportToWkb())))
        for part in shapely.get_parts(shape):
            if part.geom_type == "LineString" and part.length > 0:
                lines.append(part)
                widths.append(width_or_default(value, default_width_m))
    return lines, widths


def lines_bounds(lines: list[LineString]) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of lines; zeros when there is none."""
    if not lines:
        return (0.0, 0.0, 0.0, 0.0)
    return tuple(float(v) for v in shapely.total_bounds(lines))  # type: ignore[return-value]


def metre_frame(crs_wkt: str, bounds: tuple[float, float, float, float]) -> Frame:
    """Maps to and from metres: a scale (projected CRS) or a local azimuthal equidistant
    frame centred on ``bounds`` (geographic CRS); None when the CRS's unit is the metre."""
    if not osr.SpatialReference(wkt=crs_wkt).IsGeographic():
        scale = metres_per_unit(crs_wkt)
        return None if scale == 1.0 else (lambda xy: xy * scale, lambda xy: xy / scale)
    to_local, from_local = metric_frame(crs_wkt, bounds)

    def through(transform: osr.CoordinateTransformation) -> Callable[[np.ndarray], np.ndarray]:
        def apply(xy: np.ndarray) -> np.ndarray:
            if len(xy) == 0:
                return xy
            return np.asarray(transform.TransformPoints(xy), dtype=float)[:, :2]
        return apply

    return through(to_local), through(from_local)


def extent_text(bounds: tuple[float, ...], crs_wkt: str) -> str:
    """An extent and its CRS's name, for messages."""
    name = osr.SpatialReference(wkt=crs_wkt).GetName()
    return f"extent {', '.join(f'{v:.10g}' for v in bounds)} in {name}"


def clip_lines(lines: list[LineString], grid: RasterInfo, source: Source) -> list[LineString]:
    """The parts of the lines inside the grid's extent; BadInputError if none, while some
    lines exist."""
    clipped = shapely.get_parts(shapely.clip_by_rect(lines, *grid.bounds)) if lines else []
    kept = [part for part in clipped if part.geom_type == "LineString" and part.length > 0]
    if lines and not kept:
        extent = extent_text(lines_bounds(lines), grid.crs_wkt)
        raise BadInputError(
            f"the {source.role} lines in {source.path} ({extent}) do not overlap the raster "
            f"{grid.path} ({extent_text(grid.bounds, grid.crs_wkt)}); check both files and "
            "their CRSs")
    return kept
