"""Which pixels the contrastive loss pushes apart, judged against the truth on real tiles.

The loss pairs each anchor of a core R with K negatives from a region N that overlaps
neither view; the HOG rule and the same-class rule choose which pixels of N may be
negatives (``engine.training.contrastive_step.negative_groups``). A negative of the
anchor's own true class is a pair the loss should not push apart. This script counts them
on real tiles with truth, with the engine's own anchor sampling and negative rules, from
the road probability a trained model gives those tiles:

- tiles: a source's test tiles of ``bench.real_tiles`` (with truth, never trained on);
- probabilities: a run's predictions of them (``work/RUN/NAME_prob.tif``), the model at
  the end of training, which stands for the model of the later steps;
- geometry and counts of the ``fast`` profile: cores of 64 px, N of 96 px (from another
  tile), cells of 32 px, 128 anchors (half predicted road) and K = 128.

For each rule it reports, over the anchors that are truly road (and truly background),
the share of their negatives that are truly of the same class, beside that share among
all valid pixels of N (no rule), and how many negatives an anchor keeps.

    python -m bench.contrastive_negatives --runs bench-output/real_tiles_head \\
        --source epfl --run epfl_mobilenet_v2_1of8_s0 --pairs 400
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from osgeo import gdal

from engine.config import profile_config
from engine.losses.contrastive import sample_anchor_indices
from engine.training.contrastive_step import NegativeRule, negative_groups
from engine.training.loop import negative_rule

__all__ = ["RULES", "count_same_class", "main"]

#: The rules compared: name -> (HOG filter on, same-class drop on, other class only).
RULES = {"none": (False, False, False), "hog": (True, False, False),
         "same class": (False, True, False), "hog + same class (default)": (True, True, False),
         "hog + other class only": (True, False, True)}


def _read(path: str | Path) -> np.ndarray:
    return gdal.Open(str(path)).ReadAsArray()


def count_same_class(prob_r: np.ndarray, truth_r: np.ndarray, prob_n: np.ndarray,
                     truth_n: np.ndarray, rule: NegativeRule, *, anchors: int, negatives: int,
                     road_fraction: float, generator: torch.Generator) -> np.ndarray:
    """Counts of one (R, N) pair under ``rule``.

    Parameters
    ----------
    prob_r, truth_r : ndarray, shape (k, k)
        Predicted road probability of the core and its truth (1 road, 0 background, other
        values not judged).
    prob_n, truth_n : ndarray, shape (n, n)
    rule : NegativeRule
    anchors, negatives, road_fraction : the loss's anchor count, K and road share.
    generator : torch.Generator

    Returns
    -------
    ndarray of int64, shape (2, 2)
        Row c for anchors truly of class c (0 background, 1 road): [negatives drawn for
        them, of which truly of class c], summed over the anchors.
    """
    valid_r = (truth_r == 0) | (truth_r == 1)
    valid_n = (truth_n == 0) | (truth_n == 1)
    idx = sample_anchor_indices(torch.from_numpy(prob_r), torch.from_numpy(valid_r),
                                count=anchors, road_fraction=road_fraction,
                                generator=generator)
    drawn, member, _ = negative_groups(idx, prob_r, prob_n, valid_n, rule, count=negatives,
                                       generator=generator)
    out = np.zeros((2, 2), np.int64)
    if len(drawn) == 0:
        return out
    anchor_class = truth_r.ravel()[idx.numpy()]
    negative_class = truth_n.ravel()[drawn.numpy()]
    member = member.numpy()
    for c in (0, 1):
        rows = member[anchor_class == c]
        out[c, 0] += int(rows.sum())
        out[c, 1] += int((rows & (negative_class == c)).sum())
    return out


def _windows(rng: np.random.Generator, shape: tuple[int, int], side: int) -> tuple[int, int]:
    return int(rng.integers(0, shape[0] - side + 1)), int(rng.integers(0, shape[1] - side + 1))


def measure(tiles: list[dict], work: Path, *, pairs: int, seed: int) -> dict[str, dict]:
    """Counts per rule over ``pairs`` random (R, N) pairs of the tiles (see the module)."""
    config = profile_config("fast")
    c = config.contrastive
    base = negative_rule(config)
    probs = {t["name"]: _read(work / f"{t['name']}_prob.tif") for t in tiles}
    truths = {t["name"]: _read(t["truth"]) for t in tiles}
    rng = np.random.default_rng(seed)
    totals = {name: np.zeros((2, 2), np.int64) for name in RULES}
    base_rate = np.zeros(2, np.int64)  # valid pixels of N: [all, road]
    for _ in range(pairs):
        a, b = rng.choice(len(tiles), size=2, replace=False)
        ta, tb = tiles[a]["name"], tiles[b]["name"]
        r0, c0 = _windows(rng, probs[ta].shape, c.core_px)
        n0, m0 = _windows(rng, probs[tb].shape, c.negative_px)
        pr = probs[ta][r0:r0 + c.core_px, c0:c0 + c.core_px]
        pn = probs[tb][n0:n0 + c.negative_px, m0:m0 + c.negative_px]
        tr = truths[ta][r0:r0 + c.core_px, c0:c0 + c.core_px].copy()
        tn = truths[tb][n0:n0 + c.negative_px, m0:m0 + c.negative_px].copy()
        tr[pr == 255], tn[pn == 255] = 255, 255  # nodata in the prediction: not judged
        pr = np.where(pr == 255, 0, pr).astype(np.float32) / 254.0
        pn = np.where(pn == 255, 0, pn).astype(np.float32) / 254.0
        valid_n = (tn == 0) | (tn == 1)
        base_rate += (int(valid_n.sum()), int((tn == 1).sum()))
        for name, (hog, same, other) in RULES.items():
            rule = replace(base, hog_filter=hog, drop_same_class=same, other_class_only=other)
            gen = torch.Generator().manual_seed(int(rng.integers(1 << 31)))
            totals[name] += count_same_class(pr, tr, pn, tn, rule, anchors=c.anchors,
                                             negatives=c.negatives,
                                             road_fraction=c.road_anchor_fraction,
                                             generator=gen)
    road_share = base_rate[1] / max(1, base_rate[0])
    out = {}
    for name, t in totals.items():
        out[name] = {"road_anchor_negatives": int(t[1, 0]),
                     "road_negatives_truly_road": float(t[1, 1] / max(1, t[1, 0])),
                     "background_anchor_negatives": int(t[0, 0]),
                     "background_negatives_truly_background": float(t[0, 1] / max(1, t[0, 0])),
                     "road_share_of_n": float(road_share)}
    return out


def table(results: dict[str, dict[str, dict]]) -> str:
    """Markdown: per run and rule, the same-class shares of the negatives."""
    lines = ["| run | rule | road anchors: negatives truly road | background anchors: "
             "negatives truly background | negatives drawn (road / background anchors) |",
             "|" + " --- |" * 5]
    for run, rules in results.items():
        for name, r in rules.items():
            lines.append(f"| {run} | {name} | {r['road_negatives_truly_road']:.1%} "
                         f"(N holds {r['road_share_of_n']:.1%} road) | "
                         f"{r['background_negatives_truly_background']:.1%} | "
                         f"{r['road_anchor_negatives']} / {r['background_anchor_negatives']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.contrastive_negatives",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, required=True,
                        help="a bench.real_tiles --out folder (tiles/ and work/)")
    parser.add_argument("--source", required=True)
    parser.add_argument("--run", nargs="+", required=True,
                        help="run names under work/ whose test predictions are used")
    parser.add_argument("--pairs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    manifest = json.loads((args.runs / "tiles" / "manifest.json").read_text())
    tiles = manifest[args.source]["test"]
    results = {run: measure(tiles, args.runs / "work" / run, pairs=args.pairs, seed=args.seed)
               for run in args.run}
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
