"""Base models from real, openly licensed labelled roads, and how they do with no label.

What a base model may learn from (a shipped model: never the EPFL tiles, which have no
licence, and never a tile scored below):

- Massachusetts (MassGIS imagery, OpenStreetMap labels of about 2012): the labelled pool of
  ``bench.real_tiles`` (the 500 px cuts of 8 whole tiles at 1 m). Each cut is seen at one
  pixel size only, so that the threshold's hold-out never holds ground trained on at the
  other: the even cuts at 1 m, the odd ones read through a VRT at 0.5 m. The 1-band model
  sees them as grey (the mean of red, green and blue).
- SpaceNet (CC BY-SA 4.0) with the project's hand-drawn labels: Rotterdam pan2 and pan3
  (1 band at 0.5 m; for 3 bands the same ground in ms2 and ms3 at 1 m, red, green, blue)
  and, for 1 band, the labelled rows of Atlanta that ``bench.real_imagery`` trains on.

Zero-shot sites (never trained on), each at the model's own threshold:

- ``epfl``: the 34 EPFL test tiles of ``bench.real_tiles`` (grey for the 1-band model),
- ``mass``: the 21 Massachusetts test cuts (3 whole tiles held out),
- ``rotterdam``: the sample (pan1; for 3 bands ms1), all of its hand labels,
- ``atlanta`` (1 band): the test rows of ``bench.real_imagery``.

With ``--factors`` a site is also read at another pixel size (a VRT at factor x the pixel
side, the probability resampled back to the site's grid): how the model does on the same
ground at other pixel sizes.

    python -m bench.real_base pretrain --data /work/realdata --out bench-output/real_base \
        --bands 3 [--steps 3000] [--seed 0]
    python -m bench.real_base score --data /work/realdata --out bench-output/real_base \
        --bands 3 --model bench-output/real_base/base_3band.pt [--factors 1 2 0.5]
    python -m bench.real_base report --out bench-output/real_base --results bench/results
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

from .grid import write_record
from .real_imagery import SITES, prepare_site
from .real_tiles import score_tiles
from .real_tiles_data import prepare, write_labels

__all__ = ["MASS_LICENCE", "training_images", "zero_shot_sites", "main"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
#: The credit the Massachusetts labels carry into a model's metadata (the dataset's page
#: states no licence of its own: its imagery and labels carry theirs).
MASS_LICENCE = ("imagery: MassGIS (Commonwealth of Massachusetts), free public data; road "
                "labels: OpenStreetMap contributors (about 2012), ODbL 1.0; rasterised in the "
                "Massachusetts Roads dataset (Mnih 2013)")
ROTTERDAM = ROOT / "bench" / "data" / "rotterdam_pan23"
SAMPLE = ROOT / "resources" / "sample"
SITE_NAMES = {1: ("epfl", "mass", "rotterdam", "atlanta"), 3: ("epfl", "mass", "rotterdam")}


def _set_metadata(path: str, items: dict[str, str]) -> None:
    ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)
    for key, value in items.items():
        ds.SetMetadataItem(key, value)
    ds = None


def _grey(image: str, out: Path) -> str:
    """The mean of the image's bands as one band, with its grid and valid mask."""
    if out.exists():
        return str(out)
    src = gdal.Open(image)
    grey = src.ReadAsArray().astype(np.float32).mean(axis=0)
    valid = src.GetRasterBand(1).GetMaskBand().ReadAsArray()
    out.parent.mkdir(parents=True, exist_ok=True)
    # written in memory, then copied with its mask inside the file, so that the one rename
    # that makes ``out`` appear carries the mask too
    ds = gdal.GetDriverByName("MEM").Create("", src.RasterXSize, src.RasterYSize, 1,
                                            gdal.GDT_Byte)
    ds.SetGeoTransform(src.GetGeoTransform())
    ds.SetProjection(src.GetProjection())
    ds.GetRasterBand(1).WriteArray(np.round(grey).astype(np.uint8))
    if not valid.all():
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(valid)
    tmp = out.with_suffix(".tmp.tif")
    previous = gdal.GetConfigOption("GDAL_TIFF_INTERNAL_MASK")
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    try:
        gdal.Translate(str(tmp), ds, format="GTiff", creationOptions=["COMPRESS=DEFLATE"])
    finally:
        gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", previous)
    tmp.replace(out)
    return str(out)


def _vrt(image: str, out: Path, *, factor: float = 1.0, bands: list[int] | None = None,
         nodata: float | None = None) -> str:
    """A VRT of ``image``: at ``factor`` x its pixel side (bilinear), or some of its bands."""
    out.parent.mkdir(parents=True, exist_ok=True)
    gt = gdal.Open(image).GetGeoTransform()
    options: dict[str, Any] = {"format": "VRT"}
    if factor != 1.0:
        options.update(xRes=gt[1] * factor, yRes=abs(gt[5]) * factor, resampleAlg="bilinear")
    if bands:
        options["bandList"] = bands
    if nodata is not None:
        options["noData"] = nodata
    gdal.Translate(str(out), image, **options)
    return str(out)


def _mass_labels(pool: list[dict], folder: Path) -> tuple[str, str]:
    roads, aoi = write_labels(pool, folder)
    for path in (roads, aoi):
        _set_metadata(path, {"LICENSE": MASS_LICENCE,
                             "SOURCE": "Massachusetts Roads masks (Mnih 2013), polygonised"})
    return roads, aoi


def training_images(manifest: dict, root: Path, bands: int, *, spacenet: bool = True
                    ) -> list[tuple[str, str, str]]:
    """(image, roads, labelled area) of every real image a ``bands``-band base model
    learns from (``manifest``: :func:`bench.real_tiles_data.prepare`'s; ``spacenet``: with
    the hand-labelled SpaceNet images); writes what they need under ``root``."""
    pool = manifest["mass"]["pool"]
    roads, aoi = _mass_labels(pool, root / "labels" / "mass")
    images = []
    for k, tile in enumerate(pool):
        image = tile["image"] if bands == 3 else _grey(tile["image"],
                                                        root / "grey" / f"{tile['name']}.tif")
        if k % 2:
            image = _vrt(image, root / f"half_{bands}band" / f"{tile['name']}.vrt",
                         factor=0.5)
        images.append((image, roads, aoi))
    if not spacenet:
        return images
    for n in (2, 3):
        labels = (str(ROTTERDAM / f"roads_pan{n}.gpkg"), str(ROTTERDAM / f"aoi_pan{n}.gpkg"))
        image = str(SAMPLE / f"pan{n}.vrt") if bands == 1 else _vrt(
            str(SHARED / "spacenet6_rotterdam" / f"ms{n}.tif"), root / "rgb" / f"ms{n}.vrt",
            bands=[3, 2, 1], nodata=0)
        images.append((image, *labels))
    if bands == 1:
        site = prepare_site(SITES["atlanta"], SHARED, root / "sites" / "atlanta")
        licence = gdal.OpenEx(str(ROOT / SITES["atlanta"].roads), gdal.OF_VECTOR).GetMetadata()
        _set_metadata(site["roads"], licence)
        images.append((site["image"], site["roads"], site["aoi"]))
    return images


def _truth(image: str, roads: str, aoi: str, out: Path) -> str:
    from engine.io.raster import read_info, write_raster
    from engine.labels import IGNORE, LabelSources, rasterize_labels

    info = read_info(image)
    labels = rasterize_labels(info, LabelSources(roads=roads, aoi=aoi))
    write_raster(str(out), labels, geotransform=info.geotransform, crs_wkt=info.crs_wkt,
                 nodata=IGNORE, overwrite=True)
    return str(out)


def zero_shot_sites(manifest: dict, root: Path, bands: int, *, spacenet: bool = True
                    ) -> dict[str, list[dict]]:
    """Site name -> tiles (``name``, ``image``, ``truth``) scored zero-shot."""
    sites: dict[str, list[dict]] = {}
    for source in ("epfl", "mass"):
        tiles = manifest[source]["test"]
        if bands == 1:
            tiles = [{**t, "image": _grey(t["image"], root / "grey" / f"{t['name']}.tif")}
                     for t in tiles]
        sites[source] = tiles
    if spacenet:
        sites.update(_spacenet_sites(root, bands))
    _remember(root, bands, sites)
    return sites


def _spacenet_sites(root: Path, bands: int) -> dict[str, list[dict]]:
    """The sample (Rotterdam) with all its hand labels and, for 1 band, Atlanta's test rows."""
    folder = root / "sites"
    folder.mkdir(parents=True, exist_ok=True)
    sites = {}
    roads, aoi = str(SAMPLE / "roads.gpkg"), str(SAMPLE / "aoi.gpkg")
    image = str(SAMPLE / "pan1.tif") if bands == 1 else _vrt(
        str(SHARED / "spacenet6_rotterdam" / "ms1.tif"), root / "rgb" / "ms1.vrt",
        bands=[3, 2, 1], nodata=0)
    sites["rotterdam"] = [{"name": f"rotterdam_{bands}band", "image": image,
                           "truth": _truth(image, roads, aoi,
                                           folder / f"rotterdam_{bands}band_truth.tif")}]
    if bands == 1:
        atlanta = prepare_site(SITES["atlanta"], SHARED, root / "sites" / "atlanta")
        sites["atlanta"] = [{"name": "atlanta", "image": atlanta["image"],
                             "truth": atlanta["truth"]}]
    return sites


def _remember(root: Path, bands: int, sites: dict[str, list[dict]]) -> None:
    index = root / "sites.json"  # what the report's pictures read
    known = json.loads(index.read_text()) if index.exists() else {}
    known.update({f"{site}_{bands}": tiles for site, tiles in sites.items()})
    index.write_text(json.dumps(known, indent=1) + "\n")


def _tiles(data: Path, root: Path) -> dict:
    """The real tiles' manifest, written once even when runs for both band counts start
    together (the first holds a lock while it writes the tiles)."""
    import fcntl

    with open(root / ".tiles.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return prepare(data, root / "tiles")


def pretrain_model(data: Path, root: Path, bands: int, *, steps: int, seed: int,
                   real_share: float, config: Path | None = None) -> Path:
    """Run ``python -m engine pretrain`` on the training images (resuming a stopped run;
    ``config``: TrainConfig overrides, whose file name tags the model's)."""
    tag = f"_{config.stem}" if config else ""
    out = root / f"base_{bands}band_s{seed}{tag}.pt"
    command = [sys.executable, "-m", "engine", "pretrain", "--profile", "fast", "--bands",
               str(bands), "--steps", str(steps), "--seed", str(seed), "--out", str(out),
               "--real-share", str(real_share), "--progress", "bar"]
    if config:
        command += ["--config", str(config.resolve())]
    for image in training_images(_tiles(data, root), root, bands):
        command += ["--real", *image]
    if out.exists():
        command.append("--resume")
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"pretrained {out} in {time.perf_counter() - start:.0f} s", flush=True)
    return out


def score_model(data: Path, root: Path, bands: int, model: Path, factors: list[float]
                ) -> list[dict[str, Any]]:
    """Zero-shot scores of ``model`` on every site at every pixel-size factor; one JSON
    record per (site, factor) under ``root/scores``."""
    from engine.model_file import read_model_file

    meta = read_model_file(model)[1]
    records = []
    for site, tiles in zero_shot_sites(_tiles(data, root), root, bands).items():
        for factor in factors:
            work = root / "work" / f"{model.stem}_{site}_x{factor:g}"
            work.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            scores = score_tiles(str(model), tiles, work, factor=factor)
            record = {"model": model.name, "bands": bands, "site": site, "factor": factor,
                      "tiles": len(tiles), "scores": scores,
                      "seconds": time.perf_counter() - start,
                      "pretrain_seconds": meta["pretrain"]["seconds"],
                      "pretrain_steps": meta["pretrain"]["steps"],
                      "holdout_metrics": meta.get("holdout_metrics")}
            write_record(root / "scores" / f"{model.stem}_{site}_x{factor:g}.json", record)
            records.append(record)
            s = scores
            print(f"{model.name} {site} x{factor:g}: IoU {s['iou']:.3f} relaxed F1 "
                  f"{s['relaxed_f1']:.3f} APLS {s['apls']:.3f} marked "
                  f"{s['marked_road_share']:.1%} (truth {s['true_road_share']:.1%}) at "
                  f"{s['threshold']:.2f}", flush=True)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real_base", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("pretrain", "score", "report", "bundle"))
    parser.add_argument("--data", type=Path, default=Path("/work/realdata"),
                        help="the folder get.sh extracted ../shared/data/real into")
    parser.add_argument("--out", type=Path, default=Path("bench-output/real_base"))
    parser.add_argument("--bands", type=int, choices=(1, 3), default=3)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-share", type=float, default=1.0,
                        help="share of the crops from the real images (1: no generated scene)")
    parser.add_argument("--config", type=Path, help="pretrain: JSON overrides of the fast "
                        "TrainConfig (their file name tags the model's)")
    parser.add_argument("--model", type=Path, help="score: the base model file")
    parser.add_argument("--factors", type=float, nargs="+", default=[1.0])
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--bundle", nargs=2, action="append", metavar=("BANDS", "MODEL"),
                        help="bundle: a model to ship as resources/models/base_<BANDS>band.pt")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.mode == "pretrain":
        pretrain_model(args.data, args.out, args.bands, steps=args.steps, seed=args.seed,
                       real_share=args.real_share, config=args.config)
    elif args.mode == "score":
        if args.model is None:
            parser.error("score needs --model")
        score_model(args.data, args.out, args.bands, args.model, args.factors)
    elif args.mode == "bundle":
        bundle({int(b): Path(m) for b, m in args.bundle or []}, args.out)
    else:
        from .real_base_report import write_report

        print(write_report(args.out, args.results))
    return 0


def bundle(models: dict[int, Path], root: Path, folder: Path = ROOT / "resources" / "models"
           ) -> None:
    """Copy ``models`` (band count -> file) to the plugin's base models, with their card."""
    import shutil

    from engine.base_model import base_model_name

    from .real_base_report import _load, model_card

    folder.mkdir(parents=True, exist_ok=True)
    for bands, model in models.items():
        tmp = folder / f".{base_model_name(bands)}.tmp"
        shutil.copyfile(model, tmp)
        tmp.replace(folder / base_model_name(bands))
    card = model_card(models, [r for r in _load(root) if r["model"] in
                               {m.name for m in models.values()}])
    (folder / "README.md").write_text(card)
    print(f"bundled {', '.join(str(folder / base_model_name(b)) for b in models)}")


if __name__ == "__main__":
    raise SystemExit(main())
