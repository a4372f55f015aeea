"""Per-band robust normalisation: percentile statistics and scaling to about [0, 1]."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.errors import BadInputError, RasterReadError
from engine.io.raster import open_raster, sample_valid_pixels

__all__ = ["BandStats", "compute_band_stats", "image_stats", "model_stats", "normalize"]

logger = logging.getLogger(__name__)

# Normalised values are clipped to this range, so outliers cannot dominate a batch.
_CLIP_LOW = -1.0
_CLIP_HIGH = 2.0


@dataclass(frozen=True)
class BandStats:
    """Per-band values mapped to 0 and 1 by :func:`normalize`."""

    low: tuple[float, ...]  # per band, the value that becomes 0 (lower percentile)
    high: tuple[float, ...]  # per band, the value that becomes 1 (upper percentile)
    percentiles: tuple[float, float] = (2.0, 98.0)  # the percentiles low and high come from

    def __post_init__(self) -> None:
        low = tuple(float(v) for v in self.low)
        high = tuple(float(v) for v in self.high)
        percentiles = tuple(float(v) for v in self.percentiles)
        if not low or len(low) != len(high):
            raise BadInputError(
                f"low and high need one value per band, at least one; got {len(low)} and "
                f"{len(high)}"
            )
        if not all(math.isfinite(v) for v in low + high):
            raise BadInputError(f"band statistics must be finite; got low={low}, high={high}")
        if any(h < lo for lo, h in zip(low, high, strict=True)):
            raise BadInputError(f"high must be >= low for every band; got low={low}, high={high}")
        # A constant band (high == low) is widened rather than rejected: it normalises to 0.
        high = tuple(lo + 1.0 if h == lo else h for lo, h in zip(low, high, strict=True))
        _check_percentiles(percentiles)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "percentiles", percentiles)

    @property
    def band_count(self) -> int:
        """Number of bands described."""
        return len(self.low)

    def to_dict(self) -> dict:
        """A JSON-ready dictionary (lists, not tuples)."""
        return {
            "low": list(self.low),
            "high": list(self.high),
            "percentiles": list(self.percentiles),
        }

    @classmethod
    def from_dict(cls, data: dict) -> BandStats:
        """Rebuild from :meth:`to_dict`'s output."""
        try:
            return cls(
                low=tuple(data["low"]),
                high=tuple(data["high"]),
                percentiles=tuple(data.get("percentiles", (2.0, 98.0))),  # type: ignore[arg-type]
            )
        except (KeyError, TypeError) as err:
            raise BadInputError(f"band statistics need 'low' and 'high' lists; got {data}") from err


def _check_percentiles(percentiles: Sequence[float]) -> None:
    if len(percentiles) != 2 or not 0.0 <= percentiles[0] < percentiles[1] <= 100.0:
        raise BadInputError(
            f"percentiles must be (low, high) with 0 <= low < high <= 100; got {percentiles}"
        )


def compute_band_stats(
    paths: Sequence[str],
    *,
    percentiles: tuple[float, float] = (2.0, 98.0),
    sample_size: int = 200_000,
    rng: np.random.Generator,
) -> BandStats:
    """Robust per-band percentiles from a sample of valid pixels over several rasters.

    Parameters
    ----------
    paths : sequence of str
        Rasters with the same band count; each gives an equal share of the sample.
    percentiles : (float, float)
        Lower and upper percentiles, in [0, 100].
    sample_size : int
        Most pixels sampled in total, >= 1.
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    BandStats

    Raises
    ------
    BadInputError
        No path, bad percentiles or sample size, rasters with different band counts.
    RasterReadError
        A raster that is unreadable or has no valid pixel.
    """
    if not paths:
        raise BadInputError("compute_band_stats needs at least one raster path")
    _check_percentiles(percentiles)
    if sample_size < 1:
        raise BadInputError(f"sample_size must be >= 1; got {sample_size}")
    datasets = [open_raster(path) for path in paths]
    first_count = datasets[0].RasterCount
    for path, ds in zip(paths, datasets, strict=True):
        if ds.RasterCount != first_count:
            raise BadInputError(
                f"{paths[0]} has {first_count} bands but {path} has {ds.RasterCount}; "
                "every raster of one model must have the same bands"
            )
    share = math.ceil(sample_size / len(paths))
    samples = []
    for path, ds in zip(paths, datasets, strict=True):
        sample = sample_valid_pixels(ds, share, rng=rng)
        if sample.shape[1] == 0:
            raise RasterReadError(f"{path} has no valid pixel (all nodata); remove it or fix it")
        samples.append(sample)
    pixels = np.concatenate(samples, axis=1)
    low, high = np.percentile(pixels, percentiles, axis=1)
    logger.debug("band stats from %d pixels: low=%s high=%s", pixels.shape[1], low, high)
    return BandStats(low=tuple(low), high=tuple(high), percentiles=percentiles)


def model_stats(meta: dict, path: str) -> BandStats:
    """The statistics a model normalises the raster ``path`` with.

    Those stored in the model's metadata, or, for a model whose ``normalization_scope`` is
    ``"image"`` (a base model trained on generated scenes, each normalised by itself), the
    raster's own percentiles (the model's percentiles, a fixed sample: reproducible).

    Parameters
    ----------
    meta : dict
        A model file's metadata, with ``normalization``.
    path : str
        The raster to be normalised.
    """
    stored = BandStats.from_dict(meta["normalization"])
    if meta.get("normalization_scope", "model") == "model":
        return stored
    if meta["normalization_scope"] != "image":
        raise BadInputError(f"normalization_scope {meta['normalization_scope']!r} is not "
                            "one of 'model', 'image'")
    return image_stats(path, stored.percentiles)


def image_stats(path: str, percentiles: tuple[float, float]) -> BandStats:
    """The raster's own percentile statistics, from a fixed sample (reproducible): how a
    model of ``normalization_scope`` ``"image"`` normalises it."""
    return compute_band_stats([path], percentiles=percentiles, rng=np.random.default_rng(0))


def normalize(
    array: np.ndarray, stats: BandStats, *, valid_mask: np.ndarray | None = None
) -> np.ndarray:
    """Scale each band so that ``low`` becomes 0 and ``high`` becomes 1.

    Parameters
    ----------
    array : np.ndarray
        Shape (bands, rows, cols), any numeric dtype.
    stats : BandStats
        With one value per band of ``array``.
    valid_mask : np.ndarray, optional
        Shape (rows, cols), bool; pixels where it is False become 0.

    Returns
    -------
    np.ndarray
        Shape (bands, rows, cols), float32, clipped to [-1, 2]; invalid and non-finite
        pixels are 0.
    """
    array = np.asarray(array)
    if array.ndim != 3:
        raise BadInputError(f"array must have shape (bands, rows, cols); got {array.shape}")
    if array.shape[0] != stats.band_count:
        raise BadInputError(
            f"the array has {array.shape[0]} bands but the statistics describe "
            f"{stats.band_count}"
        )
    if valid_mask is not None and np.shape(valid_mask) != array.shape[1:]:
        raise BadInputError(
            f"valid_mask has shape {np.shape(valid_mask)}; expected {array.shape[1:]}"
        )
    low = np.asarray(stats.low, dtype=np.float32)[:, None, None]
    # The span is taken in float64 so that close large values do not round to a zero span.
    span = (np.asarray(stats.high) - np.asarray(stats.low)).astype(np.float32)[:, None, None]
    with np.errstate(invalid="ignore"):
        out = (array.astype(np.float32) - low) / span
    np.clip(out, _CLIP_LOW, _CLIP_HIGH, out=out)
    out[~np.isfinite(out)] = 0.0
    if valid_mask is not None:
        out[:, ~np.asarray(valid_mask, dtype=bool)] = 0.0
    return out
