"""Does the unlabeled imagery help on real images? Label part of an image, score the rest.

Each site is a real image with approximate hand-digitized road labels over a labeled area.
The labeled area is cut in two along the rows: the first ``train_share`` of the image is
given to the engine as labels (roads clipped to it), the rest, after a gap wider than
half a road, is the test part, whose labels are never seen. The whole image, and any
other rasters of the site, are the unlabeled imagery. Every configuration gets the same
steps and rounds; the model's own calibrated threshold makes its road map.

    python -m bench.real_imagery run --out bench-output/real [--jobs 2]
    python -m bench.real_imagery report --runs bench-output/real --out bench/results
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from osgeo import gdal

from .ablation import CONFIGS, bench_overrides, variant_tag, with_init
from .ablation_report import paired_interval
from .grid import GridRun, print_grid, write_record

__all__ = ["Site", "SITES", "prepare_site", "run_one", "stretched_gray", "save_panels", "main"]

ROOT = Path(__file__).resolve().parents[1]
METRICS = ("iou", "f1", "relaxed_f1", "precision", "recall", "apls", "completeness",
           "correctness")


@dataclass(frozen=True)
class Site:
    """A real image with labels, and how it is split into a labeled and a test part."""

    name: str
    image: str  # relative to the repository root, or to --shared-data when it starts with @
    roads: str
    aoi: str
    unlabeled: tuple[str, ...] = ()
    train_share: float = 0.4  # rows of the image whose labels are given
    gap_px: int = 16  # rows between the two parts, wider than half of any road
    bands: tuple[int, ...] | None = None  # these bands of the image, in this order (a VRT)


SITES = {
    "rotterdam": Site("rotterdam", "resources/sample/pan1.tif", "resources/sample/roads.gpkg",
                      "resources/sample/aoi.gpkg",
                      ("resources/sample/pan2.vrt", "resources/sample/pan3.vrt")),
    "atlanta": Site("atlanta", "@spacenet4_atlanta/atlanta_pan.tif",
                    "bench/data/atlanta/roads.gpkg", "bench/data/atlanta/aoi.gpkg"),
    # pan1's ground in colour at 1 m (bands blue, green, red, NIR; read as red, green,
    # blue), with pan1's labels: for 3-band base models
    "rotterdam_rgb": Site("rotterdam_rgb", "@spacenet6_rotterdam/ms1.tif",
                          "resources/sample/roads.gpkg", "resources/sample/aoi.gpkg",
                          bands=(3, 2, 1)),
}
#: The sites a run trains on unless --sites says otherwise (the panchromatic ones).
DEFAULT_SITES = ("rotterdam", "atlanta")


def _path(value: str, shared: Path) -> str:
    return str(shared / value[1:]) if value.startswith("@") else str(ROOT / value)


def _box(gt: tuple[float, ...], row0: int, row1: int, cols: int) -> shapely.Polygon:
    x0, y0 = gt[0], gt[3] + row0 * gt[5]
    return shapely.box(x0, gt[3] + row1 * gt[5], x0 + cols * gt[1], y0)


def _write(path: Path, layer: str, kind: str, crs: str, geometries: list, fields=None) -> None:
    from engine.io.vector import VectorLayer, write_layers

    wkts = [g.wkt for g in geometries if not g.is_empty]
    keep = [i for i, g in enumerate(geometries) if not g.is_empty]
    layer_fields = {k: [v[i] for i in keep] for k, v in (fields or {}).items()}
    write_layers(str(path), [VectorLayer(layer, kind, crs, wkts, fields=layer_fields,
                                         field_types={k: "float" for k in layer_fields})],
                 overwrite=True)


def _polygons(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of an intersection (which may hold slivers of lines)."""
    parts = shapely.get_parts(geometry)
    return shapely.MultiPolygon([q for p in parts if p.geom_type in ("Polygon", "MultiPolygon")
                                 for q in shapely.get_parts(p)])


def prepare_site(site: Site, shared: Path, work: Path) -> dict[str, str]:
    """Write the labeled part's roads and area, and the test part's truth raster.

    Returns
    -------
    dict
        ``image``, ``roads``, ``aoi`` (the labeled part), ``truth`` (1 road, 0 background,
        255 outside the test part), ``unlabeled`` (JSON list).
    """
    from engine.io.raster import read_info, write_raster
    from engine.io.vector import read_features
    from engine.labels import IGNORE, LabelSources, rasterize_labels

    work.mkdir(parents=True, exist_ok=True)
    image = _path(site.image, shared)
    if site.bands is not None:
        vrt = work / "image.vrt"
        gdal.Translate(str(vrt), image, format="VRT", bandList=list(site.bands))
        image = str(vrt)
    info = read_info(image)
    gt, rows, cols = info.geotransform, info.height, info.width
    cut = int(round(site.train_share * rows))
    train_box, test_box = _box(gt, 0, cut, cols), _box(gt, cut + site.gap_px, rows, cols)
    aoi = shapely.union_all([shapely.from_wkt(g.ExportToWkt()) for g, _ in read_features(
        _path(site.aoi, shared), target_crs_wkt=info.crs_wkt)])
    roads = [(shapely.from_wkt(g.ExportToWkt()), w) for g, w in read_features(
        _path(site.roads, shared), target_crs_wkt=info.crs_wkt, field="width")]
    train_roads = [(line.intersection(train_box & aoi), w) for line, w in roads]
    _write(work / "train_roads.gpkg", "roads", "LineString", info.crs_wkt,
           [shapely.line_merge(g) if g.geom_type == "MultiLineString" else g
            for g, _ in train_roads], {"width": [float(w or 6.0) for _, w in train_roads]})
    _write(work / "train_aoi.gpkg", "aoi", "MultiPolygon", info.crs_wkt,
           [_polygons(train_box & aoi)])
    _write(work / "test_aoi.gpkg", "aoi", "MultiPolygon", info.crs_wkt,
           [_polygons(test_box & aoi)])
    labels = rasterize_labels(info, LabelSources(roads=_path(site.roads, shared),
                                                 aoi=str(work / "test_aoi.gpkg")))
    labels[:cut + site.gap_px] = IGNORE  # road pixels of the labeled part are not scored
    write_raster(str(work / "truth.tif"), labels, geotransform=gt, crs_wkt=info.crs_wkt,
                 nodata=IGNORE, overwrite=True)
    files = {"image": image, "roads": str(work / "train_roads.gpkg"),
             "aoi": str(work / "train_aoi.gpkg"), "truth": str(work / "truth.tif"),
             "unlabeled": json.dumps([_path(u, shared) for u in site.unlabeled])}
    (work / "source.json").write_text(json.dumps(files, indent=1) + "\n")
    return files


def _run_name(site: str, config: str, seed: int, extra: dict[str, Any] | None = None) -> str:
    return f"{site}_{config}_s{seed}" + variant_tag(extra)


def _road_shares(prob_path: Path, truth_path: str, threshold: float) -> tuple[float, float]:
    """Share of the test part marked road by the prediction and by the truth."""
    prob = gdal.Open(str(prob_path)).ReadAsArray().astype(np.float32) / 254.0
    truth = gdal.Open(truth_path).ReadAsArray()
    scored = truth != 255
    return float(np.mean(prob[scored] >= threshold)), float(np.mean(truth[scored] == 1))


def run_one(root: Path, shared: Path, site_name: str, config_name: str, seed: int, *,
            steps: int, rounds: int, extra: dict[str, Any] | None = None,
            init: str | None = None) -> dict[str, Any]:
    """Train one configuration on a site's labeled part, score its test part, write JSON
    (``init``: a model file the run starts from, part of its variant)."""
    from engine.config import profile_config
    from engine.evaluate import evaluate
    from engine.predict import predict_raster
    from engine.threshold import raster_threshold
    from engine.training import TrainJob, train

    files = prepare_site(SITES[site_name], shared, root / "sites" / site_name)
    variant = with_init(extra, init)
    name = _run_name(site_name, config_name, seed, variant)
    work = root / "work" / name
    work.mkdir(parents=True, exist_ok=True)
    config = profile_config("fast").updated(bench_overrides(steps, rounds))
    config = config.updated({"val_tile_px": 96}).updated(CONFIGS[config_name])
    config = config.updated(extra or {}).updated({"seed": seed})
    job = TrainJob(images=(files["image"],), roads=files["roads"], aoi=files["aoi"],
                   unlabeled=tuple(json.loads(files["unlabeled"])), out=str(work / "model.pt"),
                   overwrite=True, diagnostic_truth={files["image"]: files["truth"]},
                   init_model=init)
    start = time.perf_counter()
    result = train(job, config, device="cpu")
    train_s = time.perf_counter() - start
    prob = work / "prob.tif"
    predict_raster(result.model_path, files["image"], prob, device="cpu", overwrite=True)
    scores = evaluate(str(prob), files["truth"])
    threshold = raster_threshold(str(prob))
    marked, true_share = _road_shares(prob, files["truth"], threshold)
    record = {"site": site_name, "config": config_name, "seed": seed, "steps": steps,
              "extra": variant,
              "rounds": rounds, "best_round": result.best_round, "threshold": threshold,
              "scores": {k: float(scores[k]) for k in METRICS},
              "marked_road_share": marked, "true_road_share": true_share,
              "rounds_detail": [{k: r.get(k) for k in ("metrics", "threshold", "losses",
                                                       "contrastive_weight", "pseudo",
                                                       "pseudo_seconds", "seconds")}
                                for r in result.rounds],
              "train_seconds": train_s, "date": time.strftime("%Y-%m-%d"),
              "train_config": config.to_dict()}
    write_record(root / "runs" / f"{name}.json", record)
    return record


def _load(folder: Path, variant: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The run records of one variant (the defaults when ``variant`` is None)."""
    runs = [json.loads(p.read_text()) for p in sorted((folder / "runs").glob("*.json"))]
    return [r for r in runs if (r.get("extra") or {}) == (variant or {})]


def summary(runs: list[dict[str, Any]]) -> str:
    """Markdown: per site, mean ± std over seeds per configuration, and the paired
    full - supervised difference with its 95 % t-interval."""
    lines = []
    for site in sorted({r["site"] for r in runs}):
        at = [r for r in runs if r["site"] == site]
        configs = [c for c in CONFIGS if any(r["config"] == c for r in at)]
        shown = ("iou", "relaxed_f1", "precision", "recall", "apls")
        lines += [f"**{site}** (mean ± std over seeds; road share of the test part marked "
                  f"road, truth {at[0]['true_road_share']:.1%})", "",
                  "| configuration | seeds | " + " | ".join(shown) + " | marked road | "
                  "training s |", "|" + " --- |" * (len(shown) + 4)]
        for c in configs:
            rs = [r for r in at if r["config"] == c]
            cells = []
            for m in shown:
                values = [r["scores"][m] for r in rs]
                spread = statistics.stdev(values) if len(values) > 1 else 0.0
                cells.append(f"{statistics.fmean(values):.3f} ± {spread:.3f}")
            marked = statistics.fmean(r["marked_road_share"] for r in rs)
            secs = statistics.median(r["train_seconds"] for r in rs)
            lines.append(f"| {c} | {len(rs)} | " + " | ".join(cells)
                         + f" | {marked:.1%} | {secs:.0f} |")
        base = {r["seed"]: r for r in at if r["config"] == "supervised"}
        for c in (c for c in configs if c != "supervised"):
            pairs = [(r, base[r["seed"]]) for r in at if r["config"] == c and r["seed"] in base]
            if not pairs:
                continue
            cells = []
            for m in shown:
                mean, lo, hi = paired_interval([a["scores"][m] - b["scores"][m] for a, b in pairs])
                wins = sum(a["scores"][m] > b["scores"][m] for a, b in pairs)
                cells.append(f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}] ({wins}/{len(pairs)})")
            lines.append(f"| {c} - supervised | {len(pairs)} | " + " | ".join(cells)
                         + " | | |")
        lines.append("")
    return "\n".join(lines)


def _median_seed(runs: list[dict[str, Any]], site: str) -> int:
    iou = {(r["config"], r["seed"]): r["scores"]["iou"] for r in runs if r["site"] == site}
    gains = sorted((iou[("full", s)] - iou[("supervised", s)], s)
                   for c, s in iou if c == "full" and ("supervised", s) in iou)
    return gains[(len(gains) - 1) // 2][1]


def _overlay(gray: np.ndarray, road: np.ndarray, scored: np.ndarray,
             color: tuple[float, float, float]) -> np.ndarray:
    """RGB: the image, dimmed where nothing is scored, with ``road`` painted in ``color``."""
    rgb = np.repeat(np.where(scored, gray, 0.35 * gray)[..., None], 3, axis=2)
    rgb[road] = 0.25 * rgb[road] + 0.75 * np.asarray(color)
    return rgb


def stretched_gray(image: str) -> np.ndarray:
    """The image as one grey band in [0, 1] (bands averaged, 2-98 % stretch of its
    non-zero pixels), for pictures."""
    raw = gdal.Open(image).ReadAsArray().astype(np.float32)
    if raw.ndim == 3:
        raw = raw.mean(axis=0)
    lo, hi = np.percentile(raw[raw > 0], (2, 98))
    return np.clip((raw - lo) / (hi - lo), 0, 1)


def save_panels(panels: list[tuple[np.ndarray, str]], title: str, path: Path, *,
                line_row: int | None = None) -> None:
    """One row of RGB pictures with their titles (and a horizontal line at ``line_row``)."""
    from .ablation_report import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.25 * len(panels), 4.8))
    for ax, (data, name) in zip(axes, panels, strict=True):
        ax.imshow(data, interpolation="nearest")
        if line_row is not None:
            ax.axhline(line_row, color="tab:orange", lw=1)
        ax.set_title(name, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=85)
    plt.close(fig)


def plot_site(root: Path, runs: list[dict[str, Any]], site: str, path: Path) -> None:
    """Image, truth of the test part, and both configurations' road maps (median seed),
    painted over the image; areas outside the scored part are dimmed."""
    seed = _median_seed(runs, site)
    files = root / "sites" / site
    truth = gdal.Open(str(files / "truth.tif")).ReadAsArray()
    gray = stretched_gray(json.loads((files / "source.json").read_text())["image"])
    scored = truth != 255
    panels = [(np.repeat(gray[..., None], 3, axis=2), "image"),
              (_overlay(gray, truth == 1, scored, (1.0, 0.85, 0.0)),
               "truth of the test part (yellow; dimmed: not scored)")]
    for config in ("supervised", "full"):
        run = next(r for r in runs if r["site"] == site and r["config"] == config
                   and r["seed"] == seed)
        name = _run_name(site, config, seed, run.get("extra"))
        prob = gdal.Open(str(root / "work" / name / "prob.tif"))
        road = prob.ReadAsArray().astype(np.float32) / 254.0 >= run["threshold"]
        panels.append((_overlay(gray, road, scored, (1.0, 0.1, 0.1)),
                       f"{config} (red): IoU {run['scores']['iou']:.3f}, relaxed F1 "
                       f"{run['scores']['relaxed_f1']:.3f}, threshold {run['threshold']:.2f}"))
    save_panels(panels, f"{site}: labels above the line, scored below it; seed {seed} (the "
                "median full - supervised IoU gain); road = p >= the model's threshold", path,
                line_row=int(np.argmax(scored.any(axis=1))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real_imagery", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("run", "one", "report"))
    parser.add_argument("--out", type=Path, default=Path("bench-output/real"))
    parser.add_argument("--runs", type=Path, default=Path("bench-output/real"))
    parser.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder of the shared real images (for sites marked @)")
    parser.add_argument("--sites", nargs="+", default=list(DEFAULT_SITES), choices=list(SITES))
    parser.add_argument("--configs", nargs="+", default=["supervised", "full"],
                        choices=list(CONFIGS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--site", choices=list(SITES))
    parser.add_argument("--config", choices=list(CONFIGS))
    parser.add_argument("--seed", type=int)
    parser.add_argument("--steps", type=int, default=300, help="steps per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--init", help="a model file every run starts from (train --init); "
                        "a variant named by its file name")
    parser.add_argument("--extra", type=json.loads, default=None,
                        help="JSON overrides applied to every configuration (a variant)")
    args = parser.parse_args(argv)
    if args.threads <= 0:
        args.threads = max(1, (os.cpu_count() or 1) // args.jobs)
    if args.mode == "one":
        import torch

        torch.set_num_threads(args.threads)
        run_one(args.out, args.shared_data, args.site, args.config, args.seed,
                steps=args.steps, rounds=args.rounds, extra=args.extra, init=args.init)
        return 0
    if args.mode == "report":
        runs = _load(args.runs, args.extra)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "real_imagery.md").write_text(summary(runs))
        for site in sorted({r["site"] for r in runs}):
            plot_site(args.runs, runs, site, args.out / f"real_{site}.png")
        print(summary(runs))
        return 0
    grid = []
    for site in args.sites:
        for seed in args.seeds:
            for config in args.configs:
                name = _run_name(site, config, seed, with_init(args.extra, args.init))
                command = [sys.executable, "-m", "bench.real_imagery", "one", "--out",
                           str(args.out), "--shared-data", str(args.shared_data), "--site",
                           site, "--config", config, "--seed", str(seed), "--steps",
                           str(args.steps), "--rounds", str(args.rounds), "--threads",
                           str(args.threads)]
                if args.extra:
                    command += ["--extra", json.dumps(args.extra)]
                if args.init:
                    command += ["--init", args.init]
                grid.append(GridRun(name, args.out / "runs" / f"{name}.json", command))
    return print_grid(grid, args.jobs, args.threads)


if __name__ == "__main__":
    raise SystemExit(main())
