"""A cancel stops ``evaluate`` within 2 s, whatever step it is in (a long block, the
centerline scores, APLS), and a finished evaluation leaves no cancel behind."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import shapely

import engine.evaluate as evaluate_module
import engine.metrics.grid_pass as grid_pass_module
from engine.errors import CancelledError
from engine.evaluate import evaluate
from engine.events import Reporter
from engine.io.raster import write_raster
from engine.metrics import centerline as centerline_module
from engine.metrics import centerline_scores

UTM = "EPSG:32631"
GRID = (500_000.0, 1.0, 0.0, 5_000_064.0, 0.0, -1.0)
# A step that takes this long is one a cancel must not wait for.
LONG_STEP_S = 15.0
STOP_WITHIN_S = 2.0


def _mask(path: Path, col: int) -> str:
    mask = np.zeros((64, 64), np.uint8)
    mask[:, col:col + 4] = 1
    write_raster(str(path), mask, geotransform=GRID, crs_wkt=UTM, nodata=255)
    return str(path)


class _Asked:
    """A cancel asked once a long step has begun; when it was asked."""

    def __init__(self) -> None:
        self.at: float | None = None

    def ask(self) -> None:
        self.at = time.monotonic()

    def should_stop(self) -> bool:
        return self.at is not None


def _slow(asked: _Asked, result=None):
    """A stand-in for a step that works in Python for LONG_STEP_S (a block of a dense
    network in the vectorisation, the centerline scores, APLS) and asks for the cancel."""

    def step(*args, **kwargs):
        asked.ask()
        end = time.monotonic() + LONG_STEP_S
        while time.monotonic() < end:
            sum(range(1000))
        return result(*args, **kwargs) if result else None

    return step


def _builder_add(asked: _Asked):
    original = grid_pass_module.CenterlineBuilder.add

    def add(self, *args, **kwargs):
        _slow(asked)()
        return original(self, *args, **kwargs)

    return add


@pytest.mark.parametrize("step", ["a block's centerlines", "centerline scores", "apls"])
def test_a_cancel_stops_evaluate_within_2_s_whatever_it_is_doing(tmp_path, monkeypatch, step):
    asked = _Asked()
    if step == "a block's centerlines":
        monkeypatch.setattr(grid_pass_module.CenterlineBuilder, "add", _builder_add(asked))
    elif step == "centerline scores":
        monkeypatch.setattr(evaluate_module, "centerline_scores",
                            _slow(asked, evaluate_module.centerline_scores))
    else:
        monkeypatch.setattr(evaluate_module, "apls_scores",
                            _slow(asked, evaluate_module.apls_scores))
    pred, truth = _mask(tmp_path / "pred.tif", 22), _mask(tmp_path / "truth.tif", 20)
    with pytest.raises(CancelledError):
        evaluate(pred, truth, reporter=Reporter(should_stop=asked.should_stop))
    assert asked.at is not None
    assert time.monotonic() - asked.at < STOP_WITHIN_S


def test_a_finished_evaluation_leaves_no_cancel_behind(tmp_path):
    stop = []
    pred, truth = _mask(tmp_path / "pred.tif", 22), _mask(tmp_path / "truth.tif", 20)
    scores = evaluate(pred, truth, reporter=Reporter(should_stop=lambda: bool(stop)))
    assert scores["iou"] > 0
    stop.append(True)  # asked after the end: nothing may be raised here any more
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        sum(range(1000))


def _tangle(count: int, seed: int = 0) -> list:
    """Short random segments over 200 m x 200 m: the skeleton of a noisy prediction."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, 200, (count, 2))
    end = start + rng.normal(0, 3, (count, 2))
    return list(shapely.linestrings(np.stack([start, end], axis=1)))


def test_dense_tiles_are_cut_smaller_with_the_same_scores(monkeypatch):
    pred, truth = _tangle(3000), _tangle(300, seed=1)
    checks: list[int] = []
    split = centerline_scores(pred, truth, check_cancelled=lambda: checks.append(1))
    assert len(checks) > 4  # one 2 km tile, cut where the lines are dense
    monkeypatch.setattr(centerline_module, "_MAX_TILE_VERTICES", 10**9)
    whole = centerline_scores(pred, truth)
    for name in ("completeness", "correctness", "quality"):
        assert getattr(split, name) == pytest.approx(getattr(whole, name), abs=1e-9)


def test_centerline_scores_stop_between_tiles():
    def cancel() -> None:
        raise CancelledError("the run was cancelled")

    with pytest.raises(CancelledError):
        centerline_scores(_tangle(100), _tangle(100, seed=1), check_cancelled=cancel)


def _grid_graph(n: int, step: float) -> object:
    """Road lines on an n x n grid of streets ``step`` m apart, as a road graph."""
    from engine.metrics import lines_to_graph

    end = (n - 1) * step
    lines = [shapely.LineString([(0, k * step), (end, k * step)]) for k in range(n)]
    lines += [shapely.LineString([(k * step, 0), (k * step, end)]) for k in range(n)]
    return lines_to_graph(lines)


def test_apls_in_small_batches_of_searches_scores_the_same(monkeypatch):
    from engine.metrics import apls as apls_module
    from engine.metrics import apls_scores

    pred, truth = _grid_graph(7, 40.0), _grid_graph(5, 60.0)  # graphs of different sizes
    whole = apls_scores(pred, truth, node_spacing_m=25.0)
    # A few sources per compiled call on large graphs, so that a cancel waits little; the
    # two graphs' batches are paired, so they must be cut alike.
    monkeypatch.setattr(apls_module, "_EDGE_VISITS_PER_BATCH", 300)
    batched = apls_scores(pred, truth, node_spacing_m=25.0)
    assert batched.to_dict() == pytest.approx(whole.to_dict(), rel=1e-12)  # sums in batches
