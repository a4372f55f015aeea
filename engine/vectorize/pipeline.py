"""vectorize_raster: a probability raster to one GeoPackage of road polygons and centerlines."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from functools import partial

import numpy as np

from engine.errors import BadInputError
from engine.events import Reporter
from engine.io.atomic import atomic_output
from engine.io.crs import areas_m2, lengths_m, pixel_size_xy_m
from engine.io.gdal_cache import limited_gdal_cache
from engine.io.paths import check_outputs
from engine.io.raster import read_info
from engine.io.vector_stream import GeoPackageStream
from engine.vectorize.blockwise import BlockRun, block_grid, run_blocks
from engine.vectorize.config import VectorizeConfig
from engine.vectorize.edges import EdgeRows
from engine.vectorize.polygon_stitch import PolygonStitcher
from engine.vectorize.polygons import pixel_to_map

__all__ = ["ROADS_LAYER", "CENTERLINES_LAYER", "VectorizeResult", "vectorize_raster"]

logger = logging.getLogger(__name__)

#: Names of the two layers of the output GeoPackage.
ROADS_LAYER = "roads"
CENTERLINES_LAYER = "centerlines"
_LAYERS = {
    ROADS_LAYER: ("Polygon", {"area_m2": "float"}),
    CENTERLINES_LAYER: ("LineString", {"length_m": "float", "start_degree": "int",
                                       "end_degree": "int"}),
}


@dataclass(frozen=True)
class VectorizeResult:
    """What :func:`vectorize_raster` wrote."""

    path: str  # the GeoPackage
    polygon_count: int  # features of the roads layer
    road_area_m2: float  # their total area
    centerline_count: int  # features of the centerlines layer (graph edges)
    centerline_length_m: float  # their total length
    node_count: int  # junctions and ends of the centerline graph
    blocks: int = 1  # blocks of the raster
    blocks_empty: int = 0  # of those, blocks without valid pixels (not vectorised)

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return asdict(self)


class _Totals:
    """Running sums of what has been written."""

    def __init__(self) -> None:
        self.area_m2 = 0.0
        self.length_m = 0.0
        self.nodes: set[int] = set()

    def add_lines(self, rows: EdgeRows) -> None:
        self.length_m += sum(rows.length_m)
        self.nodes.update(rows.start_node)
        self.nodes.update(rows.end_node)


def vectorize_raster(
    prob_path: str,
    out_path: str,
    config: VectorizeConfig,
    *,
    reporter: Reporter | None = None,
    overwrite: bool = False,
) -> VectorizeResult:
    """Turn a road probability raster into road polygons and centerlines, by blocks.

    The raster is read by square blocks of ``config.block_px`` pixels, each with a margin
    of ``config.halo_m`` (:mod:`engine.vectorize.blockwise`): each block's road mask
    (threshold, small blobs and holes removed) is polygonized and skeletonized; the
    polygons and the parts of the cleaned centerline graph that a block's core owns are
    joined to its neighbours' across the seams
    (:class:`~engine.vectorize.polygon_stitch.PolygonStitcher`,
    :class:`~engine.vectorize.stitch.CenterlineStitcher`), and written as soon as no
    later block can change them. So memory follows the block size (and the roads that
    reach blocks not yet done), not the raster's size, and the result equals the
    whole-raster one (``tests/engine/vectorize/test_seams.py``). Blocks GDAL reports
    empty (outside a VRT's sources, tiles never written in a sparse GeoTIFF such as
    ``predict`` writes) are not read. Lengths and areas are in metres, also on a
    geographic raster (measured in a local azimuthal equidistant frame).

    Parameters
    ----------
    prob_path : str
        One band, Byte (probability x 254, 255 nodata; or a 0/1 mask) or Float32/Float64
        in [0, 1] with its nodata: the output of ``predict``, or a VRT of several.
    out_path : str
        The GeoPackage to write (atomically), with layers ``roads`` (Polygon, area_m2)
        and ``centerlines`` (LineString, length_m, start_degree, end_degree), in the
        raster's CRS; both exist, maybe empty.
    config : VectorizeConfig
    reporter : Reporter, optional
        Receives progress ("vectorize", by blocks); its ``should_stop`` is polled before
        each block.
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
    check_outputs({"out_path": str(out_path)}, {"prob_path": str(prob_path)},
                  overwrite=overwrite)
    info = read_info(str(prob_path))
    scale = pixel_size_xy_m(info.crs_wkt, info.geotransform, info.width, info.height)
    totals = _Totals()
    with limited_gdal_cache(), atomic_output(str(out_path), overwrite=overwrite,
                                             suffix=".gpkg") as tmp:
        stream = GeoPackageStream(tmp, info.crs_wkt, _LAYERS)
        try:
            run = BlockRun(info, scale, config, metric_lengths=partial(
                lengths_m, crs_wkt=info.crs_wkt, bounds=info.bounds))

            def write_lines(rows: EdgeRows) -> None:
                stream.add(CENTERLINES_LAYER, rows.lines, {
                    "length_m": rows.length_m, "start_degree": rows.start_degree,
                    "end_degree": rows.end_degree})
                totals.add_lines(rows)

            def write_polygons(polygons: list) -> None:
                mapped = list(pixel_to_map(np.asarray(polygons, dtype=object),
                                           info.geotransform))
                areas = [float(a) for a in areas_m2(mapped, crs_wkt=info.crs_wkt,
                                                    bounds=info.bounds)]
                stream.add(ROADS_LAYER, mapped, {"area_m2": areas})
                totals.area_m2 += sum(areas)

            polygons = PolygonStitcher(
                block_grid(info.height, info.width, scale, config),
                tolerance_px=config.polygon_simplify_m / (sum(scale) / 2),
                max_vertices=config.max_polygon_vertices, emit=write_polygons)

            def block_progress(done: int, total: int) -> None:
                reporter.progress("vectorize", done, total)

            blocks = run_blocks(run, on_lines=write_lines, on_mask=polygons.add_block,
                                progress=block_progress, reporter=reporter)
            polygons.finish()
        finally:
            stream.close()
    result = VectorizeResult(
        path=str(out_path), polygon_count=stream.counts[ROADS_LAYER],
        road_area_m2=totals.area_m2, centerline_count=stream.counts[CENTERLINES_LAYER],
        centerline_length_m=totals.length_m, node_count=len(totals.nodes),
        blocks=blocks.total, blocks_empty=blocks.empty)
    logger.info("vectorized %s: %s", prob_path, result)
    return result
