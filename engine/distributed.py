"""Running on several processes (torchrun): the rank's context, its process group, collectives."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import torch
import torch.distributed as torch_dist

from .device import resolve_device
from .errors import BadInputError, EngineError

__all__ = ["BACKENDS", "DistributedContext", "PeerFailedError", "context_from_env",
           "process_group", "rank_device"]

#: Process-group backends: NCCL between GPUs, gloo between CPU processes, none for one process.
BACKENDS = ("nccl", "gloo", "none")
#: Environment variables torchrun sets in every worker it starts.
_ENV_KEYS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")

T = TypeVar("T")


@dataclass(frozen=True)
class DistributedContext:
    """Where this process stands among the processes of one run.

    The default is one process (no process group); every collective is then a no-op,
    so engine code calls them unconditionally.
    """

    rank: int = 0  # index of this process among all of them; rank 0 writes files and events
    world_size: int = 1  # number of processes of the run
    local_rank: int = 0  # index of this process on its machine (picks its GPU)
    backend: str = "none"  # "nccl" (GPUs), "gloo" (CPUs) or "none" (one process)

    def __post_init__(self) -> None:
        if self.world_size < 1 or not 0 <= self.rank < self.world_size or self.local_rank < 0:
            raise BadInputError(f"invalid process ranks: rank={self.rank}, world_size="
                                f"{self.world_size}, local_rank={self.local_rank}; expected "
                                "0 <= rank < world_size and local_rank >= 0")
        if self.backend not in BACKENDS:
            raise BadInputError(f"backend={self.backend!r} is invalid: one of {BACKENDS}")
        if (self.backend == "none") != (self.world_size == 1):
            raise BadInputError(f"backend={self.backend!r} does not fit world_size="
                                f"{self.world_size}: 'none' is for one process only")

    @property
    def is_main(self) -> bool:
        """True on the process that writes the files and emits the events."""
        return self.rank == 0

    @property
    def is_distributed(self) -> bool:
        """True when there is more than one process."""
        return self.world_size > 1

    def barrier(self) -> None:
        """Wait until every process gets here."""
        if self.is_distributed:
            torch_dist.barrier()

    def all_gather_object(self, obj: Any) -> list[Any]:
        """Every process's ``obj``, in rank order (picklable objects)."""
        if not self.is_distributed:
            return [obj]
        out: list[Any] = [None] * self.world_size
        torch_dist.all_gather_object(out, obj)
        return out

    def broadcast_object(self, obj: Any) -> Any:
        """Rank 0's ``obj`` on every process."""
        if not self.is_distributed:
            return obj
        box = [obj]
        torch_dist.broadcast_object_list(box, src=0)
        return box[0]

    def any_true(self, flag: bool) -> bool:
        """True on every process when ``flag`` is true on at least one."""
        return any(self.all_gather_object(bool(flag)))

    def run_on_main(self, fn: Callable[[], T]) -> T | None:
        """Run ``fn`` on rank 0 only; when it raises, every process raises.

        The others wait for rank 0, so this is also a barrier. Rank 0 re-raises the
        original error; the others raise :class:`PeerFailedError` naming it (an
        exception object need not survive pickling). Returns ``fn``'s result on
        rank 0 and None elsewhere.
        """
        result, error, failure = None, None, None
        if self.is_main:
            try:
                result = fn()
            except Exception as err:  # re-raised below, on rank 0 and on the others
                error, failure = err, f"{type(err).__name__}: {err}"
        failure = self.broadcast_object(failure)
        if error is not None:
            raise error
        if failure is not None:
            raise PeerFailedError(f"rank 0 failed: {failure}")
        return result


class PeerFailedError(EngineError):
    """Another process of the run failed; this one stops too."""


def context_from_env(env: Mapping[str, str], *, device: str) -> DistributedContext:
    """Build the context from torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK).

    Parameters
    ----------
    env : mapping of str to str
        The process environment (the CLI passes ``os.environ``).
    device : str
        The ``--device`` asked for: NCCL when it resolves to CUDA, else gloo.
    """
    if "WORLD_SIZE" not in env or int(env["WORLD_SIZE"]) == 1:
        return DistributedContext()
    missing = [k for k in _ENV_KEYS if k not in env]
    if missing:
        raise BadInputError(f"WORLD_SIZE is set but {', '.join(missing)} is not; start the "
                            "engine with torchrun, which sets all three")
    ctx = DistributedContext(int(env["RANK"]), int(env["WORLD_SIZE"]), int(env["LOCAL_RANK"]),
                             "gloo")
    backend = "nccl" if rank_device(ctx, device).type == "cuda" else "gloo"
    return DistributedContext(ctx.rank, ctx.world_size, ctx.local_rank, backend)


def rank_device(ctx: DistributedContext, device: str) -> torch.device:
    """The device of this process: ``cuda:LOCAL_RANK`` on GPUs, else the CPU.

    Under several processes ``device`` may be ``auto``, ``cuda`` or ``cpu``; a fixed
    ``cuda:N`` would put every process of a machine on one GPU and is refused.
    """
    if not ctx.is_distributed:
        return resolve_device(device)
    if device.startswith("cuda:"):
        raise BadInputError(f"--device {device!r} under torchrun: each process uses the GPU "
                            "of its LOCAL_RANK; pass --device cuda (or auto)")
    dev = resolve_device(device)
    return dev if dev.type == "cpu" else resolve_device(f"cuda:{ctx.local_rank}")


@contextlib.contextmanager
def process_group(ctx: DistributedContext, *, timeout_min: float = 30.0
                  ) -> Iterator[DistributedContext]:
    """Join the run's process group for the duration of the block, then leave it.

    ``timeout_min`` bounds every collective, so that a process whose peer died or
    was cancelled gives up instead of waiting forever.
    """
    if not ctx.is_distributed:
        yield ctx
        return
    if ctx.backend == "nccl":
        torch.cuda.set_device(ctx.local_rank)
    torch_dist.init_process_group(backend=ctx.backend, init_method="env://", rank=ctx.rank,
                                  world_size=ctx.world_size,
                                  timeout=timedelta(minutes=timeout_min))
    try:
        yield ctx
    finally:
        torch_dist.destroy_process_group()
