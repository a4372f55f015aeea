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
from engine.events import Reporter
from engine.io.crs import lengths_m, pixel_size_xy_m
from engine.io.raster import read_info
from engine.metrics import (
    apls_scores,
    centerline_scores,
    graph_lines,
    lines_to_graph,
    transform_graph,
)
from engine.metrics.cancel import stop_when_asked
from engine.metrics.grid_inputs import grid_input
from engine.metrics.grid_pass import GridResult, run_grid_pass
from engine.metrics.sources import (
    Frame,
    Source,
    classify_source,
    layer_crs,
    lines_bounds,
    metre_frame,
    read_lines,
)
from engine.vectorize import VectorizeConfig

from .threshold import DEFAULT_THRESHOLD, raster_threshold

__all__ = ["METRIC_KEYS", "evaluate"]

logger = logging.getLogger(__name__)

#: The keys of the dict that :func:`evaluate` returns, in order.
METRIC_KEYS = ("precision", "recall", "f1", "iou", "relaxed_precision", "relaxed_recall",
               "relaxed_f1", "completeness", "correctness", "quality", "apls")
_SNAP_M = 1.0  # line ends this close (metres) to another line are joined in graphs
_APLS_BUFFER_M = 4.0  # SpaceNet's snapping distance of APLS control nodes


def evaluate(pred_path: str, truth_path: str, *, rho_px: float = 3.0, buffer_m: float = 3.0,
             threshold: float | None = None, apls_node_spacing_m: float = 25.0,
             truth_width_m: float = 6.0, vectorize_config: VectorizeConfig | None = None,
             reporter: Reporter | None = None) -> dict[str, float]:
    """Pixel, relaxed, centerline (Wiedemann) and APLS scores of a road prediction.

    Rasters are read by blocks (``vectorize_config.block_px``, with a margin), so memory
    follows the block size and the road graphs, not the rasters: pixel and relaxed counts
    add up over the blocks, and the centerline graphs of raster inputs are built block by
    block as ``vectorize`` builds them (:mod:`engine.metrics.grid_pass`).

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
        Clean-up, centerline and block options for masks (its ``threshold`` is not used:
        ``threshold`` is); the defaults when omitted.
    reporter : Reporter, optional
        Receives progress ("evaluating" by blocks, then "apls"); its ``should_stop`` is
        polled every 0.1 s, and the evaluation stops at once wherever it is
        (:func:`engine.metrics.cancel.stop_when_asked`): a cancel waits for one call into
        compiled code at most.

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
    CancelledError
        ``reporter.should_stop()`` turned true.
    """
    if threshold is None:
        threshold = raster_threshold(pred_path) or DEFAULT_THRESHOLD
    _check_options(rho_px, buffer_m, threshold, apls_node_spacing_m, truth_width_m)
    if vectorize_config is not None and not isinstance(vectorize_config, VectorizeConfig):
        raise BadInputError("vectorize_config must be a VectorizeConfig; got "
                            f"{type(vectorize_config).__name__}")
    config = vectorize_config or VectorizeConfig()
    reporter = reporter or Reporter()
    pred = classify_source(pred_path, "prediction")
    truth = classify_source(truth_path, "truth")
    # An evaluation writes nothing, so a cancel may stop it anywhere: inside a block's
    # vectorisation or APLS as well as between blocks (engine.metrics.cancel).
    with stop_when_asked(reporter.should_stop):
        scores = _scores(pred, truth, threshold=threshold, rho_px=rho_px, buffer_m=buffer_m,
                         apls_node_spacing_m=apls_node_spacing_m, width_m=truth_width_m,
                         config=config, reporter=reporter)
    return {key: float(scores[key]) for key in METRIC_KEYS}


def _scores(pred: Source, truth: Source, *, threshold: float, rho_px: float, buffer_m: float,
            apls_node_spacing_m: float, width_m: float, config: VectorizeConfig,
            reporter: Reporter) -> dict[str, float]:
    """Every score of two checked inputs (pixel and relaxed ones NaN without a grid)."""
    if pred.kind == "lines" and truth.kind == "lines":
        scores = dict.fromkeys(METRIC_KEYS[:7], float("nan"))
        pred_graph, truth_graph = _line_graphs(pred, truth, width_m)
    else:
        scores, pred_graph, truth_graph = _on_grid(pred, truth, threshold, rho_px, width_m,
                                                   config, reporter)
    scores.update(centerline_scores(graph_lines(pred_graph), graph_lines(truth_graph),
                                    buffer_m=buffer_m,
                                    check_cancelled=reporter.check_cancelled).to_dict())
    reporter.progress("apls", 0, 1)
    scores["apls"] = apls_scores(pred_graph, truth_graph, node_spacing_m=apls_node_spacing_m,
                                 buffer_m=_APLS_BUFFER_M).apls
    reporter.progress("apls", 1, 1)
    return scores


def _on_grid(pred: Source, truth: Source, threshold: float, rho_px: float, width_m: float,
             config: VectorizeConfig,
             reporter: Reporter) -> tuple[dict[str, float], nx.Graph, nx.Graph]:
    """Pixel and relaxed scores and both graphs (metres) of inputs with a grid."""
    grid = read_info(pred.path if pred.kind == "raster" else truth.path)
    frame = metre_frame(grid.crs_wkt, grid.bounds)
    scale = pixel_size_xy_m(grid.crs_wkt, grid.geotransform, grid.width, grid.height)
    inputs = [grid_input(source, grid, frame, threshold=threshold, width_m=width_m)
              for source in (pred, truth)]
    result = run_grid_pass(*inputs, grid, rho_px=rho_px, scale_m=scale, config=config,
                           metric_lengths=partial(lengths_m, crs_wkt=grid.crs_wkt,
                                                  bounds=grid.bounds),
                           reporter=reporter)
    graphs = [_graph(result, getattr(result, f"{role}_graph"), source.lines, frame)
              for role, source in zip(("pred", "truth"), inputs, strict=True)]
    return _pixel(result), graphs[0], graphs[1]


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


def _pixel(result: GridResult) -> dict[str, float]:
    scores = result.counts.scores().to_dict()
    relaxed = result.counts.relaxed()
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


def _graph(result: GridResult, graph: nx.Graph | None, lines: list[LineString] | None,
           frame: Frame) -> nx.Graph:
    """The centerline graph of a raster input (from the pass), else of its lines within the
    valid area, in metres."""
    if lines is not None:
        return _lines_graph(_within(lines, result.valid_area), frame)
    assert graph is not None  # a raster input always has its builder's graph
    return transform_graph(graph, frame[0]) if frame else graph
