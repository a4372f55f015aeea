"""The road mask: thresholded probability without small blobs and small holes."""

from __future__ import annotations

import math

import numpy as np
from skimage.morphology import remove_small_holes, remove_small_objects

from engine.errors import BadInputError

__all__ = ["road_mask", "area_px"]


def area_px(area_m2: float, pixel_area_m2: float) -> int:
    """Smallest whole number of pixels whose area is at least ``area_m2``.

    A blob of n pixels is smaller than ``area_m2`` exactly when n < area_px(...).
    """
    if not pixel_area_m2 > 0:
        raise BadInputError(f"pixel_area_m2 must be > 0; got {pixel_area_m2!r}")
    # The 1e-9 keeps float noise (20 / 0.25 = 80.00000000001) from adding a pixel.
    return max(int(math.ceil(area_m2 / pixel_area_m2 - 1e-9)), 0)


def road_mask(
    prob: np.ndarray,
    valid: np.ndarray,
    *,
    threshold: float,
    min_object_px: int,
    min_hole_px: int,
) -> np.ndarray:
    """Threshold a probability image, then remove small road blobs and fill small holes.

    Parameters
    ----------
    prob : np.ndarray
        Shape (H, W), floating (float32 keeps memory low), road probability in [0, 1].
    valid : np.ndarray
        Shape (H, W), bool; False pixels (nodata) are never road.
    threshold : float
        A pixel is road when ``prob >= threshold``.
    min_object_px : int
        Road blobs (8-connected) of fewer pixels are removed.
    min_hole_px : int
        Holes (4-connected background) of fewer pixels are filled; background touching
        the image's border counts as a hole too when small.

    Returns
    -------
    np.ndarray
        Shape (H, W), bool, True on road.

    Raises
    ------
    BadInputError
        Shapes that differ, a prob that is not floating, negative pixel counts.
    """
    prob, valid = np.asarray(prob), np.asarray(valid)
    if prob.ndim != 2 or valid.shape != prob.shape:
        raise BadInputError(
            f"prob and valid must be 2-D of the same shape; got {prob.shape} and {valid.shape}"
        )
    if not np.issubdtype(prob.dtype, np.floating):
        raise BadInputError(f"prob must be a floating array; got dtype {prob.dtype}")
    for name, value in (("min_object_px", min_object_px), ("min_hole_px", min_hole_px)):
        if value < 0:
            raise BadInputError(f"{name} must be >= 0 pixels; got {value!r}")
    mask = prob >= threshold
    mask &= valid.astype(bool, copy=False)
    if min_object_px > 1:
        remove_small_objects(mask, min_size=int(min_object_px), connectivity=2, out=mask)
    if min_hole_px > 1:
        remove_small_holes(mask, area_threshold=int(min_hole_px), connectivity=1, out=mask)
        mask &= valid  # a filled hole of nodata stays off the road
    return mask
