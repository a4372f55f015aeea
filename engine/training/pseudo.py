"""Pseudo-labels of a round: tiles scored (split across processes), selected, merged."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from ..config import TrainConfig
from ..distributed import DistributedContext
from ..events import Reporter
from ..labels import IGNORE
from ..pseudo_labels import TileScore, candidate_tiles, score_tiles, select_tiles
from .inputs import TrainingData
from .ranks import RoundSeeds

__all__ = ["pseudo_inputs", "pseudo_only", "select_shared"]


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


def pseudo_inputs(model: torch.nn.Module, data: TrainingData, config: TrainConfig,
                  round_index: int, device: torch.device, reporter: Reporter,
                  seeds: RoundSeeds, dist: DistributedContext
                  ) -> tuple[list[np.ndarray | None], set, int]:
    """Score unlabeled tiles, keep the best share, and merge them under the human labels.

    Process ``rank`` scores ``tiles[rank::world_size]``.

    Returns
    -------
    labels : list of (ndarray of uint8, shape (H, W)) or None
        Per raster: human labels (minus hold-out) with the kept pseudo-labels beneath.
    selected : set
        Keys of the kept tiles.
    candidates : int
        Number of tiles scored by all processes.
    """
    cfg = config.pseudo
    tiles = [(i, w) for i, src in enumerate(data.sources)
             for w in candidate_tiles(src.shape, cfg.tile_px, human=data.human[i])]
    model.eval()
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
    return labels, {s.key for s in kept}, len(tiles)


def pseudo_only(labels: list[np.ndarray | None], human: list[np.ndarray | None]
                ) -> list[np.ndarray | None]:
    """The pseudo-labeled pixels alone: merged labels where no human label exists."""
    return [None if lab is None else lab if h is None else np.where(h == IGNORE, lab, IGNORE)
            for lab, h in zip(labels, human, strict=True)]
