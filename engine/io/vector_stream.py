"""A GeoPackage written as it goes: layers created up front, features added in batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from osgeo import ogr
from shapely.geometry.base import BaseGeometry

from engine.errors import BadInputError
from engine.io.crs import spatial_reference
from engine.io.vector import GEOMETRY_TYPES

__all__ = ["LayerSpec", "GeoPackageStream"]

ogr.UseExceptions()

_FIELD_TYPES = {"int": ogr.OFTInteger64, "float": ogr.OFTReal, "str": ogr.OFTString}

#: A layer's geometry type (a key of GEOMETRY_TYPES) and its fields (name -> int|float|str).
LayerSpec = tuple[str, Mapping[str, str]]


class GeoPackageStream:
    """Writes features into the layers of a new GeoPackage, one transaction per batch.

    The file is the caller's (usually the temporary path of
    :func:`engine.io.atomic.atomic_output`); only what is added is held, briefly.

    Parameters
    ----------
    path : str
        The .gpkg to create.
    crs_wkt : str
        CRS of every layer.
    layers : mapping of str to LayerSpec
        Layer name -> (geometry type, {field: "int" | "float" | "str"}), created in order.
    """

    def __init__(self, path: str, crs_wkt: str, layers: Mapping[str, LayerSpec]) -> None:
        srs = spatial_reference(crs_wkt, "the output CRS")
        self._ds: ogr.DataSource | None = ogr.GetDriverByName("GPKG").CreateDataSource(path)
        # Layers are looked up by name when used: a layer object kept beside its dataset
        # could outlive it (GDAL's bindings do not tie them), and crash when released.
        self.counts: dict[str, int] = {}
        for name, (geometry_type, fields) in layers.items():
            if geometry_type not in GEOMETRY_TYPES:
                raise BadInputError(f"geometry type {geometry_type!r} of layer {name!r} is not "
                                    f"one of {', '.join(GEOMETRY_TYPES)}")
            layer = self._ds.CreateLayer(name, srs, GEOMETRY_TYPES[geometry_type])
            for column, kind in fields.items():
                layer.CreateField(ogr.FieldDefn(column, _FIELD_TYPES[kind]))
            self.counts[name] = 0

    def add(self, name: str, geometries: Sequence[BaseGeometry],
            fields: Mapping[str, Sequence]) -> None:
        """Append features to layer ``name``: one per geometry, with a value per field."""
        if self._ds is None:
            raise BadInputError("the GeoPackage stream is closed")
        layer = self._ds.GetLayerByName(name)
        definition = layer.GetLayerDefn()
        self._ds.StartTransaction()
        for index, geometry in enumerate(geometries):
            feature = ogr.Feature(definition)
            feature.SetGeometry(ogr.CreateGeometryFromWkb(geometry.wkb))
            for column, values in fields.items():
                value = values[index]
                feature.SetField(column, value.item() if isinstance(value, np.generic) else value)
            layer.CreateFeature(feature)
        self._ds.CommitTransaction()
        self.counts[name] += len(geometries)

    def close(self) -> None:
        """Write everything and close the file (errors of GDAL's close are raised)."""
        if self._ds is not None:
            self._ds.FlushCache()
            self._ds = None
