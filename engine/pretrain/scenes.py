"""Domain-randomised generated scenes, normalised and labelled, for pretraining."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..labels import BACKGROUND, IGNORE, ROAD
from ..normalization import BandStats, normalize
from ..synth import SceneConfig, generate_scene
from ..synth.config import DTYPES
from .config import PretrainConfig

__all__ = ["TrainingScene", "draw_scene_config", "jittered_stats", "training_scene",
           "scene_rng"]

#: Widest road a scene may have, as a share of its side (SceneConfig's own limit).
_MAX_WIDTH_SHARE = 0.4
#: Narrowest road SceneConfig accepts (m).
_MIN_WIDTH_M = 0.5
#: Deepest nodata border, as a share of the scene's side.
_MAX_BORDER_SHARE = 1 / 8


@dataclass(frozen=True)
class TrainingScene:
    """One generated scene as the training loop reads it."""

    image: np.ndarray  # (bands, rows, cols) float32, normalised (0 where invalid)
    labels: np.ndarray  # (rows, cols) uint8: ROAD, BACKGROUND, IGNORE on the nodata border

    @property
    def valid(self) -> np.ndarray:
        """(rows, cols) bool: the pixels with image data."""
        return self.labels != IGNORE


def scene_rng(config: PretrainConfig, chunk: int, index: int) -> np.random.Generator:
    """The generator of scene ``index`` of chunk ``chunk``: the same scene on every run."""
    return np.random.default_rng([config.seed, chunk, index])


def draw_scene_config(config: PretrainConfig, *, rng: np.random.Generator) -> SceneConfig:
    """A random scene within ``config``'s ranges: style, pixel size, sample type, road
    widths, trees, buildings, shadows, lane markings and sometimes a nodata border."""
    low, high = config.pixel_size_m
    pixel_m = float(math.exp(rng.uniform(math.log(low), math.log(high))))
    widest = _MAX_WIDTH_SHARE * config.scene_px * pixel_m
    widths = np.sort(rng.uniform(*config.road_width_m, size=2))
    widths = np.clip(widths, _MIN_WIDTH_M, max(widest, _MIN_WIDTH_M))
    border = 0
    if rng.random() < config.nodata_share:
        border = int(rng.integers(1, max(2, int(config.scene_px * _MAX_BORDER_SHARE) + 1)))
    return SceneConfig(
        size_px=config.scene_px, pixel_size_m=pixel_m, bands=config.bands,
        dtype=str(rng.choice(DTYPES)), style=str(rng.choice(config.styles)),
        road_width_m=(float(widths[0]), float(widths[1])),
        tree_density=float(rng.uniform(*config.tree_density)),
        building_density=float(rng.uniform(0.0, 1.0)),
        shadow_strength=float(rng.uniform(*config.shadow_strength)),
        nodata_border_px=border, lane_markings=bool(rng.random() < 0.5),
        paved_share=float(rng.uniform(*config.paved_share)),
        material_jitter=float(rng.uniform(*config.material_jitter)),
        blur_px=float(rng.uniform(*config.blur_px)))


def jittered_stats(image: np.ndarray, valid: np.ndarray, *, jitter: float,
                   percentiles: tuple[float, float], rng: np.random.Generator) -> BandStats:
    """The image's own percentile statistics, each end moved by up to ``jitter`` x span.

    Parameters
    ----------
    image : ndarray, shape (bands, rows, cols)
    valid : ndarray of bool, shape (rows, cols), with at least one True
    jitter : float
        Largest move of ``low`` and ``high``, as a share of ``high - low``.
    percentiles : (float, float)
    rng : numpy.random.Generator
    """
    pixels = image[:, valid].astype(np.float64)
    low, high = np.percentile(pixels, percentiles, axis=1)
    span = np.maximum(high - low, 1e-6)
    low = low + rng.uniform(-jitter, jitter, len(low)) * span
    high = high + rng.uniform(-jitter, jitter, len(high)) * span
    high = np.maximum(high, low + 0.05 * span)  # never inverted, never flat
    return BandStats(tuple(low), tuple(high), percentiles)


def training_scene(config: PretrainConfig, *, percentiles: tuple[float, float],
                   rng: np.random.Generator) -> TrainingScene:
    """Generate one randomised scene, normalised by its own jittered statistics.

    Returns
    -------
    TrainingScene
        Labels are ROAD on the true road surface (also under trees and shadows),
        BACKGROUND elsewhere, IGNORE on the nodata border.
    """
    scene = generate_scene(draw_scene_config(config, rng=rng), rng=rng)
    stats = jittered_stats(scene.image, scene.valid_mask, jitter=config.norm_jitter,
                           percentiles=percentiles, rng=rng)
    image = normalize(scene.image, stats, valid_mask=scene.valid_mask)
    labels = np.where(scene.road_mask, ROAD, BACKGROUND).astype(np.uint8)
    labels[~scene.valid_mask] = IGNORE
    return TrainingScene(image, labels)
