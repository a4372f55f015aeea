"""Centerlines and road masks of a raster computed block by block and joined at the seams."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import numpy as np

from engine.events import Reporter
from engine.io.atomic import temporary_prefix
from engine.io.blocks import Block, BlockGrid
from engine.io.coverage import window_without_data
from engine.io.probability import ProbabilityReader
from engine.io.raster import RasterInfo
from engine.vectorize.config import VectorizeConfig
from engine.vectorize.edges import EdgeFinisher, EdgeRows, LengthFunction
from engine.vectorize.mask import area_px, road_mask
from engine.vectorize.pieces import block_pieces
from engine.vectorize.stitch import CenterlineStitcher

__all__ = ["CenterlineBuilder", "BlockRun", "BlockCounts", "run_blocks", "scratch_path",
           "block_grid"]


def block_grid(height: int, width: int, scale_m: tuple[float, float],
               config: VectorizeConfig) -> BlockGrid:
    """The blocks of a raster of ``height`` x ``width`` pixels of ``scale_m`` metres."""
    return BlockGrid(height, width, config.block_px, config.halo_px(min(scale_m)))


class CenterlineBuilder:
    """The centerline graph of one raster grid, fed block by block.

    For each block (in the grid's row-major order) give the probability and valid pixels
    over its read window to :meth:`add`; it makes the road mask (threshold, small blobs
    and holes removed, as on a whole raster: the halo sees the rest of them), takes the
    centerline pieces the block owns and hands them to a
    :class:`~engine.vectorize.stitch.CenterlineStitcher`; finished edges go to
    ``on_lines`` as :class:`~engine.vectorize.edges.EdgeRows` (map coordinates, lengths,
    end degrees). Blocks without data go to :meth:`skip`.

    Parameters
    ----------
    grid : BlockGrid
    scale_m : (float, float)
        Pixel width and height in metres.
    geotransform : sequence of 6 float
        The grid's geotransform.
    config : VectorizeConfig
    metric_lengths : callable, optional
        Lengths in metres of LineStrings in map coordinates; metres on the grid if None.
    on_lines : callable
        Receives each batch of finished edges.
    """

    def __init__(self, grid: BlockGrid, scale_m: tuple[float, float], geotransform,
                 config: VectorizeConfig, *, metric_lengths: LengthFunction | None,
                 on_lines: Callable[[EdgeRows], None]) -> None:
        self.grid = grid
        self.config = config
        self._scale = scale_m
        pixel_area = scale_m[0] * scale_m[1]
        self._min_object_px = area_px(config.min_object_m2, pixel_area)
        self._min_hole_px = area_px(config.min_hole_m2, pixel_area)
        ids = count()
        finisher = EdgeFinisher(geotransform, scale_m, simplify_m=config.line_simplify_m,
                                metric_lengths=metric_lengths, ids=ids)
        self.stitcher = CenterlineStitcher(
            grid, scale_m=scale_m, reach_px=grid.halo_px,
            emit=lambda edges: on_lines(finisher.finish(edges)), ids=ids)

    def add(self, block: Block, prob: np.ndarray, valid: np.ndarray,
            threshold: float) -> np.ndarray:
        """Vectorise a block; return its road mask over the read window (bool)."""
        mask = road_mask(prob, valid, threshold=threshold, min_object_px=self._min_object_px,
                         min_hole_px=self._min_hole_px)
        pieces = block_pieces(mask, block, scale_m=self._scale,
                              shape=(self.grid.height, self.grid.width), config=self.config)
        self.stitcher.add_block(block.index, pieces)
        return mask

    def skip(self, block: Block) -> None:
        """A block without data: nothing of its own, but what it completes is finished."""
        self.stitcher.add_block(block.index, [])

    def finish(self) -> None:
        """Finish the edges still held (after the last block)."""
        self.stitcher.finish()


@dataclass(frozen=True)
class BlockRun:
    """What a block-by-block vectorisation of one probability raster needs."""

    info: RasterInfo
    scale_m: tuple[float, float]
    config: VectorizeConfig
    metric_lengths: LengthFunction | None = None


@dataclass(frozen=True)
class BlockCounts:
    """How many blocks a run had, and how many held no data."""

    total: int
    empty: int


def run_blocks(run: BlockRun, *, on_lines: Callable[[EdgeRows], None],
               on_mask: Callable[[Block, np.ndarray | None], None],
               progress: Callable[[int, int], None], reporter: Reporter) -> BlockCounts:
    """Vectorise a probability raster block by block.

    Each block's read window is read (unless GDAL tells it holds no data:
    :func:`engine.io.coverage.window_without_data`), thresholded at
    ``run.config.threshold`` and cleaned; the block and its core's mask (None without
    data) go to ``on_mask``, and its finished centerline edges to ``on_lines``. ``progress(done,
    total)`` is called with the blocks done, and cancel checked before each block.

    Returns
    -------
    BlockCounts
    """
    info, config = run.info, run.config
    grid = block_grid(info.height, info.width, run.scale_m, config)
    reader = ProbabilityReader(info)
    builder = CenterlineBuilder(grid, run.scale_m, info.geotransform, config,
                                metric_lengths=run.metric_lengths, on_lines=on_lines)
    empty = 0
    progress(0, len(grid))
    for block in grid:
        reporter.check_cancelled()
        core = None
        if not window_without_data(reader.dataset, block.read,
                                   nodata_overviews=reader.tagged):
            prob, valid = reader.read(block.read)
            reader.release()
            if valid.any():
                core = builder.add(block, prob, valid, config.threshold)[block.core_in_read]
            del prob, valid
        if core is None:
            builder.skip(block)
            empty += 1
        on_mask(block, core)
        progress(block.index + 1, len(grid))
    builder.finish()
    return BlockCounts(len(grid), empty)


def scratch_path(out_path: str, what: str) -> str:
    """A scratch file beside ``out_path``, named as its temporaries are (so that the ones a
    killed run leaves are removed by the next run writing ``out_path``)."""
    folder = os.path.dirname(os.path.abspath(out_path))
    return os.path.join(folder, f"{temporary_prefix(out_path)}{what}")
