"""Approximate hand-digitized road labels for the SpaceNet 6 Rotterdam samples pan2 and pan3.

The vertices below were read by eye from upscaled, contrast-stretched renderings of the images
(pixel coordinates: col, row). They are NOT source labels. This script turns them into
roads_pan2.gpkg + aoi_pan2.gpkg and roads_pan3.gpkg + aoi_pan3.gpkg (EPSG:32631,
x = gt0 + col*gt1, y = gt3 + row*gt5) and draws check_pan2.png / check_pan3.png over the images.
Run from the repository root:

    python -m bench.data.rotterdam_pan23.make_labels [folder/with/pan2.tif/and/pan3.tif]
"""

import io
import sys
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr
from PIL import Image
from shapely import contains_xy
from shapely.affinity import affine_transform
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import unary_union

from bench.data import label_layers

HERE = Path(__file__).resolve().parent
IMAGE_DIR = "/work/shared/data/spacenet6_rotterdam"
SIZE = 600  # pixels per side
EPSG = 32631
LICENSE = "CC BY-SA 4.0 (derived from SpaceNet 6)"
DATE = "2026-11-29"
PX = 0.49999345509841014  # pixel size in metres (both images)

# Per image: sha256, geotransform, roads (name, approximate carriageway width in metres,
# vertices in pixel coordinates (col, row)), AOI polygons (exterior, [holes]).
IMAGES = {
    "pan2": {
        "sha256": "06f4f1143a0cf6c7830e545cac2c31a2e6fc385bbcb74b0c147bfcab3095f1e7",
        "gt": (595455.3102195401, PX, 0.0, 5751487.266472591, 0.0, -PX),
        "roads": [
            ("service road between the two warehouses (south-west), bottom edge to the quay yard",
             9.0,
             [(111, 600), (116, 580), (122, 560), (128, 540), (133, 520), (136, 506)]),
        ],
        "aoi": [
            # The harbour water with the moored ship, north of the quays (no roads there).
            ([(0, 200), (600, 194), (600, 588), (560, 572), (520, 565), (500, 571), (260, 486),
              (250, 481), (200, 462), (180, 452), (178, 440), (178, 400), (172, 380),
              (140, 370), (90, 362), (82, 372), (40, 385), (0, 378)], []),
            # The two south-west warehouse roofs and the service road between them.
            ([(0, 472), (125, 509), (143, 524), (250, 572), (250, 600), (103, 600), (0, 560)],
             []),
        ],
    },
    "pan3": {
        "sha256": "61a1adee9de7c568c21596ff6238f92d7db6c0c7c3c9091e705cfdea981d0414",
        "gt": (593011.9351121011, PX, 0.0, 5750441.619747417, 0.0, -PX),
        "roads": [
            ("N-S road, west carriageway", 11.0,
             [(430, 233), (440, 300), (448, 360), (453, 400), (456, 440)]),
            ("N-S road, east carriageway", 8.0,
             [(451, 233), (458, 290), (466, 360), (472, 400), (476, 425)]),
            ("E-W main road, west edge to the junction with the N-S road", 9.0,
             [(0, 539), (100, 525), (200, 505), (300, 478), (400, 465), (456, 447)]),
            ("E-W road east of the junction", 9.0,
             [(456, 440), (500, 432), (550, 424), (600, 415)]),
            ("service road south of the rail strip", 7.0,
             [(190, 600), (188, 560), (195, 535), (215, 524), (250, 522), (300, 519),
              (350, 512), (375, 508)]),
            ("road south from the service road along the tank site", 7.0,
             [(375, 508), (376, 540), (378, 570), (380, 600)]),
        ],
        "aoi": [
            ([(0, 241), (600, 234), (600, 600), (0, 600)], []),
        ],
        "excluded": [
            ("parking lot with diagonal bays, trees and a small yard (north-west)",
             [(0, 230), (200, 230), (200, 298), (0, 298)]),
            ("alley and yard with vans between the north-west buildings, and a strip along "
             "row 360 that may be a service road or a path",
             [(100, 298), (140, 298), (140, 330), (212, 330), (212, 378), (0, 378), (0, 350),
              (100, 348)]),
            ("courtyard with a paved frame (path or drive) north of the big building",
             [(290, 230), (348, 230), (348, 300), (290, 300)]),
            ("parking lot west of the N-S road", [(298, 343), (432, 343), (432, 402), (298, 402)]),
            ("light strip (path or drive, a van parked on it) across the vacant lot",
             [(74, 395), (102, 395), (102, 522), (74, 526)]),
            ("paved yard west of the service road", [(135, 535), (183, 530), (183, 600),
                                                      (135, 600)]),
            ("paved industrial yard south of the service road",
             [(200, 530), (366, 526), (366, 600), (200, 600)]),
            ("tank farm (internal drives not judged) and the tank shadows over the rail strip",
             [(388, 600), (388, 505), (420, 478), (456, 462), (500, 448), (600, 432),
              (600, 600)]),
            ("uniform grey open area east of the N-S road (paved yard or lawn)",
             [(480, 345), (600, 345), (600, 400), (480, 415)]),
        ],
    },
}


def source(name, sha):
    return f"approximate hand-digitized from {name}.tif sha256:{sha}, {DATE}"


def drawn(name, sha):
    return (
        "Approximate hand-digitized labels, NOT source labels. Drawn by an AI assistant (a helper "
        f"session of the project's engineers) by visual interpretation of {name}.tif "
        f"(sha256:{sha}) on {DATE}. Imagery: SpaceNet 6 sample (Rotterdam), shipped in the "
        "solaris 0.4.0 wheel; SpaceNet, CC BY-SA 4.0. These derived labels are shared under "
        "CC BY-SA 4.0."
    )


def to_map(points, gt):
    """Pixel (col, row) to EPSG:32631 (x, y) with the geotransform."""
    return [(gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]) for c, r in points]


def write_layer(path, name, geom_type, rows, description, src, drawn_text):
    """One GeoPackage layer of one image's labels, with their provenance."""
    label_layers.write_layer(path, name, geom_type, rows, description, source=src,
                             drawn=drawn_text, epsg=EPSG, licence=LICENSE)


def pixel_aoi(spec):
    """The labeled area in pixel space: the AOI polygons minus the excluded areas."""
    area = unary_union([Polygon(e, holes) for e, holes in spec["aoi"]])
    area = area.difference(unary_union([Polygon(p) for _, p in spec.get("excluded", [])]))
    return area if isinstance(area, MultiPolygon) else MultiPolygon([area])


def make(name, spec, image_dir):
    gt, sha = spec["gt"], spec["sha256"]
    src, drawn_text = source(name, sha), drawn(name, sha)
    lines = [(n, w, LineString(to_map(p, gt))) for n, w, p in spec["roads"]]
    px_aoi = pixel_aoi(spec)
    aoi = affine_transform(px_aoi, [gt[1], gt[2], gt[4], gt[5], gt[0], gt[3]])
    write_layer(HERE / f"roads_{name}.gpkg", "roads", ogr.wkbLineString, lines,
                "Road centerlines; width = approximate carriageway width in metres.",
                src, drawn_text)
    write_layer(HERE / f"aoi_{name}.gpkg", "aoi", ogr.wkbMultiPolygon,
                [("labeled area (every road inside is digitized; other pixels are background)",
                  None, aoi)],
                "Labeled area: every road inside is digitized in roads.gpkg; other pixels "
                "are background; pixels outside are unlabelled.", src, drawn_text)

    # Pixel-space shapes for the statistics and the picture (1 px = 0.5 m).
    px_roads = [LineString(p).buffer(w / 2 / PX, cap_style="flat") for _, w, p in spec["roads"]]
    cols, rows = np.meshgrid(np.arange(SIZE) + 0.5, np.arange(SIZE) + 0.5)
    in_aoi = contains_xy(px_aoi, cols, rows)
    in_road = np.zeros_like(in_aoi)
    for shape in px_roads:
        in_road |= contains_xy(shape, cols, rows)
    length = sum(g.length for _, _, g in lines)
    image = Path(image_dir) / f"{name}.tif"
    band = None
    if image.exists():
        gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # leave no .aux.xml beside the image
        band = gdal.Open(str(image)).ReadAsArray().astype(float)
        valid = band > 0
        extra = (f"; valid (non-zero) pixels {valid.mean():.1%} of the image, AOI "
                 f"{(in_aoi & valid).sum() / valid.sum():.1%} of them; nodata pixels in the AOI: "
                 f"{(in_aoi & ~valid).sum()}")
    else:
        extra = f"; {image} not found: check_{name}.png not drawn"
    print(f"{name}: {len(lines)} road lines, {length:.0f} m; AOI {in_aoi.mean():.1%} of the "
          f"image; road {(in_road & in_aoi).sum() / in_aoi.sum():.1%} of AOI pixels{extra}")
    if band is not None:
        draw_check(name, band, px_aoi, in_road & in_aoi, in_road & ~in_aoi)


def draw_check(name, band, px_aoi, road_in, road_out):
    """check_<name>.png: the image (2-98 % stretch), buffered labels and the AOI boundary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lo, hi = np.percentile(band[band > 0], [2, 98])
    gray = np.clip((band - lo) / (hi - lo), 0, 1)
    rgb = np.dstack([gray] * 3)
    rgb[road_in] = 0.55 * rgb[road_in] + 0.45 * np.array([1.0, 0.1, 0.1])
    rgb[road_out] = 0.55 * rgb[road_out] + 0.45 * np.array([1.0, 0.8, 0.0])
    fig = plt.figure(figsize=(9.4, 9.6), dpi=100)
    ax = fig.add_axes([0.04, 0.03, 0.94, 0.92])
    ax.imshow(rgb, interpolation="nearest")
    for poly in px_aoi.geoms:
        for ring in (poly.exterior, *poly.interiors):
            x, y = ring.xy
            ax.plot(x, y, color="cyan", lw=1.2)
    ax.set_xlim(0, SIZE)
    ax.set_ylim(SIZE, 0)
    ax.set_xticks(range(0, SIZE + 1, 50))
    ax.set_yticks(range(0, SIZE + 1, 50))
    ax.tick_params(labelsize=7)
    ax.set_title(f"{name}.tif: roads (red, buffered width/2; yellow outside the AOI), "
                 "AOI boundary (cyan)", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    # A 128-colour palette keeps the picture under 1 MB.
    Image.open(buffer).convert("RGB").quantize(128).save(HERE / f"check_{name}.png",
                                                          optimize=True)


def main():
    image_dir = sys.argv[1] if len(sys.argv) > 1 else IMAGE_DIR
    for name, spec in IMAGES.items():
        make(name, spec, image_dir)


if __name__ == "__main__":
    main()
