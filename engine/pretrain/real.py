"""Real labelled images beside the generated scenes: read once, normalised per chunk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal

from ..errors import BadInputError
from ..io.digest import file_sha256
from ..io.paths import input_files
from ..io.raster import Window, open_raster, read_info, read_valid_mask, read_window
from ..labels import IGNORE, LabelSources, rasterize_labels
from ..normalization import image_stats, normalize
from ..training.holdout import HoldoutTile, split_holdout
from .config import PretrainConfig, RealImage
from .scenes import TrainingScene, jittered_stats

__all__ = ["RealLabelled", "load_real_images", "real_scene", "holdout_image", "describe"]


@dataclass(frozen=True)
class RealLabelled:
    """One real image as pretraining reads it: raw pixels and the labels trained on."""

    source: RealImage
    pixels: np.ndarray  # (bands, rows, cols) as read, float32
    valid: np.ndarray  # (rows, cols) bool
    labels: np.ndarray  # (rows, cols) uint8; the hold-out tiles are IGNORE
    files: tuple[tuple[str, str], ...]  # (file name, sha256) of the image and its sources
    licence: str | None  # the LICENSE item of the road file's metadata, when it has one
    pixel_size_m: float  # the image's pixel side in metres


def _checksums(image: str) -> tuple[tuple[str, str], ...]:
    """The image's file and, for a VRT, the files it reads, each with its sha256: the
    pixels a model saw are named by the files that hold them."""
    return tuple((Path(f).name, file_sha256(f)) for f in input_files(image) if Path(f).is_file())


def _licence(roads: str) -> str | None:
    ds = gdal.OpenEx(roads.split("|")[0], gdal.OF_VECTOR)
    return None if ds is None else ds.GetMetadataItem("LICENSE")


def load_real_images(config: PretrainConfig) -> tuple[list[RealLabelled], list[HoldoutTile]]:
    """Read ``config.real_images`` and their labels, and hold out tiles of them.

    The hold-out (``config.real_holdout`` of the labelled pixels, whole tiles, road-bearing
    tiles first) is the same on every run with the same seed, so a resumed run trains on
    the same pixels.

    Returns
    -------
    images : list of RealLabelled
        With the hold-out tiles set to IGNORE in ``labels``.
    holdout : list of HoldoutTile
        ``source`` indexes ``images``; empty when ``config.real_holdout`` is 0.

    Raises
    ------
    BadInputError
        An image whose band count is not ``config.bands``, or without a labelled pixel.
    """
    if not config.real_images:
        return [], []
    loaded = []
    for real in config.real_images:
        info = read_info(real.image)
        if info.band_count != config.bands:
            raise BadInputError(
                f"real image {real.image} has {info.band_count} band(s) but the base model "
                f"is for {config.bands}; give a raster (or a VRT choosing bands) with "
                f"{config.bands}")
        labels = rasterize_labels(info, LabelSources(roads=real.roads, aoi=real.aoi))
        if not np.any(labels != IGNORE):
            raise BadInputError(f"real image {real.image} has no labelled pixel inside its "
                                f"labels {real.roads}")
        ds = open_raster(real.image)
        whole = Window.whole(info.width, info.height)
        loaded.append((real, read_window(ds, whole).astype(np.float32),
                       read_valid_mask(ds, whole), labels, info.pixel_size_m))
    holdout: list[HoldoutTile] = []
    train_labels = [lab for _, _, _, lab, _ in loaded]
    if config.real_holdout > 0:
        try:
            train_labels, holdout = split_holdout(
                train_labels, tile_px=config.real_holdout_tile_px,
                fraction=config.real_holdout, rng=np.random.default_rng([config.seed, 7]))
        except BadInputError as err:
            raise BadInputError(
                f"the real images' labels cannot give the threshold's hold-out "
                f"(real_holdout {config.real_holdout}, tiles of "
                f"{config.real_holdout_tile_px} px): {err}") from err
    images = [RealLabelled(real, pixels, valid, lab, _checksums(real.image), _licence(real.roads),
                           pixel_m)
              for (real, pixels, valid, _, pixel_m), lab in zip(loaded, train_labels,
                                                                 strict=True)]
    return images, holdout


def real_scene(real: RealLabelled, *, jitter: float, percentiles: tuple[float, float],
               rng: np.random.Generator) -> TrainingScene:
    """The image normalised by its own percentiles, each end moved by up to ``jitter``
    x span as a generated scene's, with its training labels."""
    stats = jittered_stats(real.pixels, real.valid, jitter=jitter, percentiles=percentiles,
                           rng=rng)
    return TrainingScene(normalize(real.pixels, stats, valid_mask=real.valid), real.labels)


def holdout_image(real: RealLabelled, percentiles: tuple[float, float]) -> np.ndarray:
    """The image normalised as a base model's prediction will normalise it (its own
    percentiles from the same fixed sample), for choosing and scoring the threshold."""
    return normalize(real.pixels, image_stats(real.source.image, percentiles),
                     valid_mask=real.valid)


def describe(images: list[RealLabelled]) -> list[dict[str, object]]:
    """What the model's metadata says of each real image: file names (no folders, as the
    file may be shipped), checksum, licence and the labelled pixels trained on."""
    return [{"image": Path(r.source.image).name,
             "files": [{"name": name, "sha256": digest} for name, digest in r.files],
             "labels": Path(r.source.roads.split("|")[0]).name,
             "aoi": None if r.source.aoi is None else Path(r.source.aoi.split("|")[0]).name,
             "licence": r.licence, "pixel_size_m": round(r.pixel_size_m, 4),
             "labelled_pixels_trained": int(np.count_nonzero(r.labels != IGNORE))}
            for r in images]
