"""Vector layers: atomic GeoPackage writing and reading features reprojected to a CRS."""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from osgeo import gdal, ogr, osr

from engine.errors import BadInputError, VectorReadError
from engine.io.atomic import atomic_output
from engine.io.crs import spatial_reference
from engine.io.paths import LAYER_OPTION, check_input_file, split_layer

__all__ = ["GEOMETRY_TYPES", "VectorLayer", "write_layers", "read_features", "list_fields",
           "spatial_layers", "width_or_default"]

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)

#: Geometry type names a VectorLayer may declare, and their OGR codes.
GEOMETRY_TYPES = {
    "Point": ogr.wkbPoint,
    "LineString": ogr.wkbLineString,
    "Polygon": ogr.wkbPolygon,
    "MultiPolygon": ogr.wkbMultiPolygon,
}
# Python type of a column -> OGR field type; bool counts as int.
_FIELD_TYPES = {"int": ogr.OFTInteger64, "float": ogr.OFTReal, "str": ogr.OFTString}


@dataclass(frozen=True)
class VectorLayer:
    """One layer to write: geometries as WKT in one CRS, with attribute columns."""

    name: str  # layer name inside the GeoPackage
    geometry_type: str  # one of GEOMETRY_TYPES
    crs_wkt: str  # CRS of the geometries (WKT or "EPSG:xxxx")
    geometries: list[str]  # WKT, one per feature; may be empty
    fields: dict[str, list] = field(default_factory=dict)  # column -> one value per feature
    field_types: dict[str, str] = field(default_factory=dict)  # column -> "int"|"float"|"str"

    def __post_init__(self) -> None:
        if not self.name:
            raise BadInputError("a vector layer needs a non-empty name")
        if self.geometry_type not in GEOMETRY_TYPES:
            raise BadInputError(
                f"geometry_type of layer {self.name!r} is {self.geometry_type!r}; "
                f"use one of {', '.join(GEOMETRY_TYPES)}"
            )
        for column, values in self.fields.items():
            if len(values) != len(self.geometries):
                raise BadInputError(
                    f"field {column!r} of layer {self.name!r} has {len(values)} values for "
                    f"{len(self.geometries)} geometries"
                )
        for column, kind in self.field_types.items():
            if kind not in _FIELD_TYPES:
                raise BadInputError(
                    f"field type {kind!r} of {column!r} is not one of {', '.join(_FIELD_TYPES)}"
                )

    def ogr_field_type(self, column: str) -> int:
        """The OGR type of a column: declared, else inferred from its values (str if empty)."""
        if column in self.field_types:
            return _FIELD_TYPES[self.field_types[column]]
        values = [v for v in self.fields[column] if v is not None]
        if values and all(isinstance(v, numbers.Integral) for v in values):
            return ogr.OFTInteger64
        if values and all(isinstance(v, numbers.Real) for v in values):
            return ogr.OFTReal
        return ogr.OFTString


def write_layers(path: str, layers: Sequence[VectorLayer], *, overwrite: bool = False) -> None:
    """Write layers to one GeoPackage, atomically.

    Parameters
    ----------
    path : str
        The .gpkg file; written to a temporary file in the same folder, then renamed.
    layers : sequence of VectorLayer
        At least one, with distinct names; empty layers are created too.
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    OutputWriteError
        The file exists and overwrite is False, or it cannot be written.
    BadInputError
        No layer, duplicate names, or a geometry that is not valid WKT.
    """
    names = [layer.name for layer in layers]
    if not names:
        raise BadInputError(f"no layer to write to {path}")
    if len(set(names)) != len(names):
        raise BadInputError(f"layer names must be distinct; got {names}")
    with atomic_output(path, overwrite=overwrite, suffix=".gpkg") as tmp:
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(tmp)
        try:
            for layer in layers:
                _write_layer(ds, layer)
            ds.FlushCache()
        finally:
            ds = None  # closed before the rename, or before the temporary file is removed
    logger.debug("wrote %s with layers %s", path, names)


def _write_layer(ds: ogr.DataSource, layer: VectorLayer) -> None:
    geometries = [_geometry(layer, index) for index in range(len(layer.geometries))]
    srs = spatial_reference(layer.crs_wkt, f"the CRS of layer {layer.name!r}")
    out = ds.CreateLayer(layer.name, srs, GEOMETRY_TYPES[layer.geometry_type])
    for column in layer.fields:
        out.CreateField(ogr.FieldDefn(column, layer.ogr_field_type(column)))
    definition = out.GetLayerDefn()
    out.StartTransaction()
    for index, geometry in enumerate(geometries):
        out.CreateFeature(_feature(definition, geometry, layer.fields, index))
    out.CommitTransaction()


def _geometry(layer: VectorLayer, index: int) -> ogr.Geometry:
    """Parse one WKT of a layer and check it has the layer's type (Polygon -> MultiPolygon)."""
    wkt = layer.geometries[index]
    try:
        geometry = ogr.CreateGeometryFromWkt(wkt)
    except RuntimeError as err:
        raise BadInputError(
            f"geometry {index} of layer {layer.name!r} is not valid WKT: {wkt[:80]!r}"
        ) from err
    geometry_type = GEOMETRY_TYPES[layer.geometry_type]
    if geometry_type == ogr.wkbMultiPolygon:
        geometry = ogr.ForceToMultiPolygon(geometry)
    if ogr.GT_Flatten(geometry.GetGeometryType()) != geometry_type:
        raise BadInputError(
            f"geometry {index} of layer {layer.name!r} is a {geometry.GetGeometryName()}, "
            f"not a {layer.geometry_type}"
        )
    return geometry


def _feature(
    definition: ogr.FeatureDefn, geometry: ogr.Geometry, fields: dict[str, list], index: int
) -> ogr.Feature:
    feature = ogr.Feature(definition)
    feature.SetGeometry(geometry)
    for column, values in fields.items():
        value = values[index]
        if value is None:
            feature.SetFieldNull(column)
        else:  # numpy scalars (np.int64, np.float32) become Python numbers for OGR
            feature.SetField(column, value.item() if isinstance(value, np.generic) else value)
    return feature


def _open_vector(path: str) -> gdal.Dataset:
    check_input_file(path, "vector file", error=VectorReadError)
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as err:
        raise VectorReadError(
            f"cannot read {path} as a vector file ({err}); give a GeoPackage, shapefile, "
            "GeoJSON or another format OGR reads"
        ) from err
    if ds is None or ds.GetLayerCount() == 0:
        raise VectorReadError(f"{path} has no vector layer")
    return ds


def spatial_layers(ds: gdal.Dataset) -> list[ogr.Layer]:
    """The layers of a vector dataset that hold geometries (tables such as QGIS's
    ``layer_styles`` do not)."""
    layers = [ds.GetLayer(i) for i in range(ds.GetLayerCount())]
    return [layer for layer in layers if layer.GetGeomType() != ogr.wkbNone]


def _open_layer(path: str, layer: str | None) -> tuple[gdal.Dataset, ogr.Layer, str]:
    """Open ``path`` (``file|layername=NAME`` allowed) and find its layer.

    Without a layer name, the file must hold one layer with geometries; several are
    refused with their names, since taking the first could read the wrong one.

    Returns
    -------
    dataset, layer, file
        Keep the dataset while the layer is used.
    """
    file, named = split_layer(path)
    if layer is not None and named is not None and layer != named:
        raise BadInputError(f"{path} names the layer {named!r} but {layer!r} is asked for")
    layer = layer if layer is not None else named
    ds = _open_vector(file)
    if layer is not None:
        found = ds.GetLayerByName(layer)
        if found is None:
            names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
            raise VectorReadError(f"{file} has no layer {layer!r}; its layers are {names}")
        return ds, found, file
    candidates = spatial_layers(ds)
    if len(candidates) == 1:
        return ds, candidates[0], file
    if not candidates:
        raise VectorReadError(f"{file} has no layer with geometries; give a vector file of "
                              "roads or areas")
    names = [candidate.GetName() for candidate in candidates]
    raise VectorReadError(
        f"{file} has several layers ({', '.join(names)}); name the one to read, e.g. "
        f"{file}|{LAYER_OPTION}={names[0]} (in the plugin, choose the layer itself)")


def width_or_default(value: object, default_m: float) -> float:
    """A feature's width attribute in metres, or ``default_m`` when missing, not a number or
    not positive (a hand-drawn layer's width column is often empty or 0)."""
    try:
        width = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default_m
    return width if math.isfinite(width) and width > 0 else default_m


def list_fields(path: str, *, layer: str | None = None) -> list[str]:
    """Names of the attribute fields of a layer (see :func:`read_features` for ``path``
    and ``layer``)."""
    ds, found, _ = _open_layer(path, layer)
    definition = found.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    del ds  # kept open until the layer was read
    return names


def read_features(
    path: str,
    *,
    target_crs_wkt: str,
    layer: str | None = None,
    field: str | None = None,
) -> list[tuple[ogr.Geometry, object]]:
    """Read every feature of a layer, reprojected to a target CRS.

    Parameters
    ----------
    path : str
        Any vector file OGR reads; ``file|layername=NAME`` names its layer (the OGR and
        QGIS convention).
    target_crs_wkt : str
        CRS of the returned geometries; x is easting/longitude whatever the CRS's axis order.
    layer : str, optional
        Layer name; when None, the one named in ``path``, else the file's only layer with
        geometries (a file with several is refused, listing them).
    field : str, optional
        Attribute returned with each geometry.

    Returns
    -------
    list of (ogr.Geometry, value)
        One per feature with a geometry; value is the field's value, None when null or when
        no field is asked for.

    Raises
    ------
    VectorReadError
        Missing or unreadable file, no or unknown layer, several layers and none named, a
        layer without CRS, an absent field, or a geometry that cannot be reprojected.
    """
    target = spatial_reference(target_crs_wkt, "the target CRS")
    ds, source_layer, path = _open_layer(path, layer)
    source = source_layer.GetSpatialRef()
    if source is None:
        raise VectorReadError(
            f"layer {source_layer.GetName()!r} of {path} has no coordinate reference system; "
            "assign one (in QGIS: Layer > Set CRS, or ogr2ogr -a_srs EPSG:xxxx)"
        )
    field_index = _field_index(source_layer, path, field)
    source = source.Clone()
    source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = None if source.IsSame(target) else osr.CoordinateTransformation(source, target)
    features = []
    for feature in source_layer:
        geometry = feature.GetGeometryRef()
        if geometry is None or geometry.IsEmpty():
            continue
        geometry = geometry.Clone()
        if transform is not None:
            try:
                geometry.Transform(transform)
            except RuntimeError as err:
                raise VectorReadError(
                    f"feature {feature.GetFID()} of {path} cannot be reprojected: {err}"
                ) from err
        value = None if field_index < 0 or not feature.IsFieldSetAndNotNull(field_index) else (
            feature.GetField(field_index)
        )
        features.append((geometry, value))
    return features


def _field_index(source_layer: ogr.Layer, path: str, field: str | None) -> int:
    if field is None:
        return -1
    definition = source_layer.GetLayerDefn()
    index = definition.GetFieldIndex(field)
    if index < 0:
        names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
        raise VectorReadError(
            f"layer {source_layer.GetName()!r} of {path} has no field {field!r}; "
            f"its fields are {names}"
        )
    return index
