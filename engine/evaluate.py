"""Scores of a road prediction (raster or lines) against the truth (mask or lines)."""

from __future__ import annotations

import logging
import math
from functools import partial

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from engine.errors import BadInputError
from engine.io.crs import lengths_m, pixel_size_xy_m
from engine.io.raster import RasterInfo, read_info
from engine.metrics import (
    apls_scores,
    centerline_scores,
    graph_lines,
    lines_to_graph,
    pixel_scores,
    relaxed_scores,
    transform_graph,
)
from engine.metrics.sources import (
    Frame,
    Source,
    burn_lines,
    classify_source,
    clip_lines,
    layer_crs,
    lines_bounds,
    metre_frame,
    read_lines,
    read_mask,
    valid_area,
)
from engine.vectorize import VectorizeConfig, area_px, mask_to_centerline_graph, road_mask

from .threshold import DEFAULT_THRESHOLD, raster_threshold

__all__ = ["METRIC_KEYS", "evaluate"]

logger = logging.getLogger(__name__)

#: The keys of the dict that :func:`evaluate` returns, in order.
METRIC_KEYS = ("precision", "recall", "f1", "iou", "relaxed_precision", "relaxed_recall",
               "relaxed_f1", "completeness", "correctness", "quality", "apls")
_SNAP_M = 1.0  # line ends this close (metres) to another line are joined in graphs
_APLS_BUFFER_M = 4.0  # SpaceNet's snapping distance of APLS control nodes

# What one input gives on the grid: road mask, valid mask (rows, cols) bool, and its lines
# (None for a raster, whose centerlines come from its mask).
_OnGrid = tuple[np.ndarray, np.ndarray, list[LineString] | None]


def evaluate(pred_path: str, truth_path: str, *, rho_px: float = 3.0, buffer_m: float = 3.0,
             threshold: float | None = None, apls_node_spacing_m: float = 25.0,
             truth_width_m: float = 6.0,
             vectorize_config: VectorizeConfig | None = None) -> dict[str, float]:
    """Pixel, relaxed, centerline (Wiedemann) and APLS scores of a road prediction.

    Pixel and relaxed scores need a grid: the prediction raster's, else the truth raster's.
    A truth raster on another grid is warped onto it (nearest neighbour). Lines are
    buffered by their ``width`` field (metres), else ``truth_width_m``, and burnt onto it
    (pixels whose centre is inside); over a raster, all of its valid pixels count. Pixels
    that are nodata in either raster are left out. When both inputs are lines there is no
    grid, and the pixel and relaxed scores are NaN.

    Centerline scores and APLS compare graphs in metres (a local azimuthal equidistant
    frame when the CRS is geographic): lines are clipped to the grid's valid pixels (if
    there is a grid) and noded by :func:`engine.metrics.lines_to_graph` (ends within 1 m
    joined); masks (thresholded prediction, truth == 1, both restricted to the pixels
    valid in both) are vectorised as ``engine.vectorize.vectorize_raster`` does (small
    blobs and holes removed, then :func:`engine.vectorize.mask_to_centerline_graph`), with
    ``vectorize_config``.
    APLS (:func:`engine.metrics.apls_scores`) snaps control nodes within 4 m (SpaceNet).

    Parameters
    ----------
    pred_path : str
        A probability raster (Byte 0-254 with 255 nodata, or Float in [0, 1]), a 0/1 mask
        raster, or a vector file of road lines (its layer "centerlines" when present, else
        its first line layer). A Byte raster holding only 0 and 1 is read as a mask.
    truth_path : str
        A 0/1 mask raster (255 = nodata / unlabelled) or a vector file of road lines.
    rho_px : float
        Relaxed tolerance in pixels, >= 0.
    buffer_m : float
        Centerline matching distance in metres, > 0.
    threshold : float, optional
        Probability at or above which a pixel is road, in (0, 1]; by default the model's
        decision threshold that ``predict`` recorded in the probability raster, else 0.5.
    apls_node_spacing_m : float
        Most distance between APLS control nodes along an edge, > 0 (SpaceNet uses 50 m
        on city-scale graphs; 25 m gives enough control nodes on scenes of a few hundred m).
    truth_width_m : float
        Road width in metres of lines (truth or prediction) without a ``width``, > 0.
    vectorize_config : VectorizeConfig, optional
        Clean-up and centerline options for masks (its ``threshold`` is not used:
        ``threshold`` is); the defaults when omitted.

    Returns
    -------
    dict of str to float
        Exactly the keys of :data:`METRIC_KEYS`, in that order; NaN where undefined.

    Raises
    ------
    BadInputError
        A missing or unreadable file, a raster with several bands or with values that are
        neither probabilities nor 0/1, a vector file without a line layer, inputs that do
        not overlap (the message gives both extents and CRSs), an option out of range.
    """
    if threshold is None:
        threshold = raster_threshold(pred_path) or DEFAULT_THRESHOLD
    _check_options(rho_px, buffer_m, threshold, apls_node_spacing_m, truth_width_m)
    if vectorize_config is not None and not isinstance(vectorize_config, VectorizeConfig):
        raise BadInputError("vectorize_config must be a VectorizeConfig; got "
                            f"{type(vectorize_config).__name__}")
    config = vectorize_config or VectorizeConfig()
    pred = classify_source(pred_path, "prediction")
    truth = classify_source(truth_path, "truth")
    if pred.kind == "lines" and truth.kind == "lines":
        scores = dict.fromkeys(METRIC_KEYS[:7], float("nan"))
        pred_graph, truth_graph = _line_graphs(pred, truth, truth_width_m)
    else:
        grid = read_info(pred.path if pred.kind == "raster" else truth.path)
        frame = metre_frame(grid.crs_wkt, grid.bounds)
        pred_mask, pred_valid, pred_lines = _on_grid(pred, grid, frame, threshold, truth_width_m)
        truth_mask, truth_valid, truth_lines = _on_grid(truth, grid, frame, threshold,
                                                        truth_width_m)
        valid = pred_valid & truth_valid
        scores = _pixel(pred_mask, truth_mask, valid, rho_px)
        area = valid_area(valid, grid) if pred_lines or truth_lines else None
        pred_graph = _graph(pred_mask, valid, _within(pred_lines, area), grid, frame, config)
        truth_graph = _graph(truth_mask, valid, _within(truth_lines, area), grid, frame, config)
    scores.update(centerline_scores(graph_lines(pred_graph), graph_lines(truth_graph),
                                    buffer_m=buffer_m).to_dict())
    scores["apls"] = apls_scores(pred_graph, truth_graph, node_spacing_m=apls_node_spacing_m,
                                 buffer_m=_APLS_BUFFER_M).apls
    return {key: float(scores[key]) for key in METRIC_KEYS}


def _check_options(rho_px: float, buffer_m: float, threshold: float, apls_node_spacing_m: float,
                   truth_width_m: float) -> None:
    checks = (
        ("rho_px", rho_px, _is_number(rho_px) and rho_px >= 0, ">= 0 pixels"),
        ("buffer_m", buffer_m, _is_number(buffer_m) and buffer_m > 0, "> 0 metres"),
        ("threshold", threshold, _is_number(threshold) and 0 < threshold <= 1, "in (0, 1]"),
        ("apls_node_spacing_m", apls_node_spacing_m,
         _is_number(apls_node_spacing_m) and apls_node_spacing_m > 0, "> 0 metres"),
        ("truth_width_m", truth_width_m, _is_number(truth_width_m) and truth_width_m > 0,
         "> 0 metres"),
    )
    for name, value, ok, allowed in checks:
        if not ok:
            raise BadInputError(f"{name} must be a finite number {allowed}; got {value!r}")


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _on_grid(source: Source, grid: RasterInfo, frame: Frame, threshold: float,
             width_m: float) -> _OnGrid:
    if source.kind == "raster":
        return (*read_mask(source, grid, threshold), None)
    lines, widths = read_lines(source, grid.crs_wkt, width_m)
    mask = burn_lines(lines, widths, grid, frame)
    return mask, np.ones(mask.shape, dtype=bool), clip_lines(lines, grid, source)


def _pixel(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray,
           rho_px: float) -> dict[str, float]:
    scores = pixel_scores(pred, truth, valid=valid).to_dict()
    relaxed = relaxed_scores(pred, truth, rho_px=rho_px, valid=valid)
    scores.update(relaxed_precision=relaxed.precision, relaxed_recall=relaxed.recall,
                  relaxed_f1=relaxed.f1)
    return scores


def _within(lines: list[LineString] | None, area: BaseGeometry | None) -> list | None:
    """The parts of the lines inside the area (all of them when area is None)."""
    if lines is None or area is None:
        return lines
    parts = shapely.get_parts(shapely.intersection(np.asarray(lines, dtype=object), area))
    return [part for part in parts if part.geom_type == "LineString" and part.length > 0]


def _lines_graph(lines: list[LineString], frame: Frame) -> nx.Graph:
    metric = [shapely.transform(line, frame[0]) for line in lines] if frame else lines
    return lines_to_graph(metric, snap_m=_SNAP_M)


def _line_graphs(pred: Source, truth: Source, width_m: float) -> tuple[nx.Graph, nx.Graph]:
    """Graphs of two line sources, in metres, in the truth layer's CRS (or a frame of it)."""
    crs_wkt = layer_crs(truth)
    pred_lines = read_lines(pred, crs_wkt, width_m)[0]
    truth_lines = read_lines(truth, crs_wkt, width_m)[0]
    frame = metre_frame(crs_wkt, lines_bounds(truth_lines + pred_lines))
    return _lines_graph(pred_lines, frame), _lines_graph(truth_lines, frame)


def _graph(mask: np.ndarray, valid: np.ndarray, lines: list[LineString] | None,
           grid: RasterInfo, frame: Frame, config: VectorizeConfig) -> nx.Graph:
    """The centerline graph of the lines, else of the mask (within valid), in metres."""
    if lines is not None:
        return _lines_graph(lines, frame)
    scale = pixel_size_xy_m(grid.crs_wkt, grid.geotransform, grid.width, grid.height)
    pixel_area_m2 = scale[0] * scale[1]
    clean = road_mask(mask.astype(np.float32), valid, threshold=0.5,
                      min_object_px=area_px(config.min_object_m2, pixel_area_m2),
                      min_hole_px=area_px(config.min_hole_m2, pixel_area_m2))
    graph = mask_to_centerline_graph(
        clean, grid.geotransform, pixel_size_m=scale, spur_length_m=config.spur_length_m,
        gap_join_m=config.gap_join_m, gap_angle_deg=config.gap_angle_deg,
        line_simplify_m=config.line_simplify_m,
        metric_lengths=partial(lengths_m, crs_wkt=grid.crs_wkt, bounds=grid.bounds))
    return transform_graph(graph, frame[0]) if frame else graph
