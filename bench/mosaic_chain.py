"""Peak memory and time of predict + vectorize + evaluate on generated mosaics of growing size.

Run from the repository root: ``.venv/bin/python -m bench.mosaic_chain --workdir DIR``.
Prints one JSON line (and writes it to DIR/mosaic_chain.json).

The set-up (in its own process, so that this one stays small: a child's peak RSS as
``os.wait4`` reports it includes its parent's at the time it starts) generates four
1024 px scenes (``engine.synth``) at ``--pixel-size`` metres and trains the fast profile's
small model on one of them (``train --profile fast --steps 20 --rounds 1``). Each mosaic is
a VRT that repeats the four scenes in a 2 x 2 pattern up to the size; its truth is the
same pattern of the scenes' truth masks. Then, per size, ``python -m engine predict``,
``vectorize`` and ``evaluate`` (against the truth mask) run as separate processes,
``--repeats`` times each (``--predict-repeats`` for predict, which is the slow one); each
process's peak RSS and CPU time come from ``os.wait4``, its time from the wall clock;
medians are reported. The chain's peak is the largest of its three stages, its time their sum.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["main"]

#: Side of the generated scenes, and how many (a 2 x 2 pattern).
SCENE_PX = 1024
SCENES = 4
_KIB_PER_MIB = 1024


def _run(command: list[str]) -> tuple[float, float, float]:
    """Run a child; return (its peak RSS in MiB, wall seconds, CPU seconds). Raise if it
    fails. CPU time (user + system, all threads) is what a busy machine changes least."""
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
    seconds = time.monotonic() - start
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command[:5])} ... failed: {stderr[-2000:]}")
    return usage.ru_maxrss / _KIB_PER_MIB, seconds, usage.ru_utime + usage.ru_stime


def _engine(*args: object) -> list[str]:
    return [sys.executable, "-m", "engine", *map(str, args), "--progress", "none"]


def prepare(work: Path, pixel_size_m: float) -> None:
    """Scenes and the model (run in a child process: it imports the engine)."""
    import numpy as np

    from engine.synth import SceneConfig, generate_scene, write_scene

    for index in range(SCENES):
        folder = work / f"scene{index}"
        if not (folder / "image.tif").exists():
            scene = generate_scene(SceneConfig(size_px=SCENE_PX, pixel_size_m=pixel_size_m),
                                   rng=np.random.default_rng(index))
            write_scene(scene, folder, overwrite=True)


def _train(work: Path) -> Path:
    model = work / "model.pt"
    if not model.exists():
        scene = work / "scene0"
        subprocess.run(_engine("train", "--image", scene / "image.tif", "--roads",
                               scene / "roads.gpkg", "--aoi", scene / "aoi.gpkg", "--profile",
                               "fast", "--steps", 20, "--rounds", 1, "--device", "cpu",
                               "--out", model), check=True)
    return model


def tiled_vrt(sources: list[Path], size_px: int, out: Path) -> Path:
    """A VRT of ``size_px`` square repeating the four sources as [[0, 1], [2, 3]]."""
    from osgeo import gdal

    ds = gdal.Open(str(sources[0]))
    gt, bands = ds.GetGeoTransform(), ds.RasterCount
    band = ds.GetRasterBand(1)
    dtype, nodata = gdal.GetDataTypeName(band.DataType), band.GetNoDataValue()
    lines = [f'<VRTDataset rasterXSize="{size_px}" rasterYSize="{size_px}">',
             f"  <SRS>{escape(ds.GetProjection())}</SRS>",
             f"  <GeoTransform>{', '.join(repr(v) for v in gt)}</GeoTransform>"]
    for index in range(1, bands + 1):
        lines.append(f'  <VRTRasterBand dataType="{dtype}" band="{index}">')
        if nodata is not None:
            lines.append(f"    <NoDataValue>{nodata}</NoDataValue>")
        for row in range(0, size_px, SCENE_PX):
            for col in range(0, size_px, SCENE_PX):
                source = sources[2 * (row // SCENE_PX % 2) + col // SCENE_PX % 2]
                rows, cols = min(SCENE_PX, size_px - row), min(SCENE_PX, size_px - col)
                lines += ["    <SimpleSource>",
                          f'      <SourceFilename relativeToVRT="0">{escape(str(source))}'
                          "</SourceFilename>", f"      <SourceBand>{index}</SourceBand>",
                          f'      <SrcRect xOff="0" yOff="0" xSize="{cols}" ySize="{rows}"/>',
                          f'      <DstRect xOff="{col}" yOff="{row}" xSize="{cols}" '
                          f'ySize="{rows}"/>', "    </SimpleSource>"]
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    out.write_text("\n".join(lines) + "\n")
    return out


def _measure(command: list[str], repeats: int) -> dict:
    runs = [_run(command) for _ in range(repeats)]
    return {"peak_rss_mb": round(statistics.median(r[0] for r in runs), 1),
            "seconds": round(statistics.median(r[1] for r in runs), 1),
            "cpu_seconds": round(statistics.median(r[2] for r in runs), 1),
            "runs": [[round(r[0], 1), round(r[1], 1), round(r[2], 1)] for r in runs]}


def measure_size(work: Path, model: Path, size: int, args: argparse.Namespace) -> dict:
    """predict, vectorize and evaluate on one mosaic."""
    scenes = [work / f"scene{i}" for i in range(SCENES)]
    image = tiled_vrt([s / "image.tif" for s in scenes], size, work / f"image_{size}.vrt")
    truth = tiled_vrt([s / "truth.tif" for s in scenes], size, work / f"truth_{size}.vrt")
    prob, roads = work / f"prob_{size}.tif", work / f"roads_{size}.gpkg"
    stages = {
        "predict": _measure(_engine("predict", "--model", model, "--image", image, "--out",
                                    prob, "--device", "cpu", "--overwrite"),
                            args.predict_repeats),
        "vectorize": _measure(_engine("vectorize", "--prob", prob, "--out", roads,
                                      "--overwrite"), args.repeats),
        "evaluate": _measure(_engine("evaluate", "--pred", prob, "--truth", truth),
                             args.repeats),
    }
    pixels = size * size
    chain = {"peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
             "seconds": round(sum(s["seconds"] for s in stages.values()), 1),
             "cpu_seconds": round(sum(s["cpu_seconds"] for s in stages.values()), 1)}
    chain["us_per_px"] = round(chain["seconds"] / pixels * 1e6, 3)
    chain["cpu_us_per_px"] = round(chain["cpu_seconds"] / pixels * 1e6, 3)
    km2 = pixels * args.pixel_size ** 2 / 1e6
    rates = {}
    for clock in ("seconds", "cpu_seconds"):
        spent = stages["predict"][clock] + stages["vectorize"][clock]
        rates[clock] = round(km2 / spent * 3600, 1)
    return {"size_px": size, "megapixels": round(pixels / 1e6, 1), "stages": stages,
            "chain": chain, "predict_vectorize_km2_per_h": rates["seconds"],
            "predict_vectorize_km2_per_cpu_h": rates["cpu_seconds"]}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workdir", type=Path, required=True, help="scenes, model and outputs")
    p.add_argument("--sizes", type=int, nargs="+", default=[4096, 8192, 16384], metavar="PX")
    p.add_argument("--pixel-size", type=float, default=0.5, help="metres (0.5)")
    p.add_argument("--repeats", type=int, default=3, help="runs of vectorize and evaluate")
    p.add_argument("--predict-repeats", type=int, nargs="+", default=[3],
                   help="runs of predict per size (one number for all, or one per size)")
    p.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Set up, measure every size, print and write the JSON result."""
    args = _arguments(argv)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.prepare_only:
        prepare(work, args.pixel_size)
        return {}
    subprocess.run([sys.executable, "-m", "bench.mosaic_chain", "--workdir", str(work),
                    "--pixel-size", str(args.pixel_size), "--prepare-only"], check=True)
    model = _train(work)
    repeats = args.predict_repeats * len(args.sizes) if len(args.predict_repeats) == 1 \
        else args.predict_repeats
    results = []
    for size, predict_repeats in zip(args.sizes, repeats, strict=True):
        args.predict_repeats = predict_repeats
        results.append(measure_size(work, model, size, args))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    first, last = results[0], results[-1]
    pixels = (last["size_px"] / first["size_px"]) ** 2
    report = {
        "bench": "mosaic_chain", "machine": f"{platform.node()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs", "load_average": [round(v, 2) for v in os.getloadavg()],
        "pixel_size_m": args.pixel_size, "sizes": results,
        "ratio_peak_rss": round(last["chain"]["peak_rss_mb"] / first["chain"]["peak_rss_mb"],
                                3),
        "pixels_ratio": pixels,
        "ratio_time_per_pixel": round(last["chain"]["us_per_px"] / first["chain"]["us_per_px"],
                                      3),
        "ratio_cpu_time_per_pixel": round(last["chain"]["cpu_us_per_px"]
                                          / first["chain"]["cpu_us_per_px"], 3)}
    (work / "mosaic_chain.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
