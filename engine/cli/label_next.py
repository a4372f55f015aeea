"""The ``label-next`` sub-command: the tiles to label next, as a GeoPackage layer."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import BadInputError
from ..events import Reporter
from .common import add_common, claimed, label_files, label_sources

__all__ = ["add_label_next", "run_label_next"]

#: The layer ``label-next`` writes.
LAYER = "label_next"


def add_label_next(sub: Any) -> argparse.ArgumentParser:
    """Register ``label-next``."""
    p = sub.add_parser("label-next", help="the unlabeled tiles with the highest positive-pair "
                       "disagreement, as polygons")
    p.add_argument("--model", required=True, metavar="MODEL")
    p.add_argument("--image", required=True, metavar="IMG")
    p.add_argument("--out", required=True, metavar="TILES.gpkg")
    p.add_argument("--tile", type=int, default=256, metavar="PX", help="tile side (256)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="tiles kept (10)")
    p.add_argument("--roads", metavar="VEC", help="road labels (with --aoi): labeled tiles "
                   "are left out")
    p.add_argument("--aoi", metavar="VEC")
    p.add_argument("--background", metavar="VEC")
    p.add_argument("--road-width", type=float, default=6.0, metavar="METRES")
    p.add_argument("--width-field", default="width")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")
    add_common(p)
    return p


def run_label_next(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Rank the tiles of one raster and write the best ``--top`` as polygons."""
    from ..io.paths import check_outputs
    from ..io.raster import read_info
    from ..label_next import check_tile_fits

    if args.tile < 16 or args.top < 1:
        raise BadInputError(f"--tile must be >= 16 and --top >= 1; got {args.tile}, {args.top}")
    if (args.aoi or args.background) and not args.roads:
        raise BadInputError("--aoi and --background need --roads")
    labels = label_sources(args)
    check_outputs({"--out": args.out},
                  {"--model": args.model, "--image": args.image, **label_files(args)},
                  overwrite=args.overwrite)
    info = read_info(args.image)
    check_tile_fits(info, args.tile, option="--tile")
    with claimed({"--out": args.out}):
        return _write_tiles(args, reporter, info, labels)


def _write_tiles(args: argparse.Namespace, reporter: Reporter, info: Any,
                 labels: Any) -> dict[str, Any]:
    """Rank the tiles and write the best into the checked (and claimed) ``--out``."""
    from ..io.vector import VectorLayer, write_layers
    from ..label_next import rank_tiles, tile_polygon

    ranked = rank_tiles(args.model, args.image, tile_px=args.tile, top=args.top,
                        labels=labels, device=args.device, seed=args.seed, reporter=reporter)
    tiles = ranked.tiles
    write_layers(args.out, [VectorLayer(
        LAYER, "Polygon", info.crs_wkt, [tile_polygon(info, w) for w, _ in tiles],
        fields={"disagreement": [round(d, 6) for _, d in tiles],
                "rank": list(range(1, len(tiles) + 1))},
        field_types={"disagreement": "float", "rank": "int"})], overwrite=args.overwrite)
    reporter.artifact("label_next", args.out)
    if args.progress == "bar":
        print(f"label_next: {args.out} ({len(tiles)} tiles; of the raster's "
              f"{ranked.full_tiles} full {args.tile} px tiles, {ranked.labeled} are more "
              f"than 10 % labeled and {ranked.without_data} have no data)")
    return {"out": args.out, "tiles": [{"window": [w.row_off, w.col_off, w.rows, w.cols],
                                        "disagreement": d} for w, d in tiles],
            "full_tiles": ranked.full_tiles, "labeled_tiles": ranked.labeled,
            "tiles_without_data": ranked.without_data}
