"""Peak memory of `python -m engine predict` on mosaics of growing size: it should not grow."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from osgeo import gdal

from engine.config import TrainConfig
from engine.io.raster import read_info
from engine.model_file import save_model
from engine.models import build_model
from engine.normalization import compute_band_stats
from engine.synth import SceneConfig, generate_scene, write_scene

__all__ = ["make_tile", "mosaic_vrt", "make_model", "predict_command", "main"]

gdal.UseExceptions()

#: Side of the generated tile that the mosaics repeat, in pixels.
TILE_PX = 1024
#: Pixels of ru_maxrss (KiB on Linux) in a MiB.
_KIB_PER_MIB = 1024


def make_tile(folder: Path, *, size_px: int = TILE_PX, bands: int = 3, seed: int = 0) -> Path:
    """Write a generated scene (engine.synth) into ``folder``; return its image path."""
    scene = generate_scene(SceneConfig(size_px=size_px, bands=bands),
                           rng=np.random.default_rng(seed))
    return write_scene(scene, folder, overwrite=True)["image"]


def mosaic_vrt(tile: Path, size_px: int, out: Path, *, width_px: int | None = None) -> Path:
    """Write a VRT that repeats ``tile`` (cut at the edges).

    It has ``size_px`` rows and ``width_px`` columns (``size_px`` when omitted).
    """
    width_px = width_px or size_px
    info = read_info(str(tile))
    dtype = gdal.GetDataTypeName(gdal.Open(str(tile)).GetRasterBand(1).DataType)
    gt = info.geotransform
    lines = [f'<VRTDataset rasterXSize="{width_px}" rasterYSize="{size_px}">',
             f"  <SRS>{escape(info.crs_wkt)}</SRS>",
             f"  <GeoTransform>{', '.join(repr(v) for v in gt)}</GeoTransform>"]
    for band in range(1, info.band_count + 1):
        lines.append(f'  <VRTRasterBand dataType="{dtype}" band="{band}">')
        if info.nodata[band - 1] is not None:
            lines.append(f"    <NoDataValue>{info.nodata[band - 1]}</NoDataValue>")
        for row in range(0, size_px, info.height):
            for col in range(0, width_px, info.width):
                rows, cols = min(info.height, size_px - row), min(info.width, width_px - col)
                lines += [
                    "    <SimpleSource>",
                    f'      <SourceFilename relativeToVRT="0">{escape(str(tile))}'
                    "</SourceFilename>",
                    f"      <SourceBand>{band}</SourceBand>",
                    f'      <SrcRect xOff="0" yOff="0" xSize="{cols}" ySize="{rows}"/>',
                    f'      <DstRect xOff="{col}" yOff="{row}" xSize="{cols}" ySize="{rows}"/>',
                    "    </SimpleSource>"]
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    out.write_text("\n".join(lines) + "\n")
    return out


def make_model(path: Path, image: Path, *, base_width: int, depth: int,
               arch: str = "unet") -> Path:
    """Save a network of ``arch`` (random decoder; an ImageNet encoder's packaged weights)
    with normalisation statistics of ``image``."""
    info = read_info(str(image))
    config = TrainConfig().updated({"model": {"arch": arch, "base_width": base_width,
                                              "depth": depth, "embed_dim": 8}})
    model = build_model(config.model, info.band_count, seed=0)
    stats = compute_band_stats([str(image)], sample_size=20_000, rng=np.random.default_rng(0))
    meta = {"bands": {"count": info.band_count, "dtype": info.dtype, "nodata": list(info.nodata)},
            "normalization": stats.to_dict(), "architecture": config.to_dict()["model"],
            "pixel_size_m": info.pixel_size_m, "config": config.to_dict()}
    save_model(path, model, meta)
    return path


def _cli_has_predict() -> bool:
    done = subprocess.run([sys.executable, "-m", "engine", "predict", "--help"],
                          capture_output=True, check=False)
    return done.returncode == 0


def predict_command(model: Path, image: Path, out: Path, *, tile_px: int, batch: int,
                    device: str, use_cli: bool) -> list[str]:
    """The command that predicts ``image``: the CLI, or predict_raster through python -c."""
    if use_cli:
        return [sys.executable, "-m", "engine", "predict", "--model", str(model), "--image",
                str(image), "--out", str(out), "--tile", str(tile_px), "--batch", str(batch),
                "--device", device, "--progress", "none", "--overwrite"]
    code = ("import sys; from engine.predict import PredictConfig, predict_raster; "
            "predict_raster(sys.argv[1], sys.argv[2], sys.argv[3], PredictConfig("
            f"tile_px={tile_px}, batch_size={batch}), device={device!r}, overwrite=True)")
    return [sys.executable, "-c", code, str(model), str(image), str(out)]


def run_measured(command: list[str]) -> tuple[float, float]:
    """Run a child process; return (peak RSS in MiB, wall seconds). Raise if it fails."""
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
    seconds = time.monotonic() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed ({child.returncode}): "
                           f"{stderr[-2000:]}")
    return usage.ru_maxrss / _KIB_PER_MIB, seconds


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure the peak resident memory (RSS) of one prediction process per "
        "raster size. The rasters are VRTs that repeat one generated 1024 px scene, so only "
        "the size changes. Streaming prediction keeps a band of about tile rows x raster "
        "width, so the peak must not grow with the height; it grows a little with the width "
        "(about 9 bytes x tile x the columns holding data for the band, under 1 KB a column "
        "for the rows on their way to the file), which square rasters also change: "
        "--raster-width varies the height alone. Prints one JSON line; run from the "
        "repository root as python -m bench.predict_memory.")
    p.add_argument("--sizes", type=int, nargs="+", default=[8192, 16384], metavar="PX",
                   help="raster sides to measure, ascending (default: 8192 16384)")
    p.add_argument("--raster-width", type=int, metavar="PX",
                   help="keep every raster this many columns wide, so --sizes changes the "
                   "height only (default: square rasters)")
    p.add_argument("--base-width", type=int, default=8, help="U-Net base width (default 8)")
    p.add_argument("--depth", type=int, default=3, help="U-Net depth (default 3)")
    p.add_argument("--tile", type=int, default=512, help="prediction window (default 512)")
    p.add_argument("--batch", type=int, default=4, help="windows per batch (default 4)")
    p.add_argument("--device", default="cpu", help="auto, cpu or cuda (default cpu)")
    p.add_argument("--python-api", action="store_true",
                   help="call predict_raster through python -c even when the CLI has predict")
    p.add_argument("--workdir", type=Path, help="folder for the files (default: a temporary one)")
    return p.parse_args(argv)


def _report(args: argparse.Namespace, runner: str, baseline: float,
            peaks: dict[int, float], seconds: dict[int, float]) -> dict:
    """The JSON-ready result: peaks per size, and the ratio of the largest to the smallest."""
    first, last = args.sizes[0], args.sizes[-1]
    return {"bench": "predict_memory", "runner": runner,
            "raster_width_px": args.raster_width or "square",
            "model": {"base_width": args.base_width, "depth": args.depth},
            "tile_px": args.tile, "batch": args.batch, "device": args.device,
            "gdal_cachemax_mb": gdal.GetCacheMax() // 2**20,
            "baseline_rss_mb": round(baseline, 1),
            "peak_rss_mb": {str(k): round(v, 1) for k, v in peaks.items()},
            "seconds": {str(k): round(v, 1) for k, v in seconds.items()},
            "ratio_peak": round(peaks[last] / peaks[first], 3),
            "ratio_above_baseline": round((peaks[last] - baseline)
                                          / max(peaks[first] - baseline, 1e-9), 3),
            "pixels_ratio": (last / first) ** (1 if args.raster_width else 2)}


def main(argv: list[str] | None = None) -> dict:
    """Run the measurement and print its JSON line."""
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="predict-memory-") as scratch:
        work = args.workdir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        tile = make_tile(work / "tile")
        model = make_model(work / "model.pt", tile, base_width=args.base_width,
                           depth=args.depth)
        use_cli = not args.python_api and _cli_has_predict()
        baseline, _ = run_measured([sys.executable, "-c", "import sys; from engine.model_file "
                                    "import load_model; import engine.predict; "
                                    "load_model(sys.argv[1])", str(model)])
        peaks, seconds = {}, {}
        for size in args.sizes:
            vrt = mosaic_vrt(tile, size, work / f"mosaic_{size}.vrt", width_px=args.raster_width)
            out = work / f"prob_{size}.tif"
            command = predict_command(model, vrt, out, tile_px=args.tile, batch=args.batch,
                                      device=args.device, use_cli=use_cli)
            peaks[size], seconds[size] = run_measured(command)
            out.unlink()
    result = _report(args, "cli" if use_cli else "python-api", baseline, peaks, seconds)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
