"""Wall time of predict_raster against the model alone on the same windows: the I/O overhead."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from engine.device import resolve_device
from engine.model_file import load_model
from engine.predict import PredictConfig, PredictResult, predict_raster
from engine.predict.forward import forward_probability, prepare_model

from .predict_memory import make_model, make_tile, mosaic_vrt

__all__ = ["area_rates", "device_name", "random_batches", "time_model_alone", "main"]


def device_name(device: torch.device) -> str:
    """A readable name: the GPU's model, or the CPU with its thread count."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"cpu ({torch.get_num_threads()} torch threads, {os.cpu_count()} cores)"


def random_batches(windows: int, bands: int, config: PredictConfig, *,
                   seed: int = 0) -> list[np.ndarray]:
    """``windows`` random windows in batches: float32, shape (batch, bands, tile, tile)."""
    rng = np.random.default_rng(seed)
    tile = config.tile_px
    sizes = [min(config.batch_size, windows - i) for i in range(0, windows, config.batch_size)]
    return [rng.random((n, bands, tile, tile), dtype=np.float32) for n in sizes]


def time_model_alone(model: torch.nn.Module, batches: list[np.ndarray], config: PredictConfig,
                     device: torch.device) -> tuple[float, float]:
    """(wall, process CPU) seconds ``model`` (on ``device``) needs for ``batches``, no I/O."""
    start, cpu = time.perf_counter(), time.process_time()
    for batch in batches:  # each call returns on the CPU, so the device has finished
        forward_probability(model, batch, device=device, amp=config.amp, tta=config.tta)
    return time.perf_counter() - start, time.process_time() - cpu


def _time_predict(model_path: Path, image: Path, out: Path, config: PredictConfig,
                  device: torch.device) -> tuple[float, float, PredictResult]:
    """(wall, process CPU) seconds of one predict_raster call, and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = predict_raster(model_path, image, out, config, device=device, overwrite=True)
    return time.perf_counter() - start, time.process_time() - cpu, result


def _time_both(model_path: Path, image: Path, out: Path, config: PredictConfig,
               device: torch.device, repeats: int
               ) -> tuple[list[tuple[float, float, PredictResult]], list[tuple[float, float]]]:
    """Alternate the two timings, after one untimed run of each (warm caches, kernels)."""
    model, meta = load_model(model_path, device=device)
    model = prepare_model(model, device)
    *_, first = _time_predict(model_path, image, out, config, device)
    batches = random_batches(first.windows_total - first.windows_skipped_nodata,
                             int(meta["bands"]["count"]), config)
    time_model_alone(model, batches, config, device)
    runs, alone = [], []
    for _ in range(repeats):  # alternating, so a change of load on the machine hits both
        runs.append(_time_predict(model_path, image, out, config, device))
        alone.append(time_model_alone(model, batches, config, device))
    return runs, alone


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Compare the wall time of predict_raster on one raster (a VRT repeating "
        "a generated 1024 px scene) with the time the model alone needs for as many windows "
        "(same tile, batch and device; random batches built beforehand, no reading, "
        "blending or writing), alternating the two after one untimed run of each. The "
        "ratio shows how well reading and writing overlap with the model: near 1 means "
        "they are hidden. Medians of --repeats runs; prints one JSON "
        "line. Run from the repository root as python -m bench.predict_speed.")
    p.add_argument("--size", type=int, default=2048, help="raster side in px (default 2048)")
    p.add_argument("--repeats", type=int, default=3, help="runs of each timing (default 3)")
    p.add_argument("--base-width", type=int, default=8, help="U-Net base width (default 8)")
    p.add_argument("--depth", type=int, default=3, help="U-Net depth (default 3)")
    p.add_argument("--arch", default="unet",
                   help="model.arch (default unet; mobilenet_v2 etc. take --base-width as "
                   "their decoder's width)")
    p.add_argument("--tile", type=int, default=512, help="prediction window (default 512)")
    p.add_argument("--batch", type=int, default=4, help="windows per batch (default 4)")
    p.add_argument("--tta", action="store_true", help="with test-time augmentation")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--pixel-size", type=float, default=0.5,
                   help="ground sampling distance in metres used for km2/h (default 0.5, the "
                   "sample's and the generated scenes')")
    return p.parse_args(argv)


def area_rates(pixels: int, seconds: float, pixel_size_m: float) -> dict[str, float]:
    """Pixels per second and square kilometres per hour of ``pixels`` done in ``seconds``."""
    rate = pixels / seconds
    return {"pixels_per_s": round(rate), "km2_per_h": round(rate * pixel_size_m ** 2 * 3.6e-3, 2)}


def main(argv: list[str] | None = None) -> dict:
    """Run both timings and print their JSON line."""
    args = _arguments(argv)
    device = resolve_device(args.device)
    config = PredictConfig(tile_px=args.tile, batch_size=args.batch, tta=args.tta)
    with tempfile.TemporaryDirectory(prefix="predict-speed-") as scratch:
        work = Path(scratch)
        tile = make_tile(work / "tile")
        model = make_model(work / "model.pt", tile, base_width=args.base_width, depth=args.depth,
                           arch=args.arch)
        image = mosaic_vrt(tile, args.size, work / "mosaic.vrt")
        runs, alone = _time_both(model, image, work / "prob.tif", config, device,
                                 args.repeats)
    first = runs[0][2]
    predicted = first.windows_total - first.windows_skipped_nodata
    full_s, model_s = (statistics.median(r[0] for r in runs),
                       statistics.median(a[0] for a in alone))
    full_cpu, model_cpu = (statistics.median(r[1] for r in runs),
                           statistics.median(a[1] for a in alone))
    result = {"bench": "predict_speed", "device": device_name(device), "size_px": args.size,
              "tile_px": args.tile, "batch": args.batch, "tta": args.tta,
              "model": {"arch": args.arch, "base_width": args.base_width, "depth": args.depth},
              "windows": first.windows_total, "windows_predicted": predicted,
              "repeats": args.repeats, "predict_raster_s": round(full_s, 3),
              "model_alone_s": round(model_s, 3), "ratio": round(full_s / model_s, 3),
              "pixel_size_m": args.pixel_size,
              "end_to_end": area_rates(args.size ** 2, full_s, args.pixel_size),
              "model_alone": area_rates(args.size ** 2, model_s, args.pixel_size),
              "predict_raster_cpu_s": round(full_cpu, 3), "model_alone_cpu_s": round(model_cpu, 3),
              "ratio_cpu": round(full_cpu / model_cpu, 3),
              "predict_raster_runs_s": [round(r[0], 3) for r in runs],
              "model_alone_runs_s": [round(a[0], 3) for a in alone]}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
