"""vectorize_raster: a probability raster to one GeoPackage of road polygons and centerlines."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from functools import partial

import networkx as nx
import numpy as np
import shapely
from skimage.morphology import skeletonize

from engine.errors import BadInputError
from engine.events import Reporter
from engine.io.crs import areas_m2, lengths_m, pixel_size_xy_m
from engine.io.paths import check_outputs
from engine.io.probability import read_probability
from engine.io.raster import RasterInfo, read_info
from engine.io.vector import VectorLayer, write_layers
from engine.vectorize.centerlines import graph_to_lines, skeleton_to_centerline_graph
from engine.vectorize.config import VectorizeConfig
from engine.vectorize.mask import area_px, road_mask
from engine.vectorize.polygons import mask_to_polygons

__all__ = ["ROADS_LAYER", "CENTERLINES_LAYER", "VectorizeResult", "vectorize_raster"]

logger = logging.getLogger(__name__)

#: Names of the two layers of the output GeoPackage.
ROADS_LAYER = "roads"
CENTERLINES_LAYER = "centerlines"
_STAGES = ("mask", "polygons", "skeleton", "graph", "writing")


@dataclass(frozen=True)
class VectorizeResult:
    """What :func:`vectorize_raster` wrote."""

    path: str  # the GeoPackage
    polygon_count: int  # features of the roads layer
    road_area_m2: float  # their total area
    centerline_count: int  # features of the centerlines layer (graph edges)
    centerline_length_m: float  # their total length
    node_count: int  # junctions and ends of the centerline graph

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return asdict(self)


def _check_paths(prob_path: str, out_path: str, overwrite: bool) -> None:
    check_outputs({"out_path": out_path}, {"prob_path": prob_path}, overwrite=overwrite)


def _mask(info: RasterInfo, config: VectorizeConfig, pixel_area_m2: float) -> np.ndarray:
    prob, valid = read_probability(info)
    return road_mask(prob, valid, threshold=config.threshold,
                     min_object_px=area_px(config.min_object_m2, pixel_area_m2),
                     min_hole_px=area_px(config.min_hole_m2, pixel_area_m2))


def _wkt(geometries: list) -> list[str]:
    # -1: full precision (the default 6 decimals would be 0.1 m in degrees).
    return [str(w) for w in shapely.to_wkt(np.asarray(geometries, dtype=object), -1)]


def _layers(info: RasterInfo, polygons: list, graph: nx.Graph) -> list[VectorLayer]:
    areas = areas_m2(polygons, crs_wkt=info.crs_wkt, bounds=info.bounds)
    table = graph_to_lines(graph)
    roads = VectorLayer(
        ROADS_LAYER, "Polygon", info.crs_wkt, _wkt(polygons),
        fields={"area_m2": [float(a) for a in areas]}, field_types={"area_m2": "float"})
    lines = VectorLayer(
        CENTERLINES_LAYER, "LineString", info.crs_wkt, _wkt(table.lines),
        fields={"length_m": table.length_m, "start_degree": table.start_degree,
                "end_degree": table.end_degree},
        field_types={"length_m": "float", "start_degree": "int", "end_degree": "int"})
    return [roads, lines]


def vectorize_raster(
    prob_path: str,
    out_path: str,
    config: VectorizeConfig,
    *,
    reporter: Reporter | None = None,
    overwrite: bool = False,
) -> VectorizeResult:
    """Turn a road probability raster into road polygons and centerlines.

    The raster is read whole (one Byte or float32 array, plus bool masks, of its size).
    Lengths and areas are in metres, also on a geographic raster (measured in a local
    azimuthal equidistant frame).

    Parameters
    ----------
    prob_path : str
        One band, Byte (probability x 254, 255 nodata; or a 0/1 mask) or Float32/Float64
        in [0, 1] with its nodata: the output of ``predict``.
    out_path : str
        The GeoPackage to write (atomically), with layers ``roads`` (Polygon, area_m2)
        and ``centerlines`` (LineString, length_m, start_degree, end_degree), in the
        raster's CRS; both exist, maybe empty.
    config : VectorizeConfig
    reporter : Reporter, optional
        Receives a progress event per stage; its ``should_stop`` is polled between them.
    overwrite : bool
        Replace an existing ``out_path``.

    Returns
    -------
    VectorizeResult

    Raises
    ------
    BadInputError
        A raster of the wrong type (see ``prob_path``), a config of the wrong type.
    OutputWriteError
        ``out_path`` exists (without overwrite), is the input, or cannot be written.
    CancelledError
        When ``reporter.should_stop()`` turns true; nothing is written.
    """
    if not isinstance(config, VectorizeConfig):
        raise BadInputError(f"config must be a VectorizeConfig; got {type(config).__name__}")
    reporter = reporter or Reporter()
    _check_paths(str(prob_path), str(out_path), overwrite)
    info = read_info(str(prob_path))
    scale = pixel_size_xy_m(info.crs_wkt, info.geotransform, info.width, info.height)

    def stage(index: int) -> None:
        reporter.check_cancelled()
        reporter.progress("vectorize", index, len(_STAGES), step=_STAGES[index])

    stage(0)
    mask = _mask(info, config, scale[0] * scale[1])
    stage(1)
    polygons = mask_to_polygons(mask, info.geotransform,
                                tolerance_px=config.polygon_simplify_m / (sum(scale) / 2))
    stage(2)
    skeleton = skeletonize(mask)
    stage(3)
    graph = skeleton_to_centerline_graph(
        skeleton, mask, info.geotransform, pixel_size_m=scale,
        spur_length_m=config.spur_length_m, gap_join_m=config.gap_join_m,
        gap_angle_deg=config.gap_angle_deg, line_simplify_m=config.line_simplify_m,
        metric_lengths=partial(lengths_m, crs_wkt=info.crs_wkt, bounds=info.bounds))
    del skeleton, mask
    stage(4)
    layers = _layers(info, polygons, graph)
    write_layers(str(out_path), layers, overwrite=overwrite)
    reporter.progress("vectorize", len(_STAGES), len(_STAGES), step="done")
    result = VectorizeResult(
        path=str(out_path), polygon_count=len(polygons),
        road_area_m2=float(sum(layers[0].fields["area_m2"])),
        centerline_count=graph.number_of_edges(),
        centerline_length_m=float(sum(layers[1].fields["length_m"])),
        node_count=graph.number_of_nodes())
    logger.info("vectorized %s: %s", prob_path, result)
    return result
