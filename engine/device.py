"""Choosing the torch device and its precision settings."""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager

import torch

from .errors import BadInputError

__all__ = ["resolve_device", "autocast"]


def resolve_device(name: str) -> torch.device:
    """Turn ``auto``, ``cpu``, ``cuda`` or ``cuda:N`` into a usable device.

    ``auto`` picks CUDA when a GPU is visible, else the CPU. Asking for CUDA on a
    machine without it is an error rather than a silent fall-back.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise BadInputError(f"device {name!r} was asked for but CUDA is not available "
                                "here (torch sees no GPU); use --device cpu or auto")
        dev = torch.device(name)
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise BadInputError(f"device {name!r} does not exist; this machine has "
                                f"{torch.cuda.device_count()} CUDA device(s)")
        return dev
    raise BadInputError(f"unknown device {name!r}; use auto, cpu, cuda or cuda:N")


def autocast(device: torch.device, enabled: bool = True) -> AbstractContextManager:
    """bf16 autocast on CUDA when enabled; a no-op on CPU (fp32 is faster there)."""
    if enabled and device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
