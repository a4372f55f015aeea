"""Starting from a model against starting from scratch: paired tables of the grids' runs.

Reads the runs of ``bench.ablation`` and ``bench.real_imagery`` made with ``--init M``
(variant ``{"init": <M's file name>}``) and pairs each with the supervised run of the same
seed from scratch.

    python -m bench.init_report --ablation bench-output/ablation2 --real bench-output/real \
        --init-3band base_3band --init-1band base_1band
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from .ablation_report import load_runs, paired_interval, split_means

__all__ = ["paired_cell", "real_table", "generated_table", "main"]


def paired_cell(differences: list[float]) -> str:
    """Mean difference, its 95 % t-interval and the number of positive differences."""
    mean, low, high = paired_interval(differences)
    wins = sum(d > 0 for d in differences)
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}] ({wins}/{len(differences)})"


def _pairs(runs: list[dict[str, Any]], init: str, key: tuple[str, ...]
           ) -> dict[tuple, list[tuple[dict, dict]]]:
    """Runs of ``supervised`` from ``init`` paired by seed with those from scratch, grouped
    by the record fields ``key`` (site, or labeled fraction)."""
    base = {tuple(r[k] for k in key) + (r["seed"],): r for r in runs
            if r["config"] == "supervised" and not r.get("extra")}
    out: dict[tuple, list[tuple[dict, dict]]] = {}
    for r in runs:
        if r["config"] != "supervised" or (r.get("extra") or {}) != {"init": init}:
            continue
        scratch = base.get(tuple(r[k] for k in key) + (r["seed"],))
        if scratch is not None:
            out.setdefault(tuple(r[k] for k in key), []).append((r, scratch))
    return out


def real_table(runs: list[dict[str, Any]], init: str) -> str:
    """Markdown, per site: IoU from scratch and from ``init``, paired differences."""
    lines = ["| site | seeds | IoU from scratch | IoU from the base model | difference [95 % "
             "interval] (wins) | relaxed F1 difference | APLS difference | marked road, "
             "scratch / base (truth) |", "|" + " --- |" * 8]
    for (site,), pairs in sorted(_pairs(runs, init, ("site",)).items()):
        cells = [paired_cell([a["scores"][m] - b["scores"][m] for a, b in pairs])
                 for m in ("iou", "relaxed_f1", "apls")]
        scratch = statistics.fmean(b["scores"]["iou"] for _, b in pairs)
        started = statistics.fmean(a["scores"]["iou"] for a, _ in pairs)
        marked = (f"{statistics.fmean(b['marked_road_share'] for _, b in pairs):.1%} / "
                  f"{statistics.fmean(a['marked_road_share'] for a, _ in pairs):.1%} "
                  f"({pairs[0][0]['true_road_share']:.1%})")
        lines.append(f"| {site} | {len(pairs)} | {scratch:.3f} | {started:.3f} | "
                     + " | ".join(cells) + f" | {marked} |")
    return "\n".join(lines) + "\n"


def generated_table(runs: list[dict[str, Any]], init: str) -> str:
    """Markdown, per labeled share and test split: IoU and APLS, paired differences."""
    lines = ["| labeled | split | IoU from scratch | IoU from the base model | IoU difference "
             "[95 % interval] (wins) | APLS difference (wins) |", "|" + " --- |" * 6]
    for (fraction,), pairs in sorted(_pairs(runs, init, ("fraction",)).items()):
        means = [(split_means(a), split_means(b)) for a, b in pairs]
        for split in means[0][0]:
            iou = [a[split]["iou"] - b[split]["iou"] for a, b in means]
            apls = [a[split]["apls"] - b[split]["apls"] for a, b in means]
            scratch = statistics.fmean(b[split]["iou"] for _, b in means)
            started = statistics.fmean(a[split]["iou"] for a, _ in means)
            lines.append(f"| {fraction:.0%} | {split} | {scratch:.3f} | {started:.3f} | "
                         f"{paired_cell(iou)} | {paired_cell(apls)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.init_report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ablation", type=Path, default=Path("bench-output/ablation2"))
    parser.add_argument("--real", type=Path, default=Path("bench-output/real"))
    parser.add_argument("--init-3band", default="base_3band",
                        help="file name (without .pt) of the model the generated runs began from")
    parser.add_argument("--init-1band", default="base_1band",
                        help="file name (without .pt) of the model the real runs began from")
    args = parser.parse_args(argv)
    print(real_table(load_runs(args.real, None), args.init_1band))
    print(generated_table(load_runs(args.ablation, None), args.init_3band))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
