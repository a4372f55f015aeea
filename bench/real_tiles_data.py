"""Real labelled road tiles as georeferenced rasters: a fixed test set, a labelled pool.

The tiles (../shared/data/real, fetched by its get.sh into a folder outside the project)
carry no georeferencing, so each gets a local grid in EPSG:32619 (UTM 19N, metres): tile k
of a source has its top-left corner at x = 100 000 + 5 000 k, y = 5 000 000, so that the
tiles of one source never overlap and one label file can describe any set of them.

- ``epfl``: 100 labelled 400 x 400 RGB tiles (road where the grey mask > 127), taken as
  0.5 m pixels (the source does not say; 0.3-0.6 m). Test: every third tile from the
  first (34 tiles); pool: the other 66. Unlabelled: the 50 608 x 608 test-set tiles.
- ``mass``: the 11 labelled Massachusetts 1500 x 1500 tiles at 1 m (the two that exist
  only at 1024 px are resized back to 1500 px, bilinear), each cut into 9 tiles of 500 x
  500; pure white (255, 255, 255) is nodata, in the image (a mask band) and the truth;
  tiles with less than half valid pixels are left out. Test: the sub-tiles of 3 whole
  source tiles; pool: those of the other 8. Unlabelled: the 47 test tiles, resized to
  1 m, cut likewise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

__all__ = ["SOURCES", "prepare", "write_labels", "CRS_EPSG"]

CRS_EPSG = 32619
_X0, _Y0, _STEP_M = 100_000.0, 5_000_000.0, 5_000.0
SOURCES = ("epfl", "mass")
#: Massachusetts source tiles whose sub-tiles form the test set.
MASS_TEST = ("10078720_15", "10228690_13", "10528795_15")
MASS_SUB_PX = 500


def _srs() -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(CRS_EPSG)
    return srs


def _read_png(path: Path) -> np.ndarray:
    ds = gdal.Open(str(path))
    array = ds.ReadAsArray()
    return array if array.ndim == 3 else array[None]


def _resize(array: np.ndarray, size: int, *, nearest: bool) -> np.ndarray:
    """(C, H, W) resized to (C, size, size) with GDAL (bilinear or nearest)."""
    src = gdal.GetDriverByName("MEM").Create("", array.shape[2], array.shape[1],
                                             array.shape[0], gdal.GDT_Byte)
    for i, band in enumerate(array):
        src.GetRasterBand(i + 1).WriteArray(band)
    out = gdal.Translate("", src, format="MEM", width=size, height=size,
                         resampleAlg="near" if nearest else "bilinear")
    return out.ReadAsArray().reshape(array.shape[0], size, size)


def _write_tile(path: Path, image: np.ndarray, index: int, pixel_m: float,
                valid: np.ndarray | None) -> None:
    rows, cols = image.shape[1:]
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, image.shape[0],
                                              gdal.GDT_Byte, ["COMPRESS=DEFLATE", "TILED=YES"])
    ds.SetGeoTransform((_X0 + _STEP_M * index, pixel_m, 0.0, _Y0, 0.0, -pixel_m))
    ds.SetProjection(_srs().ExportToWkt())
    for i, band in enumerate(image):
        ds.GetRasterBand(i + 1).WriteArray(band)
    if valid is not None and not valid.all():
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(valid.astype(np.uint8) * 255)
    ds = None


def _write_truth(path: Path, road: np.ndarray, valid: np.ndarray, index: int,
                 pixel_m: float) -> None:
    truth = np.where(road, 1, 0).astype(np.uint8)
    truth[~valid] = 255
    ds = gdal.GetDriverByName("GTiff").Create(str(path), truth.shape[1], truth.shape[0], 1,
                                              gdal.GDT_Byte, ["COMPRESS=DEFLATE"])
    ds.SetGeoTransform((_X0 + _STEP_M * index, pixel_m, 0.0, _Y0, 0.0, -pixel_m))
    ds.SetProjection(_srs().ExportToWkt())
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds.GetRasterBand(1).WriteArray(truth)
    ds = None


def _tile(out: Path, name: str, index: int, image: np.ndarray, road: np.ndarray | None,
          valid: np.ndarray, pixel_m: float) -> dict:
    image_path, truth_path = out / f"{name}.tif", out / f"{name}_truth.tif"
    _write_tile(image_path, image, index, pixel_m, valid)
    record = {"name": name, "image": str(image_path), "index": index}
    if road is not None:
        _write_truth(truth_path, road & valid, valid, index, pixel_m)
        record["truth"] = str(truth_path)
        record["road_share"] = float((road & valid).sum() / max(1, valid.sum()))
    return record


def _epfl(data: Path, out: Path) -> dict:
    images = sorted((data / "epfl/training/images").glob("*.png"))
    tiles = []
    for k, path in enumerate(images):
        image = _read_png(path)[:3]
        road = _read_png(data / "epfl/training/groundtruth" / path.name)[0] > 127
        tiles.append(_tile(out, f"epfl_{path.stem}", k, image, road,
                           np.ones(road.shape, bool), 0.5))
    unlabeled = [_tile(out, f"epfl_u_{p.stem}", len(images) + k, _read_png(p)[:3], None,
                       np.ones(_read_png(p).shape[1:], bool), 0.5)
                 for k, p in enumerate(sorted((data / "epfl/test_set").rglob("*.png")))]
    return {"test": tiles[::3], "pool": [t for i, t in enumerate(tiles) if i % 3],
            "unlabeled": unlabeled, "pixel_m": 0.5}


def _mass_sources(data: Path) -> dict[str, tuple[Path, Path]]:
    """Source tile id -> (image, mask) at 1500 px (or 1024 px images to resize)."""
    found = {p.stem: (p, data / "massachusetts/preview/masks" / p.name)
             for p in sorted((data / "massachusetts/preview/images").glob("*.png"))}
    more = data / "massachusetts_more"
    for sat in sorted(more.glob("mass_roads_new/*/sat/*.png")):
        stem = sat.stem.removesuffix("_1")
        mask = next(iter(more.glob(f"mass_roads/*/map/{sat.stem}.tif")))
        found.setdefault(stem, (sat, mask))
    return found


def _mass_cut(out: Path, stem: str, image: np.ndarray, road: np.ndarray | None,
              first_index: int) -> list[dict]:
    valid = ~np.all(image == 255, axis=0)
    tiles, k = [], first_index
    for r in range(0, image.shape[1], MASS_SUB_PX):
        for c in range(0, image.shape[2], MASS_SUB_PX):
            sl = (slice(r, r + MASS_SUB_PX), slice(c, c + MASS_SUB_PX))
            if valid[sl].mean() < 0.5:
                continue
            tiles.append(_tile(out, f"mass_{stem}_{r // MASS_SUB_PX}{c // MASS_SUB_PX}", k,
                               image[(slice(None),) + sl],
                               None if road is None else road[sl], valid[sl], 1.0))
            k += 1
    return tiles


def _mass(data: Path, out: Path) -> dict:
    test, pool, index = [], [], 0
    for stem, (image_path, mask_path) in _mass_sources(data).items():
        image = _read_png(image_path)[:3]
        if image.shape[1] != 1500:
            image = _resize(image, 1500, nearest=False)
        mask = gdal.Open(str(mask_path)).ReadAsArray()
        road = (mask if mask.ndim == 2 else mask[0]) > 127
        tiles = _mass_cut(out, stem, image, road, index)
        index += len(tiles)
        (test if stem in MASS_TEST else pool).extend(tiles)
    unlabeled = []
    for p in sorted((data / "massachusetts_more/test_images").glob("*.png")):
        tiles = _mass_cut(out, f"u_{p.stem}", _resize(_read_png(p)[:3], 1500, nearest=False),
                          None, index)
        index += len(tiles)
        unlabeled.extend(tiles)
    return {"test": test, "pool": pool, "unlabeled": unlabeled, "pixel_m": 1.0}


def prepare(data: Path, out: Path) -> dict:
    """Write every source's tiles under ``out`` once; return (and keep) the manifest."""
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        return json.loads(manifest_path.read_text())
    manifest = {}
    for source, make in (("epfl", _epfl), ("mass", _mass)):
        folder = out / source
        folder.mkdir(parents=True, exist_ok=True)
        manifest[source] = make(data, folder)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    tmp.replace(manifest_path)
    return manifest


def write_labels(tiles: list[dict], folder: Path) -> tuple[str, str]:
    """Road polygons (the truth masks, polygonised) and labelled areas (the tiles' valid
    parts) of ``tiles``, as two GeoPackages in ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    roads_path, aoi_path = folder / "roads.gpkg", folder / "aoi.gpkg"
    driver = ogr.GetDriverByName("GPKG")
    for path, layer_name, value in ((roads_path, "roads", 1), (aoi_path, "aoi", None)):
        if path.exists():
            path.unlink()
        ds = driver.CreateDataSource(str(path))
        layer = ds.CreateLayer(layer_name, _srs(), ogr.wkbPolygon)
        layer.CreateField(ogr.FieldDefn("value", ogr.OFTInteger))
        for tile in tiles:
            truth = gdal.Open(tile["truth"])
            band = truth.GetRasterBand(1)
            mask_src = gdal.GetDriverByName("MEM").Create("", truth.RasterXSize,
                                                          truth.RasterYSize, 1, gdal.GDT_Byte)
            mask_src.SetGeoTransform(truth.GetGeoTransform())
            mask_src.SetProjection(truth.GetProjection())
            data = band.ReadAsArray()
            wanted = (data == 1) if value == 1 else (data != 255)
            mask_src.GetRasterBand(1).WriteArray(wanted.astype(np.uint8))
            mband = mask_src.GetRasterBand(1)
            gdal.Polygonize(mband, mband, layer, 0)
        ds = None
    return str(roads_path), str(aoi_path)
