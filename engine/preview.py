"""A PNG picture of roads over the image, for people to look at."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from skimage.draw import line as draw_line

from .errors import BadInputError

__all__ = ["stretch_to_rgb", "render_preview", "write_preview"]

ROAD_RGB = np.array([230, 40, 40], np.float32)  # road surface overlay
LINE_RGB = np.array([255, 230, 0], np.uint8)  # centerlines


def stretch_to_rgb(image: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Percentile-stretch 1 or 3+ bands to an 8-bit RGB picture.

    Parameters
    ----------
    image : ndarray, shape (C, H, W)
        Any numeric dtype; 1 band is shown grey, 3 or more as the first three (RGB).
    valid : ndarray of bool, shape (H, W), optional
        Pixels used for the percentiles; invalid pixels are drawn black.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
    """
    if image.ndim != 3 or image.shape[0] not in (1, 2) and image.shape[0] < 3:
        raise BadInputError(f"image must be (C, H, W), got shape {image.shape}")
    bands = image[:1] if image.shape[0] < 3 else image[:3]
    valid = np.ones(image.shape[1:], bool) if valid is None else valid
    out = np.zeros(bands.shape, np.float32)
    for i, band in enumerate(bands.astype(np.float32)):
        values = band[valid]
        lo, hi = np.percentile(values, (2, 98)) if values.size else (0.0, 1.0)
        out[i] = np.clip((band - lo) / max(hi - lo, 1e-6), 0, 1) * 255
    out[:, ~valid] = 0
    rgb = np.repeat(out, 3, axis=0) if out.shape[0] == 1 else out
    return rgb.transpose(1, 2, 0).astype(np.uint8)


def render_preview(rgb: np.ndarray, road: np.ndarray, lines_px: Sequence[np.ndarray], *,
                   alpha: float = 0.45) -> np.ndarray:
    """Blend the road mask over the picture and draw centerlines on top.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    road : ndarray of bool, shape (H, W)
    lines_px : sequence of ndarray of float, shape (N, 2)
        Centerlines as (col, row) pixel coordinates of the picture.
    alpha : float
        Opacity of the road overlay.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
    """
    if road.shape != rgb.shape[:2]:
        raise BadInputError(f"road mask {road.shape} does not match picture {rgb.shape[:2]}")
    out = rgb.astype(np.float32)
    out[road] = (1 - alpha) * out[road] + alpha * ROAD_RGB
    out = out.astype(np.uint8)
    h, w = road.shape
    for coords in lines_px:
        pts = np.round(np.asarray(coords, float)).astype(int)
        for (c0, r0), (c1, r1) in zip(pts[:-1], pts[1:], strict=True):
            rr, cc = draw_line(r0, c0, r1, c1)
            keep = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            out[rr[keep], cc[keep]] = LINE_RGB
    return out


def _read_decimated(path: str, max_px: int) -> tuple[np.ndarray, float]:
    """Read a raster at most ``max_px`` on its long side; return (bands, H, W) and the scale."""
    from .io.raster import open_raster

    ds = open_raster(path)
    scale = min(1.0, max_px / max(ds.RasterXSize, ds.RasterYSize))
    w, h = max(1, round(ds.RasterXSize * scale)), max(1, round(ds.RasterYSize * scale))
    data = ds.ReadAsArray(buf_xsize=w, buf_ysize=h)
    return (data[None] if data.ndim == 2 else data), scale


def write_preview(image_path: str, prob_path: str, lines_path: str | None, out_png: str, *,
                  threshold: float = 0.5, max_px: int = 1200) -> str:
    """Write a PNG of the image with predicted roads and centerlines drawn over it.

    Parameters
    ----------
    image_path, prob_path : str
        The input raster and its road probability raster (Byte 0-254, 255 nodata, or
        Float32 0-1).
    lines_path : str or None
        GeoPackage with a ``centerlines`` layer, drawn when given.
    out_png : str
        Destination (written atomically).
    threshold : float
        Probability above which a pixel is shown as road.
    max_px : int
        Long side of the picture; large rasters are read decimated.
    """
    from skimage.io import imsave

    from .io.atomic import atomic_output
    from .io.probability import BYTE_NODATA, BYTE_SCALE
    from .io.raster import read_info
    from .io.vector import read_features

    image, scale = _read_decimated(image_path, max_px)
    info = read_info(image_path)
    valid = np.ones(image.shape[1:], bool)
    for value in info.nodata:
        if value is not None:
            valid &= ~np.any(image == value, axis=0)
    prob, _ = _read_decimated(prob_path, max_px)
    p = prob[0].astype(np.float32)
    is_byte = prob.dtype == np.uint8
    road = (p / BYTE_SCALE if is_byte else p) >= threshold
    road &= valid & (prob[0] != BYTE_NODATA if is_byte else p >= 0)
    lines_px = []
    if lines_path:
        gt = info.geotransform
        for geom, _ in read_features(lines_path, target_crs_wkt=info.crs_wkt,
                                     layer="centerlines"):
            xy = np.asarray(geom.GetPoints(), float)[:, :2]
            lines_px.append(np.column_stack([(xy[:, 0] - gt[0]) / gt[1] * scale,
                                             (xy[:, 1] - gt[3]) / gt[5] * scale]))
    picture = render_preview(stretch_to_rgb(image, valid), road, lines_px)
    with atomic_output(out_png, overwrite=True, suffix=".png") as tmp:
        imsave(tmp, picture, check_contrast=False, extension=".png")
    return out_png
