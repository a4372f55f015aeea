"""Approximate hand-digitized road labels for the SpaceNet 4 Atlanta sample (atlanta_pan.tif).

The vertices below were read by eye from upscaled, contrast-stretched renderings of the image
(pixel coordinates: col, row). They are NOT source labels. This script turns them into
roads.gpkg and aoi.gpkg (EPSG:32616, x = gt0 + col*gt1, y = gt3 + row*gt5) and draws
check.png over the image. Run from the repository root:

    python -m bench.data.atlanta.make_labels [path/to/atlanta_pan.tif]
"""

import io
import sys
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr
from PIL import Image
from shapely import contains_xy
from shapely.geometry import LineString, MultiPolygon, Polygon

from bench.data import label_layers

HERE = Path(__file__).resolve().parent
IMAGE = "/work/shared/data/spacenet4_atlanta/atlanta_pan.tif"
SHA256 = "f135d521b13a7e16a97983df976579217afbb07550c878115e0c71c36de193c5"
GT = (733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5)  # geotransform of atlanta_pan.tif
SIZE = 900  # pixels per side
EPSG = 32616
SOURCE = f"approximate hand-digitized from atlanta_pan.tif sha256:{SHA256}, 2026-11-29"
LICENSE = "CC BY-SA 4.0"
DRAWN = (
    "Approximate hand-digitized labels, NOT source labels. Drawn by an AI assistant (a helper "
    "session of the project's engineers) by visual interpretation of atlanta_pan.tif "
    f"(sha256:{SHA256}) on 2026-11-29. Imagery: SpaceNet 4 sample (Atlanta), shipped in the "
    "solaris 0.4.0 wheel; SpaceNet, CC BY-SA 4.0. These derived labels are shared under "
    "CC BY-SA 4.0."
)

# (name, approximate carriageway width in metres, vertices in pixel coordinates (col, row))
ROADS = [
    ("main road NW-SE, west edge to the north street junction and a little beyond", 7.0,
     [(0, 131), (50, 157), (100, 183), (125, 195), (150, 208), (200, 241), (250, 283),
      (280, 310), (320, 348), (360, 385), (400, 420), (440, 443), (459, 452), (478, 462)]),
    ("north street (dead end at the top house)", 6.0,
     [(466, 42), (466, 100), (467, 150), (467, 200), (465, 250), (463, 300), (461, 350),
      (459, 400), (459, 452)]),
    ("west street, wide mouth at the main road", 9.0,
     [(124, 196), (114, 215), (102, 238), (85, 262)]),
    ("west street, along the west edge and out at the bottom", 7.0,
     [(85, 262), (63, 290), (42, 325), (27, 365), (16, 410), (14, 460), (14, 520), (13, 580),
      (12, 640), (13, 700), (18, 735), (30, 765), (48, 795), (69, 821), (87, 842),
      (117, 872), (147, 900)]),
    ("north-east road, top edge to east edge", 7.0,
     [(866, 0), (865, 60), (866, 110), (870, 150), (879, 200), (890, 240), (900, 268)]),
]

# Labeled area: the image minus the forest in the south and south-east, where roads cannot be
# traced, and minus an ambiguous open area (lawn or paved yard) beside the top-right building.
AOI = [(0, 0), (900, 0), (900, 300), (860, 300), (840, 250), (760, 250), (690, 440),
       (480, 440), (472, 462), (445, 462), (420, 452), (330, 500), (300, 560), (300, 900),
       (0, 900)]
AOI_HOLES = [[(814, 0), (858, 0), (858, 56), (814, 56)]]


def to_map(points):
    """Pixel (col, row) to EPSG:32616 (x, y) with the geotransform."""
    return [(GT[0] + c * GT[1] + r * GT[2], GT[3] + c * GT[4] + r * GT[5]) for c, r in points]


def write_layer(path, name, geom_type, rows, description):
    """One GeoPackage layer of this image's labels, with their provenance."""
    label_layers.write_layer(path, name, geom_type, rows, description, source=SOURCE,
                             drawn=DRAWN, epsg=EPSG, licence=LICENSE)


def main():
    image = sys.argv[1] if len(sys.argv) > 1 else IMAGE
    lines = [(n, w, LineString(to_map(p))) for n, w, p in ROADS]
    aoi = Polygon(to_map(AOI), [to_map(h) for h in AOI_HOLES])
    write_layer(HERE / "roads.gpkg", "roads", ogr.wkbLineString, lines,
                "Road centerlines; width = approximate carriageway width in metres.")
    write_layer(HERE / "aoi.gpkg", "aoi", ogr.wkbMultiPolygon,
                [("labeled area (every road inside is digitized; other pixels are background)",
                  None, MultiPolygon([aoi]))],
                "Labeled area: every road inside is digitized in roads.gpkg; other pixels "
                "are background; pixels outside are unlabelled.")

    # Pixel-space shapes for the statistics and the picture (1 px = 0.5 m).
    px_aoi = Polygon(AOI, AOI_HOLES)
    px_roads = [LineString(p).buffer(w / 2 / GT[1], cap_style="flat") for _, w, p in ROADS]
    cols, rows = np.meshgrid(np.arange(SIZE) + 0.5, np.arange(SIZE) + 0.5)
    in_aoi = contains_xy(px_aoi, cols, rows)
    in_road = np.zeros_like(in_aoi)
    for shape in px_roads:
        in_road |= contains_xy(shape, cols, rows)
    length = sum(g.length for _, _, g in lines)
    print(f"{len(lines)} road lines, {length:.0f} m; AOI {in_aoi.mean():.1%} of the image; "
          f"road {(in_road & in_aoi).sum() / in_aoi.sum():.1%} of AOI pixels")
    draw_check(image, px_aoi, in_road & in_aoi, in_road & ~in_aoi)


def draw_check(image, px_aoi, road_in, road_out):
    """check.png: the image (2-98 % stretch), buffered labels and the AOI boundary."""
    if not Path(image).exists():
        print(f"{image} not found: check.png not drawn")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # leave no .aux.xml beside the image
    band = gdal.Open(image).ReadAsArray().astype(float)
    lo, hi = np.percentile(band, [2, 98])
    gray = np.clip((band - lo) / (hi - lo), 0, 1)
    rgb = np.dstack([gray] * 3)
    rgb[road_in] = 0.55 * rgb[road_in] + 0.45 * np.array([1.0, 0.1, 0.1])
    rgb[road_out] = 0.55 * rgb[road_out] + 0.45 * np.array([1.0, 0.8, 0.0])
    fig = plt.figure(figsize=(9.4, 9.6), dpi=100)
    ax = fig.add_axes([0.04, 0.03, 0.94, 0.92])
    ax.imshow(rgb, interpolation="nearest")
    for ring in (px_aoi.exterior, *px_aoi.interiors):
        x, y = ring.xy
        ax.plot(x, y, color="cyan", lw=1.2)
    ax.set_xlim(0, SIZE)
    ax.set_ylim(SIZE, 0)
    ax.set_xticks(range(0, SIZE + 1, 100))
    ax.set_yticks(range(0, SIZE + 1, 100))
    ax.tick_params(labelsize=7)
    ax.set_title("atlanta_pan.tif: roads (red, buffered width/2; yellow outside the AOI), "
                 "AOI boundary (cyan)", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    # A 128-colour palette keeps the picture under 1 MB.
    Image.open(buffer).convert("RGB").quantize(128).save(HERE / "check.png", optimize=True)


if __name__ == "__main__":
    main()
