"""Pseudo-labels for unlabeled tiles, scored by positive-pair disagreement and selected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .augment import photometric
from .config import AugmentConfig, PseudoLabelConfig
from .device import autocast
from .errors import BadInputError
from .io.raster import Window
from .labels import BACKGROUND, IGNORE, ROAD

__all__ = [
    "TileScore",
    "make_pseudo_labels",
    "calibrated_thresholds",
    "tile_disagreement",
    "candidate_tiles",
    "context_window",
    "score_tiles",
    "select_tiles",
    "selection_change",
]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class TileScore:
    """How consistently the model sees one tile, and its pseudo-label."""

    source: int
    window: Window
    disagreement: float  # mean |p_A - p_B| over valid pixels; lower is better
    confident_fraction: float  # share of valid pixels with a road/background pseudo-label
    labels: np.ndarray  # uint8 (rows, cols): ROAD, BACKGROUND or IGNORE

    @property
    def key(self) -> tuple[int, int, int]:
        """Identity of the tile, for comparing selections between rounds."""
        return self.source, self.window.row_off, self.window.col_off


def make_pseudo_labels(prob: np.ndarray, valid: np.ndarray, *, road_threshold: float,
                       background_threshold: float) -> np.ndarray:
    """Threshold a probability map into ROAD / BACKGROUND / IGNORE.

    Parameters
    ----------
    prob : ndarray of float, shape (H, W)
        Road probability.
    valid : ndarray of bool, shape (H, W)
        Pixels with data; the others become IGNORE.
    road_threshold, background_threshold : float
        ``prob > road_threshold`` is road, ``prob < background_threshold`` background.

    Returns
    -------
    ndarray of uint8, shape (H, W)
    """
    if prob.shape != valid.shape:
        raise BadInputError(f"prob {prob.shape} and valid {valid.shape} differ in shape")
    out = np.full(prob.shape, IGNORE, np.uint8)
    out[(prob > road_threshold) & valid] = ROAD
    out[(prob < background_threshold) & valid] = BACKGROUND
    return out


def _first_precise(thresholds: np.ndarray, prob: np.ndarray, is_class: np.ndarray,
                   above: bool, target: float) -> float | None:
    """The first threshold whose side (p > t, or p < t) holds ``is_class`` at ``target``.

    Returns None when no pixel lies on that side of any threshold (nothing to judge by).
    """
    judged = False
    for t in thresholds:
        chosen = prob > t if above else prob < t
        n = int(np.count_nonzero(chosen))
        if n == 0:
            continue
        judged = True
        if np.count_nonzero(is_class & chosen) >= target * n:
            return float(t)
    return None if not judged else (1.0 if above else 0.0)


def calibrated_thresholds(prob: np.ndarray, is_road: np.ndarray, *, road_threshold: float,
                          background_threshold: float, target_precision: float,
                          steps: int = 100) -> tuple[float, float]:
    """Pseudo-label thresholds at which labeled pixels say the labels are right often enough.

    A model that over-predicts road (as early models trained on road-centred crops do)
    gives confident road to roofs and yards; its p > 0.9 pseudo-labels would teach that
    error back to it. On held-out labeled pixels, the road threshold is raised from
    ``road_threshold`` to the first value where the pixels above it are road at least
    ``target_precision`` of the time, and the background threshold lowered from
    ``background_threshold`` likewise. When no threshold reaches the target, that class
    gets no pseudo-label (1.0 or 0.0); when no held-out pixel passes the floor at all,
    the floor stays.

    Parameters
    ----------
    prob : ndarray of float, shape (N,)
        Predicted road probability of held-out labeled pixels.
    is_road : ndarray of bool, shape (N,)
        Their labels: True road, False background.
    road_threshold, background_threshold : float
        The floors (the least strict values allowed).
    target_precision : float
        Share of pseudo-labels that must be right on the held-out pixels, in (0, 1].
    steps : int
        Thresholds tried between each floor and 1 (or 0).

    Returns
    -------
    (road, background) : tuple of float
    """
    if prob.shape != is_road.shape:
        raise BadInputError(f"prob {prob.shape} and is_road {is_road.shape} differ in shape")
    if not 0.0 < target_precision <= 1.0:
        raise BadInputError(f"target_precision must be in (0, 1]; got {target_precision!r}")
    road = _first_precise(np.linspace(road_threshold, 1.0, steps, endpoint=False), prob,
                          is_road, True, target_precision)
    background = _first_precise(np.linspace(background_threshold, 0.0, steps, endpoint=False),
                                prob, ~is_road, False, target_precision)
    return (road_threshold if road is None else road,
            background_threshold if background is None else background)


def tile_disagreement(prob_a: np.ndarray, prob_b: np.ndarray, valid: np.ndarray) -> float:
    """Mean absolute difference of two predictions of the same ground over valid pixels.

    Returns NaN when no pixel is valid.
    """
    if not valid.any():
        return float("nan")
    return float(np.abs(prob_a - prob_b)[valid].mean())


def candidate_tiles(shape: tuple[int, int], tile_px: int, *,
                    human: np.ndarray | None = None,
                    max_human_fraction: float = 0.1) -> list[Window]:
    """Full tiles of a raster that are (almost) free of human labels.

    Parameters
    ----------
    shape : (rows, cols)
    tile_px : int
    human : ndarray of uint8, shape (rows, cols), optional
        Human labels (train and validation); tiles with more than
        ``max_human_fraction`` labeled pixels are not pseudo-labeled.
    """
    rows, cols = shape
    out = []
    for r in range(0, rows - tile_px + 1, tile_px):
        for c in range(0, cols - tile_px + 1, tile_px):
            if human is not None:
                tile = human[r:r + tile_px, c:c + tile_px]
                if np.count_nonzero(tile != IGNORE) > max_human_fraction * tile.size:
                    continue
            out.append(Window(r, c, tile_px, tile_px))
    return out


def context_window(tile: Window, context_px: int, rng: np.random.Generator) -> Window:
    """A ``context_px`` window containing ``tile`` at a random offset (may pass the edges)."""
    dr = int(rng.integers(0, context_px - tile.rows + 1))
    dc = int(rng.integers(0, context_px - tile.cols + 1))
    return Window(tile.row_off - dr, tile.col_off - dc, context_px, context_px)


def _predict(model: torch.nn.Module, x: np.ndarray, device: torch.device,
             augment: AugmentConfig, generator: torch.Generator) -> np.ndarray:
    t = photometric(torch.from_numpy(x), augment, generator=generator).to(device)
    with torch.inference_mode(), autocast(device):
        logits = model(t, with_embedding=False).logits
    return torch.sigmoid(logits.float())[:, 0].cpu().numpy()


def score_tiles(model: torch.nn.Module, read: Reader, tiles: Sequence[tuple[int, Window]],
                config: PseudoLabelConfig, augment: AugmentConfig, *, device: torch.device,
                rng: np.random.Generator, generator: torch.Generator, batch_tiles: int = 4,
                progress: Callable[[int, int], None] | None = None) -> list[TileScore]:
    """Predict each tile inside two random contexts and score their disagreement.

    Parameters
    ----------
    model : RoadNet
        In eval mode on ``device``.
    read : callable (source, Window) -> (image (C, h, w) float32, valid (h, w) bool)
    tiles : sequence of (source, Window)
    config : PseudoLabelConfig
    augment : AugmentConfig
        Photometric augmentation applied independently to each context.
    device : torch.device
    rng, generator : random sources for the contexts and the augmentation.
    batch_tiles : int
        Tiles per forward pass (each contributes two contexts).
    progress : callable (done, total), optional

    Returns
    -------
    list of TileScore, in the order of ``tiles``; tiles without valid pixels are skipped.
    """
    scores: list[TileScore] = []
    for start in range(0, len(tiles), batch_tiles):
        chunk = tiles[start:start + batch_tiles]
        ctx = [(s, w, context_window(w, config.context_px, rng), context_window(
            w, config.context_px, rng)) for s, w in chunk]
        reads = [read(s, c) for s, _, ca, cb in ctx for c in (ca, cb)]
        probs = _predict(model, np.stack([r[0] for r in reads]), device, augment, generator)
        for j, (s, w, ca, cb) in enumerate(ctx):
            pa = _crop(probs[2 * j], ca, w)
            pb = _crop(probs[2 * j + 1], cb, w)
            valid = _crop(reads[2 * j][1], ca, w)
            if not valid.any():
                continue
            labels = make_pseudo_labels((pa + pb) / 2, valid,
                                        road_threshold=config.road_threshold,
                                        background_threshold=config.background_threshold)
            confident = np.count_nonzero(labels != IGNORE) / np.count_nonzero(valid)
            scores.append(TileScore(s, w, tile_disagreement(pa, pb, valid),
                                    float(confident), labels))
        if progress is not None:
            progress(min(start + batch_tiles, len(tiles)), len(tiles))
    return scores


def _crop(array: np.ndarray, context: Window, tile: Window) -> np.ndarray:
    r, c = tile.row_off - context.row_off, tile.col_off - context.col_off
    return array[r:r + tile.rows, c:c + tile.cols]


def select_tiles(scores: Sequence[TileScore], *, keep_fraction: float,
                 min_confident_fraction: float) -> list[TileScore]:
    """Keep the most consistent tiles.

    Tiles with too few confident pixels are dropped first; of the rest, the
    ``keep_fraction`` share with the lowest disagreement is kept (at least one tile
    when any remains and ``keep_fraction`` > 0).

    Returns
    -------
    list of TileScore, lowest disagreement first.
    """
    if not 0.0 <= keep_fraction <= 1.0:
        raise BadInputError(f"keep_fraction must be in [0, 1], got {keep_fraction}")
    eligible = [s for s in scores
                if s.confident_fraction >= min_confident_fraction and np.isfinite(s.disagreement)]
    eligible.sort(key=lambda s: s.disagreement)
    if keep_fraction == 0.0 or not eligible:
        return []
    return eligible[:max(1, int(round(keep_fraction * len(eligible))))]


def selection_change(previous: set, current: set) -> float:
    """Share of tiles that entered or left the selection: |A xor B| / |A or B| (0 if both empty)."""
    union = previous | current
    return len(previous ^ current) / len(union) if union else 0.0
