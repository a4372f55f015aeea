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
    """Independent random streams of one round on one process.

    Every stream is spawned from one :class:`numpy.random.SeedSequence` of (seed, round,
    rank), so no two share a state, whatever the seed; and a stream draws the same
    numbers whether or not another branch (the contrastive pairs) is on.
    """

    crops: np.random.SeedSequence  # supervised crop windows
    pairs: np.random.SeedSequence  # contrastive pair windows
    pseudo: np.random.SeedSequence  # pseudo-label contexts
    train_torch: int  # torch generator: augmentation of the supervised crops
    pairs_torch: int  # torch generator: augmentation, anchors and negatives of the pairs
    pseudo_torch: int  # torch generator: augmentation of the pseudo-label contexts

    def rng(self, name: str) -> np.random.Generator:
        """A numpy generator of the stream ``crops``, ``pairs`` or ``pseudo``."""
        return np.random.default_rng(getattr(self, name))

    def torch_generator(self, name: str) -> torch.Generator:
        """A CPU torch generator of ``train_torch``, ``pairs_torch`` or ``pseudo_torch``."""
        return torch.Generator().manual_seed(getattr(self, name))


def round_seeds(seed: int, round_index: int, dist: DistributedContext) -> RoundSeeds:
    """The random streams of a round on this process.

    With several processes each rank mixes its rank in, so that the ranks draw
    different crops, pairs, contexts and augmentations.
    """
    entropy = [seed, round_index] + ([dist.rank] if dist.is_distributed else [])
    crops, pairs, pseudo, torch_streams = np.random.SeedSequence(entropy).spawn(4)
    t = torch_streams.generate_state(3, np.uint32)
    return RoundSeeds(crops, pairs, pseudo, int(t[0]), int(t[1]), int(t[2]))


def uses_every_parameter(config: TrainConfig, *, branch_on: bool = True) -> bool:
    """True when every training step reaches every parameter.

    The supervised forward skips the projection head (``with_embedding=False``); the
    contrastive term of the same step uses it (or, on a step where no pair gave a loss,
    touches it with a zero), so a step reaches every parameter exactly when the term is
    on: enabled in ``config`` and not turned off for the run (``branch_on``).
    """
    return branch_on and config.contrastive.enabled and config.contrastive.weight > 0


def wrap_model(model: torch.nn.Module, dist: DistributedContext, device: torch.device, *,
               config: TrainConfig, branch_on: bool = True) -> torch.nn.Module:
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
                                   find_unused_parameters=not uses_every_parameter(
                                       config, branch_on=branch_on))


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
