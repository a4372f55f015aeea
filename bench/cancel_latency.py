"""How long `python -m engine predict` and `evaluate` take to stop after SIGTERM (the
plugin's cancel).

Builds, in a temporary folder, a generated RGB scene and a randomly initialised model of
the chosen width and depth (the full profile's by default: a forward pass of a 512 px
window takes the better part of a second on 2 CPU cores), then runs each case in its own
process, sends SIGTERM a delay after its first progress event and measures the time to its
exit:

- ``tta``: `predict` on a raster of ``--size`` px with ``--tta``, batches of 4 windows of
  512 px;
- ``sparse``: `predict` on a VRT of ``--sparse-size`` px, mostly empty (the scene in its
  middle);
- ``evaluate_scene``: `evaluate` of a probability raster of ``--eval-size`` px (a generated
  scene's truth, blurred, with noise, tiled) against that truth, by 2048 px blocks;
- ``evaluate_random``: `evaluate` of a probability of uniform random values of the same
  size against the same truth (a huge road graph: long centerline scores and APLS).

``--cases`` picks some. Prints one JSON line: per case and delay, the seconds from SIGTERM
to exit (``stop_s``) and to the cancel's error event (``error_event_s``), the exit code
(130 expected; ``finished`` when the run ended before the signal), the stage and progress
of the last event before the signal, and whether any temporary file was left beside the
output.
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
from scipy import ndimage

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


def _write_like(path: Path, array: np.ndarray, grid: gdal.Dataset) -> Path:
    """A tiled Byte GeoTIFF (nodata 255) of ``array`` on the pixel size and CRS of ``grid``."""
    out = gdal.GetDriverByName("GTiff").Create(str(path), array.shape[1], array.shape[0], 1,
                                               gdal.GDT_Byte, ["TILED=YES", "COMPRESS=DEFLATE"])
    out.SetGeoTransform(grid.GetGeoTransform())
    out.SetProjection(grid.GetProjection())
    band = out.GetRasterBand(1)
    band.SetNoDataValue(255)
    band.WriteArray(array)
    out.FlushCache()
    return path


def _evaluate_inputs(truth_tif: Path, folder: Path, size_px: int) -> dict[str, Path]:
    """The scene's truth tiled to ``size_px``, a probability made from it (blurred, with
    noise: a network's outline) and one of uniform random values (a dense tangle of roads)."""
    grid = gdal.Open(str(truth_tif))
    scene = grid.GetRasterBand(1).ReadAsArray()
    reps = -(-size_px // scene.shape[0]), -(-size_px // scene.shape[1])
    truth = np.tile(scene, reps)[:size_px, :size_px]
    rng = np.random.default_rng(1)
    road = ndimage.gaussian_filter((truth == 1).astype(np.float32), 3) * 1.6
    prob = np.round(np.clip(road + rng.random(truth.shape, dtype=np.float32) * 0.35, 0, 1)
                    * 254).astype(np.uint8)
    prob[truth == 255] = 255
    noise = rng.integers(0, 255, truth.shape, dtype=np.uint8)
    noise[truth == 255] = 255
    return {"truth": _write_like(folder / "truth_eval.tif", truth, grid),
            "scene": _write_like(folder / "prob_scene.tif", prob, grid),
            "random": _write_like(folder / "prob_random.tif", noise, grid)}


def _cancel_once(args: list[str], delay_s: float, folder: Path) -> dict:
    """Start a run, wait for its first progress plus ``delay_s``, SIGTERM, time the exit."""
    proc = subprocess.Popen([sys.executable, "-m", "engine", *args, "--progress", "json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    last: dict = {}
    started = threading.Event()
    error_at: list[float] = []

    def follow() -> None:
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "progress":
                last.update(stage=event["stage"], done=event["done"], total=event["total"])
                started.set()
            elif event["event"] == "error":
                error_at.append(time.monotonic())

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    started.wait(600)
    time.sleep(delay_s)
    at_signal = dict(last)
    sent = time.monotonic()
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGTERM)
    code = proc.wait(1800)
    stopped_s = time.monotonic() - sent
    reader.join(10)
    left = [p.name for p in folder.iterdir() if p.name.startswith(".prob")]
    reported_s = round(error_at[0] - sent, 2) if error_at else None
    return {"delay_s": delay_s, "stop_s": None if finished else round(stopped_s, 2),
            "error_event_s": reported_s, "exit_code": "finished" if finished else code,
            "at_signal": at_signal, "temporaries_left": left}


#: The cases, in the order they run.
CASES = ("tta", "sparse", "evaluate_scene", "evaluate_random")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="scene side in px (1024)")
    parser.add_argument("--sparse-size", type=int, default=200_000,
                        help="side of the mostly empty VRT in px (200000)")
    parser.add_argument("--base-width", type=int, default=32)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--delays", type=float, nargs="+", default=[1.0, 3.0, 7.0])
    parser.add_argument("--eval-size", type=int, default=4096,
                        help="side of the evaluated rasters in px (4096)")
    parser.add_argument("--eval-delays", type=float, nargs="+",
                        default=[1.0, 3.0, 7.0, 15.0, 40.0, 80.0],
                        help="delays of the evaluate cases, through its blocks, centerline "
                        "scores and APLS")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scene = generate_scene(SceneConfig(size_px=options.size, bands=3),
                               rng=np.random.default_rng(0))
        files = write_scene(scene, folder / "scene")
        model = _model(folder / "model.pt", options.base_width, options.depth)
        sparse = _sparse_vrt(files["image"], folder / "sparse.vrt", options.sparse_size)
        evaluated = _evaluate_inputs(files["truth"], folder, options.eval_size)
        out = folder / "prob.tif"
        common = ["predict", "--model", str(model), "--out", str(out), "--device", "cpu",
                  "--overwrite"]
        judged = ["evaluate", "--truth", str(evaluated["truth"]), "--pred"]
        cases = {"tta": [*common, "--image", str(files["image"]), "--tta", "--batch", "4"],
                 "sparse": [*common, "--image", str(sparse)],
                 "evaluate_scene": [*judged, str(evaluated["scene"])],
                 "evaluate_random": [*judged, str(evaluated["random"])]}
        results = {name: [_cancel_once(cases[name], delay, folder) for delay in
                          (options.eval_delays if name.startswith("evaluate")
                           else options.delays)] for name in options.cases}
    print(json.dumps({"model": {"base_width": options.base_width, "depth": options.depth},
                      "size_px": options.size, "sparse_size_px": options.sparse_size,
                      "eval_size_px": options.eval_size, "results": results}))


if __name__ == "__main__":
    main()
