"""Time and peak memory of vectorize_raster on a generated road probability raster."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.io.raster import write_raster  # noqa: E402
from engine.synth import SceneConfig  # noqa: E402
from engine.synth.network import grow_network  # noqa: E402
from engine.synth.noise import smooth_noise  # noqa: E402

# Side of the generated tile that is mirrored and repeated up to the requested size (px).
TILE_PX = 2000
PIXEL_SIZE_M = 0.5
# Road blobs, holes and ragged edges like a network's prediction: noise of this size (px).
NOISE_SCALE_PX = 6.0
NOISE_WEIGHT = 0.2

# The child reports its own peak RSS (VmHWM, which starts afresh at exec): the
# rusage of a child started from this process would include this process's peak (the
# generated raster), which Linux carries over into the child's maximum at exec.
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from engine.vectorize import VectorizeConfig, vectorize_raster
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
cpu_start = cpu()
start = time.perf_counter()
result = vectorize_raster({prob!r}, {out!r}, VectorizeConfig(), overwrite=True)
wall_s = time.perf_counter() - start
cpu_s = cpu() - cpu_start  # CPU time (user + system, all threads) of vectorize_raster
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
peak_kib = int(status["VmHWM"].split()[0])
print(json.dumps({{"wall_s": wall_s, "cpu_s": cpu_s, "peak_kib": peak_kib, **result.to_dict()}}))
"""


def probability_tile(seed: int) -> np.ndarray:
    """A TILE_PX square Byte probability (0-254) of a grid-ish road network with noise."""
    rng = np.random.default_rng(seed)
    config = SceneConfig(size_px=TILE_PX, pixel_size_m=PIXEL_SIZE_M, road_count=60)
    mask = np.zeros((TILE_PX, TILE_PX), np.float32)
    for road in grow_network(config, rng=rng):
        mask[road.rows, road.cols] = 1.0
    noisy = mask * 0.7 + 0.1 + NOISE_WEIGHT * smooth_noise(mask.shape, NOISE_SCALE_PX, rng=rng)
    return np.round(np.clip(noisy, 0, 1) * 254).astype(np.uint8)


def tile_to(tile: np.ndarray, size: int) -> np.ndarray:
    """Mirror-tile ``tile`` to a size x size array (mirrored copies join without seams)."""
    pair = np.concatenate([tile, tile[::-1]], axis=0)
    quad = np.concatenate([pair, pair[:, ::-1]], axis=1)
    reps = -(-size // quad.shape[0])
    return np.tile(quad, (reps, reps))[:size, :size]


def run_child(prob: Path, out: Path, engine_root: Path) -> dict:
    """Vectorise in a fresh interpreter (the engine of ``engine_root``); its wall time, its
    peak RSS, and seconds per megapixel."""
    code = _CHILD.format(repo=str(engine_root), prob=str(prob), out=str(out))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=str(engine_root))
    wall_s = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"vectorize failed:\n{done.stderr}")
    inner = json.loads(done.stdout.strip().splitlines()[-1])
    megapixels = _megapixels(prob)
    return {"process_wall_s": round(wall_s, 2),
            "peak_rss_mib": round(inner.pop("peak_kib") / 1024, 1),
            "s_per_mpx": round(inner["wall_s"] / megapixels, 4),
            "cpu_s_per_mpx": round(inner["cpu_s"] / megapixels, 4), **inner}


def _megapixels(path: Path) -> float:
    from osgeo import gdal

    ds = gdal.Open(str(path))
    return ds.RasterXSize * ds.RasterYSize / 1e6


def main() -> None:
    """Generate, write, vectorise; print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10000, help="raster side in pixels")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--engine-root", type=Path, default=REPO, metavar="DIR",
                        help="run the engine of this folder (e.g. an older commit, from "
                        "git archive) instead of this checkout's")
    args = parser.parse_args()
    # Absolute: the child runs in --engine-root.
    folder = Path(args.keep or tempfile.mkdtemp(prefix="vectorize_bench_")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    prob, out = folder / "prob.tif", folder / "roads.gpkg"
    array = tile_to(probability_tile(args.seed), args.size)
    road_share = float(np.mean(array >= 127))
    write_raster(str(prob), array, geotransform=(448000.0, PIXEL_SIZE_M, 0.0, 5411000.0, 0.0,
                                                  -PIXEL_SIZE_M),
                 crs_wkt="EPSG:32631", nodata=255, overwrite=True)
    del array
    result = run_child(prob, out, args.engine_root.resolve())
    print(json.dumps({"size_px": args.size, "road_share": round(road_share, 4), **result}))
    if not args.keep:
        for path in (prob, out):
            path.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    main()
