"""How the time of APLS grows with the road graph and the number of control nodes.

Run from the repository root: ``.venv/bin/python -m bench.apls_scaling``. Prints one JSON
line. The truth is the centerline network of a generated 512 m scene (``engine.synth``,
0.5 m pixels) repeated on an n x n grid (n in ``--tiles``); the prediction is the same
lines moved by (1.5 m, 1 m), with one line in ten left out. Both become graphs with
``engine.metrics.lines_to_graph``; ``apls_scores`` runs with SpaceNet's 4 m snapping, 25 m
control-node spacing and ``--control-nodes`` (500 as ``evaluate`` uses). With
``--old-engine DIR`` (an older checkout, e.g. from ``git archive``), the same graphs are
scored by that engine's APLS in a child process too, for the sizes up to ``--old-max-tiles``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString

from engine.metrics import apls_scores, lines_to_graph
from engine.synth import SceneConfig, generate_scene

__all__ = ["network", "main"]

SCENE_M = 512.0  # 1024 px at 0.5 m
_SHIFT_M = np.array([1.5, 1.0])  # the prediction's offset from the truth
_OLD = """
import json, pickle, sys, time
sys.path.insert(0, sys.argv[1])
from engine.metrics import apls_scores
pred, truth, cap = pickle.load(open(sys.argv[2], "rb"))
start = time.perf_counter()
scores = apls_scores(pred, truth, node_spacing_m=25.0, max_control_nodes=cap)
print(json.dumps({"seconds": time.perf_counter() - start, "apls": scores.apls}))
"""


def network(tiles: int, *, seed: int = 0) -> tuple[list[LineString], list[LineString]]:
    """(prediction, truth) lines of a scene's network repeated on a tiles x tiles grid."""
    rng = np.random.default_rng(seed)
    scene = generate_scene(SceneConfig(size_px=1024), rng=np.random.default_rng(seed))
    base = [LineString(c) for c in scene.centerlines if len(c) >= 2]
    truth, pred = [], []
    for row in range(tiles):
        for col in range(tiles):
            offset = np.array([col * SCENE_M, -row * SCENE_M])
            for line in base:
                moved = shapely.transform(line, lambda xy, o=offset: xy + o)
                truth.append(moved)
                if rng.random() >= 0.1:
                    pred.append(shapely.transform(moved, lambda xy: xy + _SHIFT_M))
    return pred, truth


def _old(engine: Path, pred, truth, cap: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pickle") as handle:
        pickle.dump((pred, truth, cap), handle)
        handle.flush()
        done = subprocess.run([sys.executable, "-c", _OLD, str(engine), handle.name],
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    """Measure and print the JSON line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tiles", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    p.add_argument("--control-nodes", type=int, nargs="+", default=[500])
    p.add_argument("--old-engine", type=Path, help="folder holding an older engine/")
    p.add_argument("--old-max-tiles", type=int, default=4)
    args = p.parse_args(argv)
    rows = []
    for tiles in args.tiles:
        pred_lines, truth_lines = network(tiles)
        pred, truth = lines_to_graph(pred_lines), lines_to_graph(truth_lines)
        for cap in args.control_nodes:
            start = time.perf_counter()
            scores = apls_scores(pred, truth, node_spacing_m=25.0, max_control_nodes=cap)
            row = {"tiles": tiles, "km2": round(tiles ** 2 * SCENE_M ** 2 / 1e6, 2),
                   "truth_edges": truth.number_of_edges(),
                   "road_km": round(sum(line.length for line in truth_lines) / 1000, 1),
                   "control_nodes": cap, "seconds": round(time.perf_counter() - start, 2),
                   "apls": round(scores.apls, 4)}
            if args.old_engine and tiles <= args.old_max_tiles:
                old = _old(args.old_engine, pred, truth, cap)
                row.update(old_seconds=round(old["seconds"], 2), old_apls=round(old["apls"], 4))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    result = {"bench": "apls_scaling", "rows": rows}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
