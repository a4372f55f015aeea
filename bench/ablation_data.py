"""The generated data of the semi-supervised ablation: training, test and held-out-style scenes.

Every scene sits at its own map position, so one road file can label several of them, and
the labeled area of a run is a block of one training scene sized to a share of the whole
training area, placed by the run's seed.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr

from engine.io.vector import VectorLayer, read_features, write_layers
from engine.synth import SceneConfig, generate_scene, write_scene
from engine.synth.curves import clip_polyline
from engine.synth.writer import lines_layer

__all__ = ["DataConfig", "SceneSet", "LabelFiles", "build_scenes", "label_block"]

#: Map spacing between scene origins, metres; larger than any scene's side.
_ORIGIN_STEP_M = 2000.0


@dataclass(frozen=True)
class DataConfig:
    """Which scenes the ablation trains and tests on."""

    scene_px: int = 512  # side of every scene
    pixel_size_m: float = 0.5  # ground sampling distance
    train_style: str = "suburban"  # style of the training scenes and the in-style test scenes
    heldout_style: str = "rural"  # style never seen in training
    train_seeds: tuple[int, ...] = (1000, 1001, 1002)  # scene seeds of the training area
    test_seeds: tuple[int, ...] = (2000, 2001)  # in-style test scenes (never trained on)
    heldout_seeds: tuple[int, ...] = (3000, 3001)  # held-out-style test scenes


@dataclass(frozen=True)
class SceneSet:
    """Paths of the generated scenes."""

    train: tuple[Path, ...]  # scene folders (image.tif, truth.tif, centerlines.gpkg, ...)
    test: dict[str, tuple[Path, ...]]  # "in_style" / "heldout_style" -> scene folders


@dataclass(frozen=True)
class LabelFiles:
    """What one run is given: labeled rasters, unlabeled rasters, roads, labeled area."""

    images: tuple[str, ...]
    unlabeled: tuple[str, ...]
    roads: str
    aoi: str
    labeled_px: int  # pixels inside the labeled area
    total_px: int  # pixels of the whole training area


def _scene(style: str, seed: int, index: int, config: DataConfig, folder: Path) -> Path:
    if not (folder / "image.tif").exists():
        scene_config = SceneConfig(size_px=config.scene_px, pixel_size_m=config.pixel_size_m,
                                   style=style, aoi_fraction=1.0,
                                   origin_xy=(448000.0 + index * _ORIGIN_STEP_M, 5411000.0))
        scene = generate_scene(scene_config, rng=np.random.default_rng(seed))
        write_scene(scene, folder, overwrite=True)
    return folder


def build_scenes(root: Path, config: DataConfig) -> SceneSet:
    """Generate (or reuse) every scene of the ablation under ``root``.

    Parameters
    ----------
    root : Path
        Folder of the scenes; a ``data.json`` there records ``config`` and a mismatch
        with an existing one is an error rather than a silent mix of two data sets.
    config : DataConfig

    Returns
    -------
    SceneSet
    """
    root.mkdir(parents=True, exist_ok=True)
    record = root / "data.json"
    wanted = json.loads(json.dumps(asdict(config)))
    if record.exists() and json.loads(record.read_text()) != wanted:
        raise ValueError(f"{root} holds scenes of another data configuration "
                         f"({record.read_text().strip()}); use another folder")
    record.write_text(json.dumps(wanted) + "\n")
    index = iter(range(10_000))
    train = tuple(_scene(config.train_style, s, next(index), config, root / f"train_{s}")
                  for s in config.train_seeds)
    test = {
        "in_style": tuple(_scene(config.train_style, s, next(index), config, root / f"test_{s}")
                          for s in config.test_seeds),
        "heldout_style": tuple(_scene(config.heldout_style, s, next(index), config,
                                      root / f"heldout_{s}") for s in config.heldout_seeds),
    }
    return SceneSet(train, test)


def _scene_grid(folder: Path) -> tuple[float, float, float, int, str]:
    ds = gdal.Open(str(folder / "image.tif"))
    x0, ps, _, y0, _, _ = ds.GetGeoTransform()
    return x0, y0, ps, ds.RasterXSize, ds.GetProjection()


def _read_centerlines(folder: Path, crs_wkt: str) -> list[tuple[np.ndarray, float]]:
    features = read_features(str(folder / "centerlines.gpkg"), target_crs_wkt=crs_wkt,
                             field="width")
    return [(np.asarray(geometry.GetPoints(), float)[:, :2], float(width))
            for geometry, width in features]


def _block_polygon(x0: float, y0: float, ps: float, row: int, col: int, side: int
                   ) -> ogr.Geometry:
    left, top = x0 + col * ps, y0 - row * ps
    right, bottom = left + side * ps, top - side * ps
    return ogr.CreateGeometryFromWkt(
        f"POLYGON (({left} {top}, {right} {top}, {right} {bottom}, {left} {bottom}, "
        f"{left} {top}))")


def _truth_has_road(folder: Path, row: int, col: int, side: int, min_share: float) -> bool:
    truth = gdal.Open(str(folder / "truth.tif")).ReadAsArray(col, row, side, side)
    return float(np.mean(truth == 1)) >= min_share


def label_block(scenes: SceneSet, fraction: float, seed: int, out_dir: Path,
                *, min_road_share: float = 0.04) -> LabelFiles:
    """Label a square block of the first training scene holding ``fraction`` of the area.

    With ``fraction`` 1 every training scene is labeled whole. Otherwise the block's
    position is drawn from ``seed`` among those whose truth holds at least
    ``min_road_share`` road (an analyst labels where there are roads), and the other
    training scenes are given as unlabeled rasters.

    Parameters
    ----------
    scenes : SceneSet
    fraction : float
        Share of the whole training area inside the labeled block, in (0, 1].
    seed : int
        Chooses the block's position.
    out_dir : Path
        Where ``roads.gpkg`` and ``aoi.gpkg`` are written.
    min_road_share : float
        Least share of road pixels in the block.

    Returns
    -------
    LabelFiles
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"labeled fraction must be in (0, 1]; got {fraction!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    grids = [_scene_grid(folder) for folder in scenes.train]
    total = sum(g[3] ** 2 for g in grids)
    crs = grids[0][4]
    if fraction >= 1.0:
        folders, areas = scenes.train, [
            _block_polygon(x0, y0, ps, 0, 0, size) for x0, y0, ps, size, _ in grids]
        labeled = total
    else:
        x0, y0, ps, size, _ = grids[0]
        side = int(round(math.sqrt(fraction * total)))
        if side > size:
            raise ValueError(f"a {fraction:.0%} block ({side} px) does not fit in one "
                             f"{size} px scene; use more, smaller training scenes")
        rng = np.random.default_rng(seed)
        for _ in range(200):
            row, col = (int(v) for v in rng.integers(0, size - side + 1, size=2))
            if _truth_has_road(scenes.train[0], row, col, side, min_road_share):
                break
        else:
            raise ValueError(f"no {side} px block of {scenes.train[0]} holds "
                             f"{min_road_share:.0%} road")
        folders, areas = scenes.train[:1], [_block_polygon(x0, y0, ps, row, col, side)]
        labeled = side * side
    lines, widths = [], []
    for folder, area in zip(folders, areas, strict=True):
        for points, width in _read_centerlines(folder, crs):
            for part in clip_polyline(points, area):
                lines.append(part)
                widths.append(width)
    roads, aoi = out_dir / "roads.gpkg", out_dir / "aoi.gpkg"
    write_layers(str(roads), [lines_layer("roads", lines, widths, crs)], overwrite=True)
    write_layers(str(aoi), [VectorLayer("aoi", "Polygon", crs,
                                        [a.ExportToWkt() for a in areas])], overwrite=True)
    images = tuple(str(f / "image.tif") for f in folders)
    unlabeled = tuple(str(f / "image.tif") for f in scenes.train if f not in folders)
    return LabelFiles(images, unlabeled, str(roads), str(aoi), labeled, total)
