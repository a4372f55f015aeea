"""Raster and vector input/output on GDAL/OGR: windows, masks, sampling, atomic writes."""

from engine.io.atomic import atomic_output
from engine.io.geotiff import write_raster
from engine.io.raster import RasterInfo, open_raster, read_info
from engine.io.vector import GEOMETRY_TYPES, VectorLayer, list_fields, read_features, write_layers
from engine.io.windows import (
    Window,
    dataset_dtype,
    raster_is_all_nodata,
    read_valid_mask,
    read_window,
    sample_valid_pixels,
)

__all__ = [
    "GEOMETRY_TYPES",
    "RasterInfo",
    "VectorLayer",
    "Window",
    "atomic_output",
    "dataset_dtype",
    "list_fields",
    "open_raster",
    "raster_is_all_nodata",
    "read_features",
    "read_info",
    "read_valid_mask",
    "read_window",
    "sample_valid_pixels",
    "write_layers",
    "write_raster",
]
