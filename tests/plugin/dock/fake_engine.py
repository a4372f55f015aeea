"""A stand-in for the engine runner of dock rounds: answers train, extract, label-next and
info as the engine does (events, files, results) in a fraction of the time, from canned
rasters and vectors. Tests of what the dock does with a round use it; the real engine runs
in test_dock.py and test_screenshot.py."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from osgeo import ogr, osr
from road_extraction.plugin.runner import EngineCancelledError, EngineResult

METRICS = {"iou": 0.5, "f1": 0.6, "relaxed_f1": 0.7}


def _arg(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def write_tiles(path: Path, count: int, epsg: int = 32631) -> None:
    """A ``label_next`` GeoPackage with ``count`` square tiles (fields disagreement, rank)."""
    driver = ogr.GetDriverByName("GPKG")
    if path.exists():
        driver.DeleteDataSource(str(path))
    dataset = driver.CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    layer = dataset.CreateLayer("label_next", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("disagreement", ogr.OFTReal))
    layer.CreateField(ogr.FieldDefn("rank", ogr.OFTInteger))
    for rank in range(1, count + 1):
        feature = ogr.Feature(layer.GetLayerDefn())
        x = 500000 + 20 * rank
        feature.SetGeometry(ogr.CreateGeometryFromWkt(
            f"POLYGON(({x} 0,{x + 10} 0,{x + 10} 10,{x} 10,{x} 0))"))
        feature.SetField("disagreement", 1.0 / rank)
        feature.SetField("rank", rank)
        layer.CreateFeature(feature)
    dataset = None  # closes the file


class FakeRoundEngine:
    """Records ``(command, args)`` and answers like the engine.

    Parameters
    ----------
    probability, vectors : Path
        What ``extract`` "writes" (copies) for every raster.
    label_next_tiles : int
        Tiles ``label-next`` finds.
    start_s : float
        Seconds each command waits before its first event (the engine's start-up).
    """

    python = Path("fake-python")

    def __init__(self, probability: Path, vectors: Path, *, label_next_tiles: int = 3,
                 start_s: float = 0.0) -> None:
        self.probability = probability
        self.vectors = vectors
        self.label_next_tiles = label_next_tiles
        self.start_s = start_s
        self.calls: list[tuple[str, list[str]]] = []
        self.rounds: dict[int, dict[str, float]] = {}  # what train recorded, per round
        self.iou: dict[int, float] = {}  # round -> its hold-out IoU, when not METRICS's

    def commands(self) -> list[str]:
        """The commands run so far, in order."""
        return [command for command, _ in self.calls]

    def _wait(self, seconds: float, should_stop: Callable[[], bool]) -> None:
        end = time.monotonic() + seconds
        while True:
            if should_stop():
                raise EngineCancelledError("cancelled")
            if time.monotonic() >= end:
                return
            time.sleep(0.02)

    def run(self, command, args, *, on_event=lambda e: None, on_text=None,
            should_stop=lambda: False) -> EngineResult:
        args = list(map(str, args))
        self.calls.append((command, args))
        self._wait(self.start_s, should_stop)
        done = getattr(self, "_" + command.replace("-", "_"))(args, on_event, should_stop)
        return EngineResult({"event": "done", **done})

    @staticmethod
    def _pseudo_labels(args: list[str]) -> bool:
        """Whether the engine pseudo-labels (from round 2): with --semi-supervised, or when
        the --config file turns them on."""
        if "--semi-supervised" in args:
            return True
        if "--config" not in args:
            return False
        config = json.loads(Path(_arg(args, "--config")).read_text(encoding="utf-8"))
        return bool(config.get("pseudo", {}).get("enabled", False))

    def _train(self, args, on_event, should_stop) -> dict:
        n = int(_arg(args, "--rounds"))
        pseudo = ["pseudo-labels"] if n > 1 and self._pseudo_labels(args) else []
        for part in pseudo + ["training", "validation"]:
            for step in (1, 2, 3):
                self._wait(0.0, should_stop)
                on_event({"event": "progress", "stage": f"round {n}: {part}", "done": step,
                          "total": 3, "fraction": step / 3, "loss": 1.0 / step})
        metrics = {**METRICS, "iou": self.iou.get(n, METRICS["iou"])}
        for name, value in metrics.items():
            on_event({"event": "metric", "name": name, "value": value, "round": n})
        self.rounds[n] = metrics
        out = Path(_arg(args, "--out"))
        rounds = out.with_name(out.name + ".rounds")
        rounds.mkdir(parents=True, exist_ok=True)
        (rounds / f"round_{n:03d}.pt").write_bytes(b"fake round model")
        out.write_bytes(b"fake best model")
        return {"model": str(out), "best_round": self.best_round(), "metrics": metrics}

    def best_round(self) -> int | None:
        """The round with the highest IoU so far (the later one of equals)."""
        return max(self.rounds, key=lambda n: (self.rounds[n]["iou"], n), default=None)

    def _extract(self, args, on_event, should_stop) -> dict:
        folder, stem = Path(_arg(args, "--out-dir")), Path(_arg(args, "--image")).stem
        folder.mkdir(parents=True, exist_ok=True)
        for stage in ("predicting", "vectorize"):
            on_event({"event": "progress", "stage": stage, "done": 1, "total": 1,
                      "fraction": 1.0})
        shutil.copyfile(self.probability, folder / f"{stem}_prob.tif")
        shutil.copyfile(self.vectors, folder / f"{stem}_roads.gpkg")
        return {}

    def _label_next(self, args, on_event, should_stop) -> dict:
        on_event({"event": "progress", "stage": "label next", "done": 1, "total": 1,
                  "fraction": 1.0})
        write_tiles(Path(_arg(args, "--out")), self.label_next_tiles)
        return {"out": _arg(args, "--out"),
                "tiles": [{"window": [0, 0, 32, 32], "disagreement": 1.0 / (i + 1)}
                          for i in range(self.label_next_tiles)]}

    def _info(self, args, on_event, should_stop) -> dict:
        rounds = [{"round": n, "metrics": m} for n, m in sorted(self.rounds.items())]
        return {"metadata": {"rounds": rounds, "best_round": self.best_round()}}
