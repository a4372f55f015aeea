"""Training on several processes: per-rank seeds, the DDP-wrapped model, rank-averaged losses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as torch_dist
from torch.nn.parallel import DistributedDataParallel

from ..config import TrainConfig
from ..distributed import DistributedContext

__all__ = ["RoundSeeds", "round_seeds", "wrap_model", "uses_every_parameter", "mean_over_ranks",
           "sync_model"]


@dataclass(frozen=True)
class RoundSeeds:
    """Seeds of one round on one process."""

    numpy: list[int]  # for numpy.random.default_rng: crops, pairs, pseudo-label contexts
    train_torch: int  # for the torch generator of the training steps (augmentation)
    pseudo_torch: int  # for the torch generator of pseudo-label scoring


def round_seeds(seed: int, round_index: int, dist: DistributedContext) -> RoundSeeds:
    """The seeds of a round on this process.

    One process keeps the seeds of single-process runs; with several, each rank mixes
    its rank in, so that the ranks draw different crops, pairs, contexts and
    augmentations.
    """
    if not dist.is_distributed:
        return RoundSeeds([seed, round_index], seed * 1000 + round_index, seed + round_index)
    numpy_seed = [seed, round_index, dist.rank]
    state = np.random.SeedSequence(numpy_seed).generate_state(2, np.uint32)
    return RoundSeeds(numpy_seed, int(state[0]), int(state[1]))


def uses_every_parameter(config: TrainConfig) -> bool:
    """True when every training step reaches every parameter.

    The supervised forward skips the projection head (``with_embedding=False``); the
    contrastive forwards of the same step use it, so a step reaches every parameter
    exactly when the contrastive term is on.
    """
    return config.contrastive.enabled and config.contrastive.weight > 0


def wrap_model(model: torch.nn.Module, dist: DistributedContext, device: torch.device, *,
               config: TrainConfig) -> torch.nn.Module:
    """``model`` in DistributedDataParallel under several processes, else ``model`` itself.

    ``find_unused_parameters`` is on only when the contrastive term is off: the
    projection head then gets no gradient, and without the search DDP would wait for
    it forever. With the term on, every parameter gets a gradient at every step
    (:func:`uses_every_parameter`), so the search, a walk over the autograd graph at
    every step, is skipped. Both settings ran with 2 gloo processes (hard and soft
    negatives, and without the contrastive term).
    """
    if not dist.is_distributed:
        return model
    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids, output_device=None if ids is None
                                   else device.index,
                                   find_unused_parameters=not uses_every_parameter(config))


def mean_over_ranks(values: dict[str, float], dist: DistributedContext) -> dict[str, float]:
    """The mean of each value over the processes (each trained on its own crops)."""
    everyone = dist.all_gather_object(values)
    return {k: float(np.mean([v[k] for v in everyone])) for k in values}


def sync_model(model: torch.nn.Module, dist: DistributedContext) -> None:
    """Copy rank 0's weights and buffers to every process, in place.

    DDP keeps the weights equal; BatchNorm running statistics drift apart, since each
    rank updates them with its own last batch. Validation, pseudo-labels and the saved
    file must see one model, so rank 0's state is sent to all at the end of a round.
    """
    if not dist.is_distributed:
        return
    for tensor in model.state_dict().values():  # detached views of the live tensors
        torch_dist.broadcast(tensor, src=0)
