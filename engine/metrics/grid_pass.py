"""One pass over the evaluation grid by blocks: pixel counts, centerline graphs, valid area."""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..events import Reporter
from ..io.blocks import BlockGrid
from ..io.gdal_cache import limited_gdal_cache
from ..io.raster import RasterInfo
from ..vectorize import CenterlineBuilder, EdgeRows, VectorizeConfig, rows_to_graph
from ..vectorize.edges import LengthFunction
from ..vectorize.polygon_stitch import PolygonStitcher
from ..vectorize.polygons import pixel_to_map
from .grid_inputs import GridInput
from .pixel import PixelCounts, count_pixels

__all__ = ["GridResult", "run_grid_pass"]


@dataclass
class GridResult:
    """What one pass over the grid found."""

    counts: PixelCounts  # pixel and relaxed counts over the pixels valid in both inputs
    pred_graph: nx.Graph | None  # centerlines of a raster prediction (map coordinates)
    truth_graph: nx.Graph | None  # ... of a truth raster
    valid_area: BaseGeometry | None  # footprint of the valid pixels; None if all are valid
    blocks: int  # blocks of the grid
    blocks_empty: int  # blocks without any pixel valid in both inputs


class _Graph:
    """A centerline graph growing from a builder's finished rows."""

    def __init__(self) -> None:
        self.graph = nx.Graph()

    def add(self, rows: EdgeRows) -> None:
        rows_to_graph(rows, self.graph)


def _builder(grid: BlockGrid, info: RasterInfo, scale: tuple[float, float],
             config: VectorizeConfig, lengths: LengthFunction | None,
             source: GridInput) -> tuple[CenterlineBuilder | None, _Graph | None]:
    if source.lines is not None:
        return None, None
    graph = _Graph()
    return CenterlineBuilder(grid, scale, info.geotransform, config, metric_lengths=lengths,
                             on_lines=graph.add), graph


def run_grid_pass(pred: GridInput, truth: GridInput, info: RasterInfo, *, rho_px: float,
                  scale_m: tuple[float, float], config: VectorizeConfig,
                  metric_lengths: LengthFunction | None, reporter: Reporter) -> GridResult:
    """Read both inputs block by block and accumulate everything the scores need.

    Blocks are read with a margin of the vectorisation halo (and at least ``rho_px`` + 1
    pixels), so the relaxed counts and the centerline graphs of raster inputs (road mask
    restricted to the pixels valid in both, cleaned and skeletonized as ``vectorize``
    does, :class:`~engine.vectorize.CenterlineBuilder`) equal those of the whole grid.
    When a line input needs clipping, the pixels valid in both are polygonized by blocks
    (:class:`~engine.vectorize.polygon_stitch.PolygonStitcher`). Blocks that either input
    surely lacks are not read.
    """
    halo = max(config.halo_px(min(scale_m)), math.ceil(rho_px) + 1)
    grid = BlockGrid(info.height, info.width, config.block_px, halo)
    pred_builder, pred_graph = _builder(grid, info, scale_m, config, metric_lengths, pred)
    truth_builder, truth_graph = _builder(grid, info, scale_m, config, metric_lengths, truth)
    counts, empty, partial = PixelCounts(), 0, False
    valid_parts: list = []
    valid_polygons = None
    if pred.lines is not None or truth.lines is not None:  # lines are clipped to valid pixels
        valid_polygons = PolygonStitcher(grid, tolerance_px=0.0,
                                         max_vertices=config.max_polygon_vertices,
                                         emit=valid_parts.extend)
    with limited_gdal_cache():
        reporter.progress("evaluating", 0, len(grid))
        for block in grid:
            reporter.check_cancelled()
            road_valid = None
            if not (pred.without_data(block.read) or truth.without_data(block.read)):
                p_road, p_valid = pred.read(block.read)
                t_road, t_valid = truth.read(block.read)
                valid = p_valid & t_valid
                if valid.any():
                    road_valid = (p_road, t_road, valid)
                pred.release()
                truth.release()
            core_valid = None
            if road_valid is None:
                empty += 1
                partial = True
                for builder in (pred_builder, truth_builder):
                    if builder is not None:
                        builder.skip(block)
            else:
                p_road, t_road, valid = road_valid
                core = block.core_in_read
                counts.add(count_pixels(p_road, t_road, rho_px=rho_px, valid=valid, core=core))
                for builder, road in ((pred_builder, p_road), (truth_builder, t_road)):
                    if builder is not None:
                        builder.add(block, (road & valid).astype(np.float32), valid, 0.5)
                core_valid = valid[core]
                partial = partial or not core_valid.all()
            if valid_polygons is not None:
                valid_polygons.add_block(block, core_valid)
            reporter.progress("evaluating", block.index + 1, len(grid))
        for builder in (pred_builder, truth_builder):
            if builder is not None:
                builder.finish()
    area = None
    if valid_polygons is not None and partial:
        valid_polygons.finish()
        mapped = pixel_to_map(np.asarray(valid_parts, dtype=object), info.geotransform)
        area = shapely.union_all(mapped) if len(mapped) else shapely.Polygon()
    return GridResult(counts, pred_graph.graph if pred_graph else None,
                      truth_graph.graph if truth_graph else None, area, len(grid), empty)
