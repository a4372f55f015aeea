"""One forward pass over a batch of windows: probabilities, optionally averaged over D4."""

from __future__ import annotations

import numpy as np
import torch

from ..augment import D4, apply_d4, invert_d4
from ..device import autocast

__all__ = ["D4_ALL", "prepare_model", "forward_probability"]

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
                        device: torch.device, amp: bool = True, tta: bool = False
                        ) -> np.ndarray:
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

    Returns
    -------
    ndarray of float32, shape (B, T, T)
        Probabilities in [0, 1].
    """
    x = torch.as_tensor(batch).to(device, non_blocking=True)
    if device.type == "cuda":
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        if not tta:
            prob = _probability(model, x, amp)
        else:
            prob = torch.zeros(x.shape[0], *x.shape[2:], device=device)
            for transform in D4_ALL:
                out = _probability(model, apply_d4(x, transform), amp)
                prob += invert_d4(out, transform)
            prob /= len(D4_ALL)
    return prob.cpu().numpy()
