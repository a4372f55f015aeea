"""Training throughput: crops per second of a supervised-only and of the full step.

Both steps run at the same batch size on the same generated scene through the engine's
own ``train_round``; the full step adds the contrastive pairs (two views and a negative
region, HOG filter, pixel InfoNCE). Timings alternate between the two so that a change of
load on a shared machine hits both; medians are reported. The model's FLOPs per step
(forward and backward, counted by ``torch.utils.flop_counter``) give the achieved
FLOP/s and, on CUDA, the share of the GPU's peak bf16 throughput (MFU). The time spent
only building batches (reading, normalising, augmenting, no model) says whether the input
side limits the step.

    python -m bench.train_throughput [--profile fast] [--steps 30] [--repeats 5] [--device auto]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from engine.config import TrainConfig, profile_config
from engine.device import resolve_device
from engine.events import Reporter
from engine.models import build_model
from engine.synth import SceneConfig, generate_scene, write_scene
from engine.training import TrainJob
from engine.training.contrastive_setup import contrastive_setup
from engine.training.crops import build_crop_pool
from engine.training.inputs import prepare_training_data
from engine.training.loop import (
    RoundInputs,
    RoundStreams,
    pair_batch,
    supervised_batch,
    train_round,
)

from .predict_speed import device_name

__all__ = ["PEAK_BF16_TFLOPS", "peak_tflops", "step_flops", "main"]

#: Dense bf16 tensor-core peaks (TFLOP/s, no sparsity) of GPUs the engine is run on.
PEAK_BF16_TFLOPS = {"H100 80GB HBM3": 989.4, "H100 PCIe": 756.0, "H200": 989.4,
                    "A100": 312.0, "L40S": 362.1, "RTX 4090": 165.2}


def peak_tflops(device: torch.device) -> float | None:
    """The bf16 peak of the device from :data:`PEAK_BF16_TFLOPS`; None on CPU or unknown."""
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    for key, value in PEAK_BF16_TFLOPS.items():
        if key in name:
            return value
    return None


def _inputs(root: Path, config: TrainConfig, size_px: int) -> tuple[RoundInputs, int]:
    scene = generate_scene(SceneConfig(size_px=size_px, aoi_fraction=0.5),
                           rng=np.random.default_rng(0))
    paths = write_scene(scene, root)
    job = TrainJob(images=(str(paths["image"]),), roads=str(paths["roads"]),
                   aoi=str(paths["aoi"]), out=str(root / "model.pt"))
    data = prepare_training_data(job, config, reporter=Reporter())
    pool = build_crop_pool(data.train_labels, rng=np.random.default_rng(0))
    # The weight's scale (the unlabeled share) changes no cost: time the term at full weight.
    sites = contrastive_setup(data, config.updated({"contrastive": {"enabled": True}}),
                              Reporter()).sites
    inputs = RoundInputs(data.read, data.train_labels, pool, None, sites, 1.0)
    return inputs, data.infos[0].band_count


def _streams(seed: int) -> RoundStreams:
    return RoundStreams(np.random.default_rng(seed), torch.Generator().manual_seed(seed),
                        np.random.default_rng(seed + 1), torch.Generator().manual_seed(seed + 1))


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _time_steps(model: torch.nn.Module, inputs: RoundInputs, config: TrainConfig, steps: int,
                device: torch.device, seed: int, cpu: list[float] | None = None) -> float:
    """Seconds of ``steps`` training steps (one train_round call); the process's CPU
    seconds are appended to ``cpu`` (steadier than wall time on a shared machine)."""
    _sync(device)
    cpu_start = time.process_time()
    start = time.perf_counter()
    train_round(model, None, inputs, config, steps=steps, device=device,
                streams=_streams(seed), reporter=Reporter(), stage="bench")
    _sync(device)
    if cpu is not None:
        cpu.append(time.process_time() - cpu_start)
    return time.perf_counter() - start


def _time_batches(inputs: RoundInputs, config: TrainConfig, steps: int,
                  device: torch.device) -> float:
    """Seconds spent building the steps' batches alone (no model)."""
    streams = _streams(1)
    start = time.perf_counter()
    for _ in range(steps):
        x, _ = supervised_batch(inputs, config, streams.crops, streams.train_torch)
        x.to(device)
        if config.contrastive.enabled:
            pair_batch(inputs, config, streams.pairs, device)
    _sync(device)
    return time.perf_counter() - start


def step_flops(model: torch.nn.Module, inputs: RoundInputs, config: TrainConfig,
               device: torch.device) -> int:
    """FLOPs of one training step (forward and backward of every view), counted by torch."""
    counter = FlopCounterMode(display=False)
    with counter:
        _time_steps(model, inputs, config, 1, device, seed=2)
    return int(counter.get_total_flops())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="fast", help="engine profile (fast or full)")
    parser.add_argument("--batch", type=int, default=0, help="batch size (0: the profile's)")
    parser.add_argument("--steps", type=int, default=30, help="steps per timing")
    parser.add_argument("--repeats", type=int, default=5, help="timings of each step kind")
    parser.add_argument("--scene-px", type=int, default=768, help="side of the generated scene")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--extra", type=json.loads, default=None,
                        help="JSON overrides of the profile (e.g. another model.arch)")
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    base = profile_config(args.profile).updated(args.extra or {})
    if args.batch:
        base = base.updated({"batch_size": args.batch})
    configs = {"supervised": base.updated({"contrastive": {"enabled": False}}),
               "full": base.updated({"contrastive": {"enabled": True, "rampup_fraction": 0.0}})}
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        inputs, bands = _inputs(Path(tmp), base, args.scene_px)
        model = build_model(base.model, in_channels=bands, seed=0).to(device)
        if device.type == "cuda" and base.channels_last:
            model = model.to(memory_format=torch.channels_last)
        flops = {k: step_flops(model, inputs, c, device) for k, c in configs.items()}
        for c in configs.values():  # untimed warm-up (allocator, cuDNN autotune)
            _time_steps(model, inputs, c, 3, device, seed=3)
        times: dict[str, list[float]] = {k: [] for k in configs}
        cpu: dict[str, list[float]] = {k: [] for k in configs}
        for r in range(args.repeats):
            for k, c in configs.items():
                times[k].append(_time_steps(model, inputs, c, args.steps, device, seed=10 + r,
                                            cpu=cpu[k]))
        batch_s = {k: _time_batches(inputs, c, args.steps, device) for k, c in configs.items()}
    peak = peak_tflops(device)
    result: dict = {"device": device_name(device), "profile": args.profile,
                    "extra": args.extra, "arch": base.model.arch,
                    "batch_size": base.batch_size, "crop_px": base.crop_px,
                    "pairs_per_step": base.contrastive.pairs_per_step,
                    "view_px": base.contrastive.view_px, "steps": args.steps,
                    "repeats": args.repeats}
    for k in configs:
        med = statistics.median(times[k])
        rate = args.steps / med
        result[k] = {"crops_per_s": round(base.batch_size * rate, 2),
                     "steps_per_s": round(rate, 3),
                     "gflop_per_step": round(flops[k] / 1e9, 2),
                     "achieved_tflops": round(flops[k] * rate / 1e12, 4),
                     "mfu": round(flops[k] * rate / 1e12 / peak, 4) if peak else None,
                     "batch_building_share": round(batch_s[k] / med, 3),
                     "runs_s": [round(t, 2) for t in times[k]],
                     "cpu_runs_s": [round(t, 2) for t in cpu[k]]}
    result["full_over_supervised_time"] = round(
        statistics.median(times["full"]) / statistics.median(times["supervised"]), 3)
    result["full_over_supervised_cpu_time"] = round(
        statistics.median(cpu["full"]) / statistics.median(cpu["supervised"]), 3)
    result["peak_bf16_tflops"] = peak
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
