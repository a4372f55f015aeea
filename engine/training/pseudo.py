"""Pseudo-labels of a round: tiles scored (split across processes), selected, merged."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from ..config import TrainConfig
from ..distributed import DistributedContext
from ..events import Reporter
from ..labels import IGNORE, ROAD
from ..pseudo_labels import (
    TileScore,
    calibrated_thresholds,
    candidate_tiles,
    score_tiles,
    select_tiles,
)
from .inputs import TrainingData
from .ranks import RoundSeeds
from .validate import holdout_probabilities

__all__ = ["pseudo_inputs", "pseudo_only", "pseudo_thresholds", "select_shared"]


def select_shared(scores: list[TileScore], *, keep_fraction: float,
                  min_confident_fraction: float, dist: DistributedContext) -> list[TileScore]:
    """Select tiles among the scores of every process; every process gets the same tiles.

    Each process scored its own share of the tiles. The scores (without their label
    arrays) are gathered in rank order, so every process makes the same selection;
    then the labels of the kept tiles only are gathered.

    Parameters
    ----------
    scores : list of TileScore
        This process's scores.
    keep_fraction, min_confident_fraction : float
        As in :func:`engine.pseudo_labels.select_tiles`.
    dist : DistributedContext
    """
    if not dist.is_distributed:
        return select_tiles(scores, keep_fraction=keep_fraction,
                            min_confident_fraction=min_confident_fraction)
    light = [dataclasses.replace(s, labels=np.empty((0, 0), np.uint8)) for s in scores]
    everyone = [s for part in dist.all_gather_object(light) for s in part]
    kept = select_tiles(everyone, keep_fraction=keep_fraction,
                        min_confident_fraction=min_confident_fraction)
    keys = {s.key for s in kept}
    labels: dict[tuple[int, int, int], np.ndarray] = {}
    for part in dist.all_gather_object({s.key: s.labels for s in scores if s.key in keys}):
        labels.update(part)
    return [dataclasses.replace(s, labels=labels[s.key]) for s in kept]


def pseudo_thresholds(model: torch.nn.Module, data: TrainingData, config: TrainConfig,
                      device: torch.device) -> tuple[float, float]:
    """(road, background) pseudo-label thresholds for this model: calibrated on the hold-out.

    The configured thresholds when calibration is off (``pseudo.calibrate_precision`` 0)
    or the hold-out is empty; see :func:`engine.pseudo_labels.calibrated_thresholds`.
    """
    cfg = config.pseudo
    if cfg.calibrate_precision <= 0 or not data.holdout:
        return cfg.road_threshold, cfg.background_threshold
    probs = holdout_probabilities(model, data.read, data.holdout,
                                  tile_px=config.predict_tile_px, device=device,
                                  amp=config.mixed_precision)
    labeled = [t.labels != IGNORE for t in data.holdout]
    prob = np.concatenate([p[m] for p, m in zip(probs, labeled, strict=True)])
    is_road = np.concatenate([t.labels[m] == ROAD for t, m in zip(data.holdout, labeled,
                                                                   strict=True)])
    return calibrated_thresholds(prob, is_road, road_threshold=cfg.road_threshold,
                                 background_threshold=cfg.background_threshold,
                                 target_precision=cfg.calibrate_precision)


def pseudo_inputs(model: torch.nn.Module, data: TrainingData, config: TrainConfig,
                  round_index: int, device: torch.device, reporter: Reporter,
                  seeds: RoundSeeds, dist: DistributedContext
                  ) -> tuple[list[np.ndarray | None], set, int, tuple[float, float]]:
    """Score unlabeled tiles, keep the best share, and merge them under the human labels.

    Process ``rank`` scores ``tiles[rank::world_size]``. The thresholds come from rank 0
    (:func:`pseudo_thresholds`), so that every process labels alike.

    Returns
    -------
    labels : list of (ndarray of uint8, shape (H, W)) or None
        Per raster: human labels (minus hold-out) with the kept pseudo-labels beneath.
    selected : set
        Keys of the kept tiles.
    candidates : int
        Number of tiles scored by all processes.
    thresholds : tuple of float
        The (road, background) thresholds used.
    """
    model.eval()
    thresholds = dist.broadcast_object(dist.run_on_main(
        lambda: pseudo_thresholds(model, data, config, device)))
    cfg = dataclasses.replace(config.pseudo, road_threshold=thresholds[0],
                              background_threshold=thresholds[1])
    tiles = [(i, w) for i, src in enumerate(data.sources)
             for w in candidate_tiles(src.shape, cfg.tile_px, human=data.human[i])]
    scores = score_tiles(model, data.read, tiles[dist.rank::dist.world_size], cfg,
                         config.augment, device=device, rng=np.random.default_rng(seeds.numpy),
                         generator=torch.Generator().manual_seed(seeds.pseudo_torch),
                         progress=lambda d, t: reporter.progress(
                             f"round {round_index + 1}: pseudo-labels", d, t))
    kept = select_shared(scores, keep_fraction=cfg.keep_fraction(round_index),
                         min_confident_fraction=cfg.min_confident_fraction, dist=dist)
    labels = [None if t is None else t.copy() for t in data.train_labels]
    for s in kept:
        if labels[s.source] is None:
            labels[s.source] = np.full(data.sources[s.source].shape, IGNORE, np.uint8)
        w = s.window
        sl = (slice(w.row_off, w.row_off + w.rows), slice(w.col_off, w.col_off + w.cols))
        human = data.human[s.source]
        free = np.ones(s.labels.shape, bool) if human is None else human[sl] == IGNORE
        labels[s.source][sl][free] = s.labels[free]
    return labels, {s.key for s in kept}, len(tiles), thresholds


def pseudo_only(labels: list[np.ndarray | None], human: list[np.ndarray | None]
                ) -> list[np.ndarray | None]:
    """The pseudo-labeled pixels alone: merged labels where no human label exists."""
    return [None if lab is None else lab if h is None else np.where(h == IGNORE, lab, IGNORE)
            for lab, h in zip(labels, human, strict=True)]
