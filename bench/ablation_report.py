"""Tables and plots of the semi-supervised ablation (the runs of ``bench.ablation``).

    python -m bench.ablation_report --runs bench-output/ablation --out bench/results

Writes ``ablation.md`` (mean +- sample standard deviation over training seeds of each
metric, averaged over the test scenes of a split, and the paired difference full -
supervised), ``ablation_summary.json``, ``iou_vs_fraction.png`` and ``side_by_side.png``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

__all__ = ["load_runs", "split_means", "aggregate", "paired_differences", "paired_interval",
           "markdown", "diagnostics_table",
           "variant_table", "median_gain_seed", "main"]

SPLITS = {"in_style": "test scenes, training style", "heldout_style": "held-out style"}
TABLE_METRICS = {"iou": "pixel IoU", "relaxed_f1": "relaxed F1 (3 px)", "apls": "APLS"}


def _variant(record: dict[str, Any]) -> str:
    extra = record.get("extra") or {}
    return json.dumps(extra, sort_keys=True) if extra else ""


def load_runs(folder: Path, variant: str | None = "") -> list[dict[str, Any]]:
    """The run records in ``folder / "runs"`` of one variant ("" = no extra overrides).

    ``variant`` None gives every record.
    """
    runs = []
    for path in sorted((folder / "runs").glob("*.json")):
        record = json.loads(path.read_text())
        if variant is None or _variant(record) == variant:
            runs.append(record)
    return runs


def split_means(record: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per split, each metric averaged over the split's test scenes."""
    return {split: {m: float(np.mean([s[m] for s in scenes.values()]))
                    for m in next(iter(scenes.values()))}
            for split, scenes in record["scores"].items()}


def aggregate(runs: list[dict[str, Any]]) -> dict[tuple[float, str], dict[str, Any]]:
    """(fraction, config) -> split -> metric -> (mean, std, n) over training seeds."""
    grouped: dict[tuple[float, str], list[dict]] = defaultdict(list)
    for r in runs:
        grouped[(r["fraction"], r["config"])].append(split_means(r))
    out: dict[tuple[float, str], dict[str, Any]] = {}
    for key, per_seed in grouped.items():
        out[key] = {}
        for split in per_seed[0]:
            out[key][split] = {}
            for metric in per_seed[0][split]:
                values = [s[split][metric] for s in per_seed]
                std = statistics.stdev(values) if len(values) > 1 else 0.0
                out[key][split][metric] = (statistics.fmean(values), std, len(values))
    return out


def paired_differences(runs: list[dict[str, Any]], config: str, baseline: str = "supervised"
                       ) -> dict[tuple[float, str, str], tuple[float, float, int, int]]:
    """(fraction, split, metric) -> (mean, std, wins, n, low, high) of ``config`` -
    ``baseline`` paired by seed; (low, high) is the 95 % t-interval of the mean."""
    means = {(r["fraction"], r["config"], r["seed"]): split_means(r) for r in runs}
    diffs: dict[tuple[float, str, str], list[float]] = defaultdict(list)
    for (fraction, name, seed), scores in means.items():
        base = means.get((fraction, baseline, seed))
        if name != config or base is None:
            continue
        for split, metrics in scores.items():
            for metric, value in metrics.items():
                diffs[(fraction, split, metric)].append(value - base[split][metric])
    return {k: (statistics.fmean(v), statistics.stdev(v) if len(v) > 1 else 0.0,
                sum(d > 0 for d in v), len(v), *paired_interval(v)[1:])
            for k, v in diffs.items()}


def paired_interval(differences: list[float], level: float = 0.95
                    ) -> tuple[float, float, float]:
    """Mean of paired differences and its two-sided t-interval (NaN bounds for n < 2)."""
    from scipy import stats

    n = len(differences)
    mean = statistics.fmean(differences)
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, n - 1) * statistics.stdev(differences) / np.sqrt(n)
    return mean, mean - half, mean + half


def _cell(stats: tuple[float, float, int] | None, n_row: int) -> str:
    if stats is None:
        return "-"
    if stats[2] < 2:
        return f"{stats[0]:.3f} (n=1)"
    return f"{stats[0]:.3f} ± {stats[1]:.3f}" + (f" (n={stats[2]})" if stats[2] < n_row else "")


def markdown(agg: dict, diffs: dict[str, dict], configs: list[str],
             fractions: list[float]) -> str:
    """Markdown tables: one per split and metric, then each configuration - supervised,
    paired by seed (``diffs``: configuration -> :func:`paired_differences`)."""
    lines = []
    for split, split_title in SPLITS.items():
        for metric, title in TABLE_METRICS.items():
            lines += [f"**{title}, {split_title}** (mean ± std over seeds)", "",
                      "| labeled | " + " | ".join(configs) + " |",
                      "| --- |" + " --- |" * len(configs)]
            for f in fractions:
                n = max((agg.get((f, c), {}).get(split, {}).get(metric, (0, 0, 0))[2]
                         for c in configs), default=0)
                cells = [_cell(agg.get((f, c), {}).get(split, {}).get(metric), n)
                         for c in configs]
                lines.append(f"| {f:.0%} (n={n}) | " + " | ".join(cells) + " |")
            lines.append("")
    for config, paired in diffs.items():
        if not paired:
            continue
        lines += [f"**{config} - supervised, paired by seed** (mean ± std [95 % t-interval "
                  f"of the mean]; wins = seeds where {config} is higher)", "",
                  "| labeled | split | IoU | relaxed F1 | APLS |",
                  "| --- | --- | --- | --- | --- |"]
        for f in fractions:
            for split in SPLITS:
                cells = []
                for metric in TABLE_METRICS:
                    d = paired.get((f, split, metric))
                    cells.append("-" if d is None else
                                 f"{d[0]:+.3f} ± {d[1]:.3f} [{d[4]:+.3f}, {d[5]:+.3f}] "
                                 f"({d[2]}/{d[3]})")
                lines.append(f"| {f:.0%} | {split} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def variant_table(runs: list[dict[str, Any]], fraction: float, config: str = "full") -> str:
    """Markdown: every variant of ``config`` at ``fraction`` against supervised, paired by seed.

    Rows are the default (no overrides) and each ``--extra`` variant; cells are mean ± std
    over seeds of the split means, then the seeds where the variant beats supervised-only.
    """
    at = [r for r in runs if r["fraction"] == fraction]
    base = {r["seed"]: split_means(r) for r in at
            if r["config"] == "supervised" and not _variant(r)}
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in at:
        if r["config"] == config:
            groups[_variant(r)].append(r)
    header = ["variant (overrides of the defaults)", "seeds"]
    header += [f"{TABLE_METRICS[m]}, {split}" for split in SPLITS for m in ("iou", "apls")]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    rows = [("supervised only", [{"seed": s, "means": m}
                                 for s, m in base.items()])]
    rows += [(v or "defaults", [{"seed": r["seed"], "means": split_means(r)} for r in rs])
             for v, rs in sorted(groups.items())]
    for name, members in rows:
        cells = [name, str(len(members))]
        for split in SPLITS:
            for metric in ("iou", "apls"):
                values = [m["means"][split][metric] for m in members]
                wins = sum(m["means"][split][metric] > base[m["seed"]][split][metric]
                           for m in members if m["seed"] in base)
                spread = statistics.stdev(values) if len(values) > 1 else 0.0
                cell = f"{statistics.fmean(values):.3f} ± {spread:.3f}"
                cells.append(cell if name == "supervised only" else
                             f"{cell} ({wins}/{len(members)})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _mean(values: list[float]) -> float:
    finite = [v for v in values if v is not None and np.isfinite(v)]
    return statistics.fmean(finite) if finite else float("nan")


def _share(value: float) -> str:
    """A share as a percentage, or a dash where nothing was measured (a branch off)."""
    return f"{value:.1%}" if np.isfinite(value) else "-"


def diagnostics_table(runs: list[dict[str, Any]], config: str = "full") -> str:
    """Markdown: per labeled share and round, the pseudo-labels and the contrastive term of
    ``config``, averaged over seeds (from the runs' ``rounds_detail``)."""
    lines = [f"**What the rounds of `{config}` were made of** (mean over seeds)", "",
             "| labeled | round | contrastive steps | anchors with a loss | kept tiles "
             "(with road) | road precision / recall | background precision | pseudo-label "
             "time / round time | threshold |", "|" + " --- |" * 9]
    for fraction in sorted({r["fraction"] for r in runs}):
        at = [r for r in runs if r["fraction"] == fraction and r["config"] == config
              and r.get("rounds_detail")]
        for index in range(max((len(r["rounds_detail"]) for r in at), default=0)):
            rounds = [r["rounds_detail"][index] for r in at if len(r["rounds_detail"]) > index]
            pseudo = [d["pseudo"] for d in rounds if d.get("pseudo")]

            def get(key: str, source: list[dict] = pseudo) -> float:
                return _mean([d.get(key) for d in source])

            step = _mean([d["losses"].get("contrastive_step_share") for d in rounds])
            anchor = _mean([d["losses"].get("contrastive_anchor_share") for d in rounds])
            share = _mean([d["pseudo_seconds"] / d["seconds"] for d in rounds if d["seconds"]])
            kept = "-" if not pseudo else \
                f"{_mean([p['selected_road_tiles'] for p in pseudo]):.1f} road tiles"
            road = "-" if not pseudo else \
                f"{get('road_precision'):.3f} / {get('road_recall'):.3f}"
            background = "-" if not pseudo else f"{get('background_precision'):.3f}"
            threshold = _mean([d["threshold"]["value"] for d in rounds])
            lines.append(f"| {fraction:.0%} | {index + 1} | {_share(step)} | {_share(anchor)} | "
                         f"{kept} | {road} | {background} | {_share(share)} | "
                         f"{threshold:.2f} |")
    return "\n".join(lines) + "\n"


def _pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_curves(agg: dict, configs: list[str], fractions: list[float], path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(SPLITS), figsize=(11, 4.2), sharey=True)
    for ax, (split, title) in zip(axes, SPLITS.items(), strict=True):
        for i, c in enumerate(configs):
            pts = [(f, agg[(f, c)][split]["iou"]) for f in fractions if (f, c) in agg]
            if not pts:
                continue
            x = np.array([p[0] * 100 for p in pts]) * (1 + 0.03 * (i - len(configs) / 2))
            ax.errorbar(x, [p[1][0] for p in pts], yerr=[p[1][1] for p in pts], marker="o",
                        capsize=3, label=c)
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks([f * 100 for f in fractions], [f"{f:.0%}" for f in fractions])
        ax.set_xlabel("labeled share of the training area")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("pixel IoU (mean ± std over seeds)")
    axes[-1].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _read(path: Path) -> np.ndarray:
    return gdal.Open(str(path)).ReadAsArray()


def _plot_side_by_side(root: Path, runs: list[dict], fraction: float, seed: int,
                       path: Path) -> None:
    plt = _pyplot()
    scenes = {split: sorted(runs[0]["scores"][split])[0] for split in SPLITS}
    fig, axes = plt.subplots(len(scenes), 4, figsize=(13, 3.7 * len(scenes)))
    for row, (split, scene) in enumerate(scenes.items()):
        folder = root / "scenes" / scene
        image = _read(folder / "image.tif").transpose(1, 2, 0)
        truth = _read(folder / "truth.tif") == 1
        panels = [(image, "image"), (truth, "truth")]
        for config in ("supervised", "full"):
            run = root / "work" / f"f{fraction:g}_{config}_s{seed}" / f"{scene}_prob.tif"
            prob = _read(run).astype(np.float32) / 254.0
            iou = next(r for r in runs if r["config"] == config and r["fraction"] == fraction
                       and r["seed"] == seed)["scores"][split][scene]["iou"]
            panels.append((prob, f"{config} (IoU {iou:.3f})"))
        for ax, (data, title) in zip(axes[row], panels, strict=True):
            ax.imshow(data, cmap=None if data.ndim == 3 else "magma", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_title(title)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row][0].set_ylabel(SPLITS[split])
    fig.suptitle(f"{fraction:.0%} of the training area labeled, training seed {seed}: "
                 "road probability")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def median_gain_seed(runs: list[dict[str, Any]], fraction: float) -> int | None:
    """The seed whose full - supervised in-style IoU is the median one (the typical case)."""
    means = {(r["config"], r["seed"]): split_means(r)["in_style"]["iou"] for r in runs
             if r["fraction"] == fraction and r["config"] in ("supervised", "full")}
    gains = sorted((means[("full", s)] - means[("supervised", s)], s)
                   for c, s in means if c == "full" and ("supervised", s) in means)
    return gains[(len(gains) - 1) // 2][1] if gains else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ablation_report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=Path("bench-output/ablation"))
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--variant", default="", help="JSON of the --extra overrides to report")
    parser.add_argument("--picture-fraction", type=float, default=0.05)
    parser.add_argument("--picture-seed", type=int, default=None,
                        help="seed of the side-by-side picture (default: the median gain)")
    parser.add_argument("--variants-at", type=float, default=None,
                        help="only print the variants of a configuration at this labeled "
                        "fraction")
    parser.add_argument("--variants-config", default="full",
                        help="the configuration whose variants --variants-at prints")
    args = parser.parse_args(argv)
    if args.variants_at is not None:
        print(variant_table(load_runs(args.runs, None), args.variants_at,
                            args.variants_config))
        return 0
    variant = json.dumps(json.loads(args.variant), sort_keys=True) if args.variant else ""
    runs = load_runs(args.runs, variant)
    if not runs:
        raise SystemExit(f"no finished run of variant {variant or 'default'!r} in {args.runs}")
    configs = [c for c in ("supervised", "contrastive", "pseudo", "full", "soft", "no_hog")
               if any(r["config"] == c for r in runs)]
    fractions = sorted({r["fraction"] for r in runs})
    agg = aggregate(runs)
    diffs = {c: paired_differences(runs, c) for c in configs if c != "supervised"}
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if not variant else "_variant"
    tables = markdown(agg, diffs, configs, fractions) + "\n" + "\n".join(
        diagnostics_table(runs, c) for c in ("full", "pseudo") if c in configs)
    (args.out / f"ablation{suffix}.md").write_text(tables)
    summary = {f"{f:g}/{c}": v for (f, c), v in agg.items()}
    (args.out / f"ablation{suffix}_summary.json").write_text(json.dumps(summary, indent=1))
    _plot_curves(agg, configs, fractions, args.out / f"iou_vs_fraction{suffix}.png")
    seed = args.picture_seed
    if seed is None:
        seed = median_gain_seed(runs, args.picture_fraction)
    if seed is not None and not variant:
        _plot_side_by_side(args.runs, runs, args.picture_fraction, seed,
                           args.out / "side_by_side.png")
    print(tables)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
