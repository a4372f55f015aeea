"""Where to label next: the unlabeled tiles the model sees least consistently.

Each candidate tile is predicted inside two random contexts with photometric augmentation
(:func:`engine.pseudo_labels.score_tiles`, the measure that ranks pseudo-label tiles) and
the tiles with the highest positive-pair disagreement come first.
"""

from __future__ import annotations

import dataclasses
import logging
import math

import numpy as np
import torch

from .config import TrainConfig
from .device import resolve_device
from .errors import BadInputError, ModelLoadError
from .events import Reporter
from .io.raster import RasterInfo, Window, read_info
from .labels import LabelSources, rasterize_labels
from .model_file import load_model
from .normalization import model_stats
from .predict.forward import cancel_checks
from .pseudo_labels import candidate_tiles, score_tiles
from .training.sources import RasterSource

__all__ = ["RankedTiles", "rank_tiles", "context_px_for", "check_tile_fits", "check_bands",
           "tile_polygon"]


@dataclasses.dataclass(frozen=True)
class RankedTiles:
    """The suggested tiles, and how many tiles there were to choose from."""

    tiles: list[tuple[Window, float]]  # (window, disagreement), highest first
    full_tiles: int  # full tiles of the raster
    labeled: int  # of which left out: more than 10 % labeled
    without_data: int  # of which not scored: no valid pixel to predict


logger = logging.getLogger(__name__)


def context_px_for(tile_px: int) -> int:
    """The context window of a tile: 1.5 x the tile, rounded up to a multiple of 32."""
    return max(tile_px, int(math.ceil(tile_px * 3 // 2 / 32)) * 32)


def check_tile_fits(info: RasterInfo, tile_px: int, *, option: str = "tile_px") -> None:
    """Refuse a tile side larger than the raster: no tile would be suggested.

    ``option`` names the setting in the message (``--tile`` on the command line).
    """
    side = min(info.width, info.height)
    if tile_px > side:
        raise BadInputError(f"{option} {tile_px} is larger than the raster ({info.width} x "
                            f"{info.height} px) {info.path}; choose {option} {side} or less")


def check_bands(info: RasterInfo, meta: dict, model_path: str) -> None:
    """Refuse a raster whose band count is not the model's, naming both counts and files
    (before its pixels are normalised with statistics of the wrong length)."""
    expected = int(meta["bands"]["count"])
    if info.band_count != expected:
        raise ModelLoadError(
            f"the model {model_path} was trained on {expected} band(s) but the raster "
            f"{info.path} has {info.band_count}; suggest tiles on a raster with the model's "
            f"bands, or give a model trained on {info.band_count}-band rasters")


def tile_polygon(info: RasterInfo, window: Window) -> str:
    """The WKT polygon of a window in the raster's map coordinates."""
    x0, dx, rx, y0, ry, dy = info.geotransform
    corners = [(window.col_off + c, window.row_off + r) for c, r in
               ((0, 0), (window.cols, 0), (window.cols, window.rows), (0, window.rows), (0, 0))]
    points = [(x0 + c * dx + r * rx, y0 + c * ry + r * dy) for c, r in corners]
    return "POLYGON((" + ",".join(f"{x!r} {y!r}" for x, y in points) + "))"


def rank_tiles(model_path: str, image_path: str, *, tile_px: int = 256, top: int = 10,
               labels: LabelSources | None = None, device: str = "auto", seed: int = 0,
               reporter: Reporter | None = None) -> RankedTiles:
    """The ``top`` unlabeled tiles of ``image_path`` with the highest disagreement.

    Parameters
    ----------
    model_path, image_path : str
    tile_px : int
        Tile side in pixels, at most the raster's shorter side; only full tiles are
        candidates.
    top : int
        Tiles returned.
    labels : LabelSources, optional
        The human labels; tiles they cover (more than 10 %) are left out.
    device : str
    seed : int
        Seeds the contexts and the augmentation.
    reporter : Reporter, optional
        Progress (stage "label next"); its ``should_stop`` is polled before every layer.

    Returns
    -------
    RankedTiles
        The tiles, highest disagreement first, and the counts of full tiles, of those
        left out as labeled and of those without data.

    Raises
    ------
    ModelLoadError
        An unreadable model, or one trained on another band count than the raster's.
    """
    info = read_info(image_path)
    check_tile_fits(info, tile_px)
    dev = resolve_device(device)
    model, meta = load_model(model_path, device=dev)
    check_bands(info, meta, model_path)
    config = TrainConfig.from_dict(meta.get("config", {}))
    source = RasterSource(info, model_stats(meta, info.path))
    human = rasterize_labels(info, labels) if labels is not None else None
    windows = candidate_tiles(source.shape, tile_px, human=human)
    if not windows:
        logger.warning("every %d px tile of %s is more than 10 %% labeled: no tile to "
                       "suggest", tile_px, image_path)
    pseudo = dataclasses.replace(config.pseudo, tile_px=tile_px,
                                 context_px=context_px_for(tile_px))

    def progress(done: int, total: int) -> None:
        if reporter is not None:
            reporter.check_cancelled()
            reporter.progress("label next", done, total)

    # Cancel is also checked before every layer: a pass of a large network takes seconds.
    with cancel_checks(model, reporter.check_cancelled if reporter is not None else None):
        scores = score_tiles(model, lambda _, w: source.read(w), [(0, w) for w in windows],
                             pseudo, config.augment, device=dev,
                             rng=np.random.default_rng(seed),
                             generator=torch.Generator().manual_seed(seed), progress=progress)
    ranked = sorted((s for s in scores if np.isfinite(s.disagreement)),
                    key=lambda s: -s.disagreement)
    full = (source.shape[0] // tile_px) * (source.shape[1] // tile_px)
    return RankedTiles([(s.window, float(s.disagreement)) for s in ranked[:top]], full,
                       full - len(windows), len(windows) - len(ranked))
