"""Vectorisation: a road probability raster to road polygons and a centerline graph."""

from engine.io.probability import BYTE_NODATA, BYTE_SCALE, read_probability
from engine.vectorize.blockwise import CenterlineBuilder, block_grid
from engine.vectorize.centerlines import (
    Centerlines,
    LengthFunction,
    graph_to_lines,
    mask_to_centerline_graph,
    skeleton_to_centerline_graph,
)
from engine.vectorize.config import VectorizeConfig
from engine.vectorize.edges import EdgeRows, rows_to_graph
from engine.vectorize.mask import area_px, road_mask
from engine.vectorize.pipeline import (
    CENTERLINES_LAYER,
    ROADS_LAYER,
    VectorizeResult,
    vectorize_raster,
)
from engine.vectorize.polygons import mask_to_polygons, pixel_to_map

__all__ = [
    "BYTE_NODATA",
    "BYTE_SCALE",
    "CENTERLINES_LAYER",
    "CenterlineBuilder",
    "Centerlines",
    "EdgeRows",
    "LengthFunction",
    "ROADS_LAYER",
    "VectorizeConfig",
    "VectorizeResult",
    "area_px",
    "block_grid",
    "graph_to_lines",
    "mask_to_centerline_graph",
    "mask_to_polygons",
    "pixel_to_map",
    "read_probability",
    "road_mask",
    "rows_to_graph",
    "skeleton_to_centerline_graph",
    "vectorize_raster",
]
