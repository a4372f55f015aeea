"""Writing a synthetic scene as a labeled data set: GeoTIFFs and GeoPackages."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from osgeo import ogr

from engine.errors import BadInputError, OutputWriteError
from engine.io.paths import check_output_folder, exists_message
from engine.io.raster import write_raster
from engine.io.vector import VectorLayer, write_layers
from engine.synth.curves import clip_polyline
from engine.synth.scene import Scene

__all__ = ["SCENE_FILES", "TRUTH_NODATA", "aoi_polygon", "lines_layer", "check_scene_outputs",
           "write_scene"]

logger = logging.getLogger(__name__)

#: Files that write_scene creates, by the key of its returned dict.
SCENE_FILES = {
    "image": "image.tif",
    "truth": "truth.tif",
    "roads": "roads.gpkg",
    "aoi": "aoi.gpkg",
    "centerlines": "centerlines.gpkg",
}
#: Value of truth.tif on nodata pixels (roads are 1, background 0).
TRUTH_NODATA = 255


def aoi_polygon(scene: Scene, aoi_fraction: float) -> ogr.Geometry:
    """The labeled area: a full-height strip from the left edge holding a share of valid pixels.

    Parameters
    ----------
    aoi_fraction : float
        Share of the scene's valid pixels inside the strip, in (0, 1].

    Returns
    -------
    ogr.Geometry
        A rectangle in map coordinates, whole pixels wide.
    """
    valid_per_col = np.count_nonzero(scene.valid_mask, axis=0)
    cumulative = np.cumsum(valid_per_col)
    cols = int(np.searchsorted(cumulative, aoi_fraction * cumulative[-1] - 0.5)) + 1
    x0, ps, _, y0, _, neg_ps = scene.geotransform
    x1, y1 = x0 + cols * ps, y0 + scene.valid_mask.shape[0] * neg_ps
    return ogr.CreateGeometryFromWkt(
        f"POLYGON (({x0!r} {y0!r}, {x1!r} {y0!r}, {x1!r} {y1!r}, {x0!r} {y1!r}, {x0!r} {y0!r}))"
    )


def _line_wkt(points: np.ndarray) -> str:
    return "LINESTRING (" + ", ".join(f"{x!r} {y!r}" for x, y in points.tolist()) + ")"


def lines_layer(
    name: str, lines: list[np.ndarray], widths: list[float], crs_wkt: str
) -> VectorLayer:
    """A LineString layer of (N, 2) vertex arrays with a float ``width`` (metres) per line."""
    return VectorLayer(
        name, "LineString", crs_wkt, [_line_wkt(line) for line in lines],
        fields={"width": [float(w) for w in widths]}, field_types={"width": "float"},
    )


def _clip_lines(scene: Scene, aoi: ogr.Geometry) -> tuple[list[np.ndarray], list[float]]:
    """The parts of the scene's centerlines inside ``aoi``, each with its road's width."""
    clipped, widths = [], []
    for line, width in zip(scene.centerlines, scene.widths_m, strict=True):
        for part in clip_polyline(line, aoi):
            clipped.append(part)
            widths.append(width)
    return clipped, widths


def check_scene_outputs(out_dir: str | Path, *, overwrite: bool,
                        option: str = "out_dir") -> dict[str, Path]:
    """The files :func:`write_scene` would write in ``out_dir``, checked before any work.

    Raises
    ------
    OutputWriteError
        ``out_dir`` is a file or cannot be created or written, or (without ``overwrite``)
        one of the files exists. ``option`` names the folder in the message.
    """
    check_output_folder(out_dir, option=option, create=True)
    paths = {key: Path(out_dir) / name for key, name in SCENE_FILES.items()}
    existing = [str(path) for path in paths.values() if path.exists()]
    if existing and not overwrite:
        raise OutputWriteError(exists_message(", ".join(existing)))
    return paths


def write_scene(
    scene: Scene, out_dir: str | Path, *, aoi_fraction: float | None = None,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write a scene as image, truth, labels inside a labeled area, and all centerlines.

    Files (see :data:`SCENE_FILES`): ``image.tif`` (the image with its nodata value),
    ``truth.tif`` (uint8: 1 road, 0 background, 255 nodata), ``aoi.gpkg`` (layer "aoi": the
    labeled-area polygon), ``roads.gpkg`` (layer "roads": centerlines clipped to it, LineStrings
    with a float "width" in metres) and ``centerlines.gpkg`` (layer "centerlines": every
    centerline, unclipped, with "width").

    Parameters
    ----------
    scene : Scene
    out_dir : str or Path
        Created when missing.
    aoi_fraction : float, optional
        Share of the valid pixels inside the labeled area; defaults to the scene's config.
    overwrite : bool
        Replace existing files; otherwise any existing target file stops the call before
        anything is written.

    Returns
    -------
    dict of str to Path
        The written files, keyed as in :data:`SCENE_FILES`.
    """
    fraction = scene.config.aoi_fraction if aoi_fraction is None else aoi_fraction
    if not 0.0 < fraction <= 1.0:
        raise BadInputError(f"aoi_fraction must be within (0, 1]; got {fraction!r}")
    out = Path(out_dir)
    paths = check_scene_outputs(out, overwrite=overwrite)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputWriteError(f"cannot create the folder {out}: {err.strerror}") from err
    grid = {"geotransform": scene.geotransform, "crs_wkt": scene.crs_wkt, "overwrite": overwrite}
    write_raster(str(paths["image"]), scene.image, nodata=scene.nodata, **grid)
    truth = np.where(scene.valid_mask, scene.road_mask, TRUTH_NODATA).astype(np.uint8)
    write_raster(str(paths["truth"]), truth, nodata=TRUTH_NODATA, **grid)
    aoi = aoi_polygon(scene, fraction)
    clipped, clipped_widths = _clip_lines(scene, aoi)
    crs = scene.crs_wkt
    write_layers(str(paths["aoi"]), [VectorLayer("aoi", "Polygon", crs, [aoi.ExportToWkt()])],
                 overwrite=overwrite)
    write_layers(str(paths["roads"]), [lines_layer("roads", clipped, clipped_widths, crs)],
                 overwrite=overwrite)
    write_layers(str(paths["centerlines"]),
                 [lines_layer("centerlines", scene.centerlines, scene.widths_m, crs)],
                 overwrite=overwrite)
    logger.debug("wrote scene to %s: %d roads in the labeled area", out, len(clipped))
    return paths
