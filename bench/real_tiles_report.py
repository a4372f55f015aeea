"""Tables and pictures of bench.real_tiles runs: per source and labelled share, paired."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

from .ablation_report import paired_interval
from .grid import write_record
from .real_tiles import CONFIGS, run_name

__all__ = ["write_report", "summary", "restore_records", "RECORDS", "COMPARE"]

#: Every run's record, one JSON object per line, kept with the project: the tables can be
#: rebuilt and a grid continued on another machine without running the finished runs again
#: (their pictures need the runs' predictions, which stay in the run folder).
RECORDS = Path(__file__).parent / "results" / "real_tiles_runs.jsonl"

SHOWN = ("iou", "relaxed_f1", "apls", "precision", "recall")
#: The two configurations the pictures show by default: the old default beside the new.
COMPARE = ("scratch", "mobilenet_v2")
#: (configuration, reference) pairs whose paired differences are shown when both ran.
PAIRS = (("mobilenet_v2", "scratch"), ("mobilenet_v2_random", "mobilenet_v2"),
         ("efficientnet_lite0", "mobilenet_v2"), ("efficientnet_lite1", "mobilenet_v2"),
         ("efficientnet_lite2", "mobilenet_v2"), ("mobilenet_v2_encoder_lr1", "mobilenet_v2"),
         ("mobilenet_v2_scale_aug", "mobilenet_v2"), ("mobilenet_v2_crop96", "mobilenet_v2"),
         ("mobilenet_v2_semi", "mobilenet_v2"), ("mobilenet_v2_contrastive", "mobilenet_v2"),
         ("mobilenet_v2_pseudo", "mobilenet_v2"), ("mobilenet_v2_semi_running_bn", "mobilenet_v2"),
         ("mobilenet_v2_semi_running_bn", "mobilenet_v2_semi"),
         ("mobilenet_v2_unlabelled", "mobilenet_v2"),
         ("mobilenet_v2_semi", "mobilenet_v2_unlabelled"),
         ("mobilenet_v2_contrastive", "mobilenet_v2_unlabelled"),
         ("mobilenet_v2_pseudo", "mobilenet_v2_unlabelled"),
         ("mobilenet_v2_semi_running_bn", "mobilenet_v2_unlabelled"),
         ("mobilenet_v2_base", "mobilenet_v2"),
         ("mobilenet_v2_r3", "mobilenet_v2"), ("mobilenet_v2_pseudo_add_r3", "mobilenet_v2_r3"),
         *((c, "mobilenet_v2") for c in ("mobilenet_v2_contrastive_w002",
                                        "mobilenet_v2_contrastive_r2",
                                        "mobilenet_v2_contrastive_enc",
                                        "mobilenet_v2_contrastive_other",
                                        "mobilenet_v2_pseudo_more", "mobilenet_v2_pseudo_add")))


def _load(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((folder / "runs").glob("*.json"))]


def _mean_std(values: list[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "-"
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {spread:.3f}"


def _share_label(share: int) -> str:
    return "all" if share == 1 else f"1/{share}"


def _rows(at: list[dict[str, Any]]) -> list[str]:
    lines = []
    for config in (c for c in CONFIGS if any(r["config"] == c for r in at)):
        rs = [r for r in at if r["config"] == config]
        cells = [_mean_std([r["scores"][m] for r in rs]) for m in SHOWN]
        marked = statistics.fmean(r["scores"]["marked_road_share"] for r in rs)
        cpu = statistics.median(r["train_cpu_seconds"] for r in rs)
        wall = statistics.median(r["train_seconds"] for r in rs)
        lines.append(f"| {config} | {len(rs)} | " + " | ".join(cells)
                     + f" | {marked:.1%} | {cpu:.0f} / {wall:.0f} |")
    for config, ref in PAIRS:
        base = {r["seed"]: r for r in at if r["config"] == ref}
        pairs = [(r, base[r["seed"]]) for r in at if r["config"] == config
                 and r["seed"] in base]
        if not pairs:
            continue
        cells = []
        for m in SHOWN:
            diffs = [a["scores"][m] - b["scores"][m] for a, b in pairs]
            mean, lo, hi = paired_interval(diffs)
            wins = sum(d > 0 for d in diffs)
            cells.append(f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}] ({wins}/{len(pairs)})")
        lines.append(f"| {config} - {ref} | {len(pairs)} | " + " | ".join(cells) + " | | |")
    return lines


def summary(runs: list[dict[str, Any]]) -> str:
    """Markdown tables: per source and share, mean ± std over seeds per configuration,
    then paired differences with their 95 % t-intervals and wins."""
    lines = []
    for source in sorted({r["source"] for r in runs}):
        for share in sorted({r["share"] for r in runs if r["source"] == source},
                            reverse=True):
            at = [r for r in runs if r["source"] == source and r["share"] == share]
            truth = at[0]["scores"]["true_road_share"]
            tiles = len(at[0]["labelled_tiles"])
            lines += [f"**{source}, {_share_label(share)} labelled** ({tiles} tiles; test "
                      f"truth road share {truth:.1%})", "",
                      "| configuration | seeds | " + " | ".join(SHOWN)
                      + " | marked road | training s (CPU / wall, median) |",
                      "|" + " --- |" * (len(SHOWN) + 4)]
            lines += _rows(at) + [""]
    return "\n".join(lines)


def _nanmean(values: list[float]) -> float:
    values = [v for v in values if v is not None and v == v]
    return statistics.fmean(values) if values else float("nan")


def rounds_summary(runs: list[dict[str, Any]]) -> str:
    """Markdown: per semi-supervised configuration, source and share, what each round did
    (mean over seeds): hold-out IoU, the contrastive weight, the pseudo-labelled tiles and
    how right their road and background pixels are against the pool's truth, and the
    share of the round spent pseudo-labelling; and how often each round was kept."""
    semi = [r for r in runs if r.get("rounds") and any(x.get("candidate_tiles")
                                                        or x.get("contrastive_weight")
                                                        for x in r["rounds"])]
    if not semi:
        return ""
    lines = ["| source, share | configuration | round | seeds | hold-out IoU | lambda_c | "
             "tiles scored / kept | pseudo road px | road precision / recall | "
             "background precision | pseudo s / round s | kept as best |",
             "|" + " --- |" * 12]
    groups = sorted({(r["source"], r["share"], r["config"]) for r in semi},
                    key=lambda g: (g[0], -g[1], g[2]))
    for source, share, config in groups:
        rs = [r for r in semi if (r["source"], r["share"], r["config"]) == (source, share,
                                                                              config)]
        for k in range(max(len(r["rounds"]) for r in rs)):
            at = [r["rounds"][k] for r in rs if len(r["rounds"]) > k]
            pseudo = [x.get("pseudo") or {} for x in at]
            best = sum(r["best_round"] == k + 1 for r in rs)
            spent = _nanmean([x["pseudo_seconds"] / x["seconds"] for x in at if x.get("seconds")])
            lines.append(
                f"| {source}, {_share_label(share)} | {config} | {k + 1} | {len(at)} | "
                f"{_nanmean([(x.get('metrics') or {}).get('iou') for x in at]):.3f} | "
                f"{_nanmean([x.get('contrastive_weight') for x in at]):.3f} | "
                f"{_nanmean([x.get('candidate_tiles') for x in at]):.0f} / "
                f"{_nanmean([x.get('pseudo_tiles') for x in at]):.0f} | "
                f"{_nanmean([p.get('pseudo_road_px') for p in pseudo]):.0f} | "
                f"{_nanmean([p.get('road_precision') for p in pseudo]):.2f} / "
                f"{_nanmean([p.get('road_recall') for p in pseudo]):.2f} | "
                f"{_nanmean([p.get('background_precision') for p in pseudo]):.3f} | "
                f"{spent:.2f} | {best}/{len(rs)} |")
    return "\n".join(lines)


def _median_seed(runs: list[dict[str, Any]], source: str, share: int,
                 compare: tuple[str, str]) -> int | None:
    """The seed of the median IoU gain of ``compare[1]`` over ``compare[0]``."""
    ref, config = compare
    iou = {(r["config"], r["seed"]): r["scores"]["iou"] for r in runs
           if r["source"] == source and r["share"] == share}
    gains = sorted((iou[(config, s)] - iou[(ref, s)], s)
                   for c, s in iou if c == config and (ref, s) in iou)
    return gains[(len(gains) - 1) // 2][1] if gains else None


def _overlay(image: np.ndarray, road: np.ndarray, color: tuple[int, int, int]) -> np.ndarray:
    out = image.copy()
    out[road] = (0.3 * out[road] + 0.7 * np.asarray(color)).astype(out.dtype)
    return out


def plot_source(root: Path, runs: list[dict[str, Any]], source: str, share: int,
                path: Path, tiles: int = 4,
                compare: tuple[str, str] = COMPARE) -> bool:
    """Test tiles of the median seed (of ``compare[1]``'s gain over ``compare[0]``): image,
    truth (yellow), both configurations' road maps (red) at each model's own threshold;
    False when the runs or their predictions are missing."""
    from .ablation_report import _pyplot

    seed = _median_seed(runs, source, share, compare)
    if seed is None or not (root / "tiles" / "manifest.json").exists():
        return False
    manifest = json.loads((root / "tiles" / "manifest.json").read_text())[source]
    chosen = manifest["test"][:: max(1, len(manifest["test"]) // tiles)][:tiles]
    by = {r["config"]: r for r in runs if r["source"] == source and r["share"] == share
          and r["seed"] == seed}
    folders = {c: root / "work" / run_name(source, c, share, seed) for c in compare}
    if not all((f / f"{t['name']}_prob.tif").exists() for f in folders.values() for t in chosen):
        return False  # runs restored from their records: no predictions to show
    plt = _pyplot()
    fig, axes = plt.subplots(len(chosen), 4, figsize=(13, 3.3 * len(chosen)))
    for row, tile in zip(axes, chosen, strict=True):
        image = gdal.Open(tile["image"]).ReadAsArray()[:3].transpose(1, 2, 0)
        truth = gdal.Open(tile["truth"]).ReadAsArray() == 1
        panels = [(image, tile["name"]), (_overlay(image, truth, (255, 220, 0)), "truth")]
        for config in compare:
            run = by[config]
            prob = gdal.Open(str(folders[config] / f"{tile['name']}_prob.tif")).ReadAsArray()
            road = (prob != 255) & (prob / 254.0 >= run["scores"]["threshold"])
            panels.append((_overlay(image, road, (255, 30, 30)),
                           f"{config} (test IoU {run['scores']['iou']:.3f})"))
        for ax, (data, title) in zip(row, panels, strict=True):
            ax.imshow(data)
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle(f"{source}, {_share_label(share)} labelled, seed {seed} (the median "
                 f"{compare[1]} - {compare[0]} IoU gain); road = p >= the model's threshold")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return True


def restore_records(records: Path, runs_folder: Path) -> int:
    """Write the record of each run in ``records`` (JSON lines) that ``runs_folder`` lacks,
    so that a grid counts it as done; return how many were written."""
    if not records.exists():
        return 0
    written = 0
    for line in records.read_text().splitlines():
        record = json.loads(line)
        path = runs_folder / "runs" / (run_name(record["source"], record["config"],
                                                record["share"], record["seed"]) + ".json")
        if not path.exists():
            write_record(path, record)
            written += 1
    return written


def write_report(runs_folder: Path, out: Path, name: str = "real_tiles", *,
                 configs: list[str] | None = None, shares: list[int] | None = None,
                 compare: tuple[str, str] = COMPARE) -> str:
    """Write ``name``.md, the records of its runs (``name``_runs.jsonl) and the pictures
    (``name``_SOURCE_1ofN.png: ``compare[0]`` beside ``compare[1]``) under ``out``; return
    the markdown. ``configs`` and ``shares``, when given, keep only those runs."""
    runs = [r for r in _load(runs_folder)
            if (configs is None or r["config"] in configs)
            and (shares is None or r["share"] in shares)]
    out.mkdir(parents=True, exist_ok=True)
    text = summary(runs)
    rounds = rounds_summary(runs)
    if rounds:
        text += "\n**Rounds of the semi-supervised runs** (means over seeds)\n\n" + rounds + "\n"
    (out / f"{name}.md").write_text(text + "\n")
    order = sorted(runs, key=lambda r: (r["source"], r["config"], -r["share"], r["seed"]))
    (out / f"{name}_runs.jsonl").write_text("".join(json.dumps(r, sort_keys=True) + "\n"
                                            for r in order))
    for source in sorted({r["source"] for r in runs}):
        for share in sorted({r["share"] for r in runs if r["source"] == source}):
            plot_source(runs_folder, runs, source, share,
                        out / f"{name}_{source}_1of{share}.png", compare=compare)
    return text
