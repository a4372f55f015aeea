"""One forward pass over a batch of windows: probabilities, optionally averaged over D4."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import numpy as np
import torch

from ..augment import D4, apply_d4, invert_d4
from ..device import autocast

__all__ = ["D4_ALL", "prepare_model", "forward_probability", "cancel_checks"]

#: The 8 symmetries of the square: quarter turns with and without a flip.
D4_ALL: tuple[D4, ...] = tuple((k, flip) for flip in (False, True) for k in range(4))


def prepare_model(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """Put a model in eval mode on ``device``; channels-last memory on CUDA."""
    model = model.to(device).eval()
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    return model


def _probability(model: torch.nn.Module, x: torch.Tensor, amp: bool) -> torch.Tensor:
    with autocast(x.device, amp):
        logits = model(x, with_embedding=False).logits
    return torch.sigmoid(logits.float())[:, 0]


def forward_probability(model: torch.nn.Module, batch: np.ndarray | torch.Tensor, *,
                        device: torch.device, amp: bool = True, tta: bool = False,
                        check_cancelled: Callable[[], None] | None = None) -> np.ndarray:
    """Road probability of each window of a batch.

    Parameters
    ----------
    model : RoadNet
        In eval mode on ``device`` (see :func:`prepare_model`).
    batch : ndarray or Tensor of float32, shape (B, C, T, T)
        Normalised windows; a pinned CPU tensor is copied to a GPU without blocking.
    device : torch.device
        Where the model lives.
    amp : bool
        bf16 autocast on CUDA.
    tta : bool
        Average the probabilities of the 8 D4 transforms of each window (each undone
        before averaging), which makes the result equivariant to flips and quarter turns.
    check_cancelled : callable, optional
        Called before every layer of every forward pass; it raises to stop
        (``Reporter.check_cancelled``), so a cancel waits for one layer at most. With it,
        a CPU predicts one window at a time (batching gains little there); a GPU still
        takes the whole batch.

    Returns
    -------
    ndarray of float32, shape (B, T, T)
        Probabilities in [0, 1].
    """
    x = torch.as_tensor(batch).to(device, non_blocking=True)
    if device.type == "cuda":
        x = x.contiguous(memory_format=torch.channels_last)
    step = 1 if check_cancelled is not None and device.type == "cpu" else max(len(x), 1)
    with torch.inference_mode(), cancel_checks(model, check_cancelled):
        parts = [_averaged(model, x[i:i + step], amp, tta) for i in range(0, len(x), step)]
    prob = torch.cat(parts) if parts else torch.zeros(0, *x.shape[2:])
    return prob.cpu().numpy()


@contextlib.contextmanager
def cancel_checks(model: torch.nn.Module, check: Callable[[], None] | None) -> Iterator[None]:
    """Call ``check`` before every module of ``model`` runs, while in the block.

    A forward pass of a large network on a CPU takes seconds; checking before each layer
    lets a cancel (an exception raised by ``check``) stop it within one layer.
    """
    if check is None:
        yield
        return
    handles = [module.register_forward_pre_hook(lambda _module, _inputs: check())
               for module in model.modules()]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def _averaged(model: torch.nn.Module, x: torch.Tensor, amp: bool, tta: bool) -> torch.Tensor:
    """Probabilities of windows ``x``, averaged over the 8 D4 transforms with ``tta``."""
    if not tta:
        return _probability(model, x, amp)
    prob = torch.zeros(x.shape[0], *x.shape[2:], device=x.device)
    for transform in D4_ALL:
        out = _probability(model, apply_d4(x, transform), amp)
        prob += invert_d4(out, transform)
    return prob / len(D4_ALL)
