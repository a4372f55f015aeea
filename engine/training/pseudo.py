"""Pseudo-labels of a round: tiles scored (split across processes), selected, merged."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..config import PseudoLabelConfig, TrainConfig
from ..distributed import DistributedContext
from ..events import Reporter
from ..io.raster import Window
from ..labels import BACKGROUND, IGNORE, ROAD
from ..pseudo_labels import (
    TileScore,
    calibrated_thresholds,
    candidate_tiles,
    score_tiles,
)
from ..tile_selection import select_tiles
from .inputs import TrainingData
from .ranks import RoundSeeds
from .validate import holdout_probabilities

__all__ = ["PseudoRound", "pseudo_inputs", "pseudo_only", "pseudo_thresholds", "select_shared",
           "pseudo_diagnostics", "draw_tiles"]


@dataclass(frozen=True)
class PseudoRound:
    """The pseudo-labels of a round and what they are made of."""

    labels: list[np.ndarray | None]  # per raster: human (minus hold-out) over pseudo-labels
    selected: set  # keys of the kept tiles
    candidates: int  # tiles scored by all processes
    thresholds: tuple[float, float]  # the (road, background) thresholds used
    diagnostics: dict[str, Any]  # see :func:`pseudo_diagnostics`


def select_shared(scores: list[TileScore], *, config: PseudoLabelConfig, keep_fraction: float,
                  dist: DistributedContext) -> list[TileScore]:
    """Select tiles among the scores of every process; every process gets the same tiles.

    Each process scored its own share of the tiles. The scores (without their label
    arrays) are gathered in rank order, so every process makes the same selection;
    then the labels of the kept tiles only are gathered.

    Parameters
    ----------
    scores : list of TileScore
        This process's scores.
    config : PseudoLabelConfig
        The selection rules (:func:`engine.tile_selection.select_tiles`).
    keep_fraction : float
        q of this round.
    dist : DistributedContext
    """
    def select(candidates: list[TileScore]) -> list[TileScore]:
        return select_tiles(candidates, keep_fraction=keep_fraction,
                            min_confident_fraction=config.min_confident_fraction,
                            min_road_share=config.min_road_share,
                            road_strata=config.road_strata,
                            road_tile_share=config.road_tile_share)

    if not dist.is_distributed:
        return select(scores)
    light = [dataclasses.replace(s, labels=np.empty((0, 0), np.uint8)) for s in scores]
    everyone = [s for part in dist.all_gather_object(light) for s in part]
    kept = select(everyone)
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


def _counts(labels: np.ndarray, truth: np.ndarray | None, cls: int) -> dict[str, int]:
    out = {"pseudo": int(np.count_nonzero(labels == cls))}
    if truth is not None:
        judged = (labels == cls) & (truth != IGNORE)  # where the reference says something
        out["judged"] = int(np.count_nonzero(judged))
        out["right"] = int(np.count_nonzero(judged & (truth == cls)))
        out["true"] = int(np.count_nonzero(truth == cls))
    return out


def pseudo_diagnostics(scores: list[TileScore], kept: list[TileScore],
                       pseudo: list[np.ndarray | None],
                       truth: list[np.ndarray | None]) -> dict[str, Any]:
    """What a round's pseudo-labels hold, and how right they are where a truth exists.

    Parameters
    ----------
    scores, kept : list of TileScore
        The candidate tiles (this process's) and the selected ones.
    pseudo : list of (ndarray of uint8) or None
        Per raster, the pseudo-labeled pixels alone (:func:`pseudo_only`).
    truth : list of (ndarray of uint8) or None
        Per raster, a reference (ROAD / BACKGROUND / IGNORE) for benchmarks; None where
        there is none. Never used for training.

    Returns
    -------
    dict
        ``candidate_road_share`` and ``selected_road_share`` (mean predicted road share
        of the tiles), ``selected_road_tiles``, ``pseudo_road_px``,
        ``pseudo_background_px``; with a truth, ``road_precision``, ``road_recall``,
        ``background_precision``, ``background_recall`` (precision over the pseudo-labels
        the truth covers, recall over the truth pixels of the rasters' unlabeled area).
    """
    def mean_share(tiles: list[TileScore]) -> float:
        return float(np.mean([t.road_share for t in tiles])) if tiles else float("nan")

    out: dict[str, Any] = {"candidate_road_share": mean_share(scores),
                           "selected_road_share": mean_share(kept),
                           "selected_road_tiles": sum(t.road_share > 0 for t in kept)}
    for name, cls in (("road", ROAD), ("background", BACKGROUND)):
        totals = {"pseudo": 0, "judged": 0, "right": 0, "true": 0}
        judged = False
        for lab, ref in zip(pseudo, truth, strict=True):
            if lab is None:
                continue
            for key, value in _counts(lab, ref, cls).items():
                totals[key] += value
            judged |= ref is not None
        out[f"pseudo_{name}_px"] = totals["pseudo"]
        if judged:
            out[f"{name}_precision"] = totals["right"] / totals["judged"] \
                if totals["judged"] else float("nan")
            out[f"{name}_recall"] = totals["right"] / totals["true"] \
                if totals["true"] else float("nan")
    return out


def _progress(reporter: Reporter, dist: DistributedContext, round_index: int, done: int,
              total: int) -> None:
    # One process stops at once on a cancel; several agree at the next training step.
    if not dist.is_distributed:
        reporter.check_cancelled()
    reporter.progress(f"round {round_index + 1}: pseudo-labels", done, total)


def pseudo_inputs(model: torch.nn.Module, data: TrainingData, config: TrainConfig,
                  round_index: int, device: torch.device, reporter: Reporter,
                  seeds: RoundSeeds, dist: DistributedContext, *,
                  decision_threshold: float = 0.5) -> PseudoRound:
    """Score unlabeled tiles, keep the best share, and merge them under the human labels.

    Process ``rank`` scores ``tiles[rank::world_size]``. The thresholds come from rank 0
    (:func:`pseudo_thresholds`), so that every process labels alike.

    Parameters
    ----------
    decision_threshold : float
        The model's calibrated threshold: pseudo-labels are never less strict than it.

    Returns
    -------
    PseudoRound
    """
    model.eval()
    thresholds = dist.broadcast_object(dist.run_on_main(
        lambda: pseudo_thresholds(model, data, config, device)))
    cfg = dataclasses.replace(config.pseudo, road_threshold=thresholds[0],
                              background_threshold=thresholds[1])
    candidates = [(i, w) for i, src in enumerate(data.sources)
                  for w in candidate_tiles(src.shape, cfg.tile_px, human=data.human[i])]
    tiles = draw_tiles(candidates, cfg.max_tiles, seed=(config.seed, round_index))
    scores = score_tiles(model, data.read, tiles[dist.rank::dist.world_size], cfg,
                         config.augment, device=device, rng=seeds.rng("pseudo"),
                         generator=seeds.torch_generator("pseudo_torch"),
                         decision_threshold=decision_threshold,
                         shapes=[src.shape for src in data.sources],
                         progress=lambda d, t: _progress(reporter, dist, round_index, d, t))
    kept = select_shared(scores, config=cfg, keep_fraction=cfg.keep_fraction(round_index),
                         dist=dist)
    labels = [None if t is None else t.copy() for t in data.train_labels]
    for s in kept:
        if labels[s.source] is None:
            labels[s.source] = np.full(data.sources[s.source].shape, IGNORE, np.uint8)
        w = s.window
        sl = (slice(w.row_off, w.row_off + w.rows), slice(w.col_off, w.col_off + w.cols))
        human = data.human[s.source]
        free = np.ones(s.labels.shape, bool) if human is None else human[sl] == IGNORE
        labels[s.source][sl][free] = s.labels[free]
    truth = [None if t is None else np.where(h == IGNORE, t, IGNORE) if h is not None else t
             for t, h in zip(data.truth, data.human, strict=True)]
    diagnostics = pseudo_diagnostics(scores, kept, pseudo_only(labels, data.human), truth)
    return PseudoRound(labels, {s.key for s in kept}, len(tiles), thresholds, diagnostics)


def draw_tiles(candidates: list[tuple[int, Window]], max_tiles: int, *,
               seed: tuple[int, int]) -> list[tuple[int, Window]]:
    """At most ``max_tiles`` of ``candidates`` (0: all), drawn without replacement.

    The draw depends on ``seed`` (the run's seed and the round) alone, never on the
    process's rank, so that every process scores its share of the same tiles; the drawn
    tiles keep their order in ``candidates`` (raster by raster, row by row) so that reads
    stay close together.
    """
    if max_tiles <= 0 or len(candidates) <= max_tiles:
        return candidates
    rng = np.random.default_rng(np.random.SeedSequence([*seed, 0x7E5]))
    picked = np.sort(rng.choice(len(candidates), size=max_tiles, replace=False))
    return [candidates[i] for i in picked]


def pseudo_only(labels: list[np.ndarray | None], human: list[np.ndarray | None]
                ) -> list[np.ndarray | None]:
    """The pseudo-labeled pixels alone: merged labels where no human label exists."""
    return [None if lab is None else lab if h is None else np.where(h == IGNORE, lab, IGNORE)
            for lab, h in zip(labels, human, strict=True)]
