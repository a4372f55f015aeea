"""How long `python -m engine predict` takes to stop after SIGTERM (the plugin's cancel).

Builds, in a temporary folder, a generated RGB scene and a randomly initialised model of
the chosen width and depth (the full profile's by default: a forward pass of a 512 px
window takes the better part of a second on 2 CPU cores), then runs `predict` in its own
process for each case, sends SIGTERM after a delay and measures the time to its exit:

- ``tta``: a raster of ``--size`` px with ``--tta``, batches of 4 windows of 512 px;
- ``sparse``: a VRT of ``--sparse-size`` px, mostly empty (the scene in its middle).

Prints one JSON line: per case and delay, the seconds from SIGTERM to exit (``stop_s``)
and to the cancel's error event (``error_event_s``), the exit code (130 expected), the
windows done before the signal, and whether any temporary file was left beside the output.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from osgeo import gdal

from engine.config import ModelConfig
from engine.model_file import save_model
from engine.models import build_model
from engine.normalization import BandStats
from engine.synth import SceneConfig, generate_scene, write_scene

ROOT = Path(__file__).resolve().parents[1]


def _model(path: Path, width: int, depth: int) -> Path:
    config = ModelConfig(base_width=width, depth=depth)
    meta = {"bands": {"count": 3, "dtype": "uint8", "nodata": [0.0] * 3},
            "normalization": BandStats(low=(0.0,) * 3, high=(255.0,) * 3).to_dict(),
            "architecture": {"base_width": width, "depth": depth},
            "config": {"model": {"arch": "unet", "base_width": width, "depth": depth,
                                 "embed_dim": 32}}, "pixel_size_m": 0.5}
    save_model(path, build_model(config, 3, seed=0), meta)
    return path


def _sparse_vrt(image: Path, vrt: Path, size_px: int) -> Path:
    info = gdal.Info(str(image), format="json")
    gt = info["geoTransform"]
    half = size_px / 2 * gt[1]
    x, y = gt[0], gt[3]
    gdal.BuildVRT(str(vrt), [str(image)],
                  outputBounds=(x - half, y - half, x + half, y + half)).FlushCache()
    return vrt


def _cancel_once(args: list[str], delay_s: float, folder: Path) -> dict:
    """Start predict, wait for its first progress plus ``delay_s``, SIGTERM, time the exit."""
    proc = subprocess.Popen([sys.executable, "-m", "engine", *args, "--progress", "json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    done = [0]
    started = threading.Event()
    error_at: list[float] = []

    def follow() -> None:
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "progress" and event["stage"] == "predicting":
                done[0] = event["done"]
                started.set()
            elif event["event"] == "error":
                error_at.append(time.monotonic())

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    started.wait(600)
    time.sleep(delay_s)
    windows = done[0]
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(600)
    stopped_s = time.monotonic() - sent
    reader.join(10)
    left = [p.name for p in folder.iterdir() if p.name.startswith(".prob")]
    reported_s = round(error_at[0] - sent, 2) if error_at else None
    return {"delay_s": delay_s, "stop_s": round(stopped_s, 2), "error_event_s": reported_s,
            "exit_code": code,
            "windows_done": windows, "temporaries_left": left}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="scene side in px (1024)")
    parser.add_argument("--sparse-size", type=int, default=200_000,
                        help="side of the mostly empty VRT in px (200000)")
    parser.add_argument("--base-width", type=int, default=32)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--delays", type=float, nargs="+", default=[1.0, 3.0, 7.0])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scene = generate_scene(SceneConfig(size_px=options.size, bands=3),
                               rng=np.random.default_rng(0))
        files = write_scene(scene, folder / "scene")
        model = _model(folder / "model.pt", options.base_width, options.depth)
        sparse = _sparse_vrt(files["image"], folder / "sparse.vrt", options.sparse_size)
        out = folder / "prob.tif"
        common = ["predict", "--model", str(model), "--out", str(out), "--device", "cpu",
                  "--overwrite"]
        cases = {"tta": [*common, "--image", str(files["image"]), "--tta", "--batch", "4"],
                 "sparse": [*common, "--image", str(sparse)]}
        results = {name: [_cancel_once(args, delay, folder) for delay in options.delays]
                   for name, args in cases.items()}
    print(json.dumps({"model": {"base_width": options.base_width, "depth": options.depth},
                      "size_px": options.size, "sparse_size_px": options.sparse_size,
                      "results": results}))


if __name__ == "__main__":
    main()
