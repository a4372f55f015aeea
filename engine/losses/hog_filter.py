"""HOG descriptors of predicted road probability per cell, to drop look-alike negatives."""

from __future__ import annotations

import numpy as np
from skimage.feature import hog

from ..errors import BadInputError

__all__ = ["cell_hog_descriptors", "cell_road_mask", "cell_classes", "negative_keep_mask",
           "ORIENTATIONS"]

ORIENTATIONS = 9  # unsigned gradient orientation bins over 0-180 degrees
NORM_EPS = 1e-12  # below this L2 norm a descriptor counts as zero (flat cell)


def cell_hog_descriptors(
    prob: np.ndarray, *, cell_px: int, grid: int = 2, flat_range: float = 0.1
) -> np.ndarray:
    """One L2-normalised HOG descriptor per ``cell_px`` square cell of a probability map.

    Each cell is one HOG block of ``grid x grid`` HOG cells of ``cell_px // grid`` pixels
    with ``ORIENTATIONS`` bins, L2-normalised as a whole (so relative gradient strength
    inside the cell is kept). A coarse grid (default 2) makes a road shifted by a few
    pixels still look alike, which is what a false-negative filter needs; a finer grid
    makes the descriptor position-sensitive. A cell whose probabilities vary by less than
    ``flat_range`` (max - min) is flat (no structure) and gets a zero descriptor.
    Trailing rows/columns that do not fill a whole cell are ignored.

    Parameters
    ----------
    prob : np.ndarray
        (H, W) float road probability in [0, 1], H, W >= ``cell_px``.
    cell_px : int
        Side of a cell in pixels; a multiple of ``grid`` and >= 2 * ``grid``.
    grid : int
        HOG cells per side of a cell, >= 1.
    flat_range : float
        Cells with ``max - min < flat_range`` get a zero descriptor; in [0, 1].

    Returns
    -------
    np.ndarray
        (H // cell_px * W // cell_px, grid * grid * ORIENTATIONS) float32, row-major cell
        order; every row has unit L2 norm or is all zero.
    """
    _check_prob(prob, cell_px, grid, flat_range)
    rows, cols = prob.shape[0] // cell_px, prob.shape[1] // cell_px
    image = np.asarray(prob[: rows * cell_px, : cols * cell_px], dtype=np.float64)
    side = cell_px // grid
    blocks = hog(image, orientations=ORIENTATIONS, pixels_per_cell=(side, side),
                 cells_per_block=(grid, grid), block_norm="L2", feature_vector=False)
    desc = blocks[::grid, ::grid].reshape(rows * cols, -1)  # blocks aligned with cells
    cells = image.reshape(rows, cell_px, cols, cell_px).transpose(0, 2, 1, 3)
    spread = np.ptp(cells.reshape(rows * cols, -1), axis=1)
    norm = np.linalg.norm(desc, axis=1, keepdims=True)
    desc = np.where(norm > NORM_EPS, desc / np.maximum(norm, NORM_EPS), 0.0)
    desc[spread < flat_range] = 0.0
    return desc.astype(np.float32)


def cell_road_mask(prob: np.ndarray, *, cell_px: int) -> np.ndarray:
    """Whether each whole cell is mostly predicted road (mean probability >= 0.5).

    Parameters
    ----------
    prob : np.ndarray
        (H, W) float road probability.
    cell_px : int
        Side of a cell; trailing rows/columns outside whole cells are ignored.

    Returns
    -------
    np.ndarray
        (H // cell_px * W // cell_px,) bool, row-major cell order.
    """
    return _cell_means(prob, cell_px) >= 0.5


def _cell_means(prob: np.ndarray, cell_px: int) -> np.ndarray:
    """Mean probability of each whole cell, row-major."""
    rows, cols = prob.shape[0] // cell_px, prob.shape[1] // cell_px
    cells = np.asarray(prob[: rows * cell_px, : cols * cell_px], dtype=np.float64)
    return cells.reshape(rows, cell_px, cols, cell_px).mean(axis=(1, 3)).ravel()


def cell_classes(prob: np.ndarray, *, cell_px: int, road_threshold: float,
                 background_threshold: float) -> np.ndarray:
    """The class each whole cell is confidently predicted as: 1 road, -1 background, 0 unsure.

    A cell is road when its mean probability exceeds ``road_threshold``, background when
    it is below ``background_threshold``. An untrained network predicts about 0.5
    everywhere: its flat cells are unsure, and unsure cells are never judged look-alikes
    (:func:`negative_keep_mask`), so the filter does not empty N before the model knows
    anything.

    Parameters
    ----------
    prob : np.ndarray
        (H, W) float road probability.
    cell_px : int
    road_threshold, background_threshold : float

    Returns
    -------
    np.ndarray
        (H // cell_px * W // cell_px,) int8, row-major cell order.
    """
    mean = _cell_means(prob, cell_px)
    return np.where(mean > road_threshold, 1, np.where(mean < background_threshold, -1, 0)
                    ).astype(np.int8)


def _as_class(cells: np.ndarray) -> np.ndarray:
    cells = np.asarray(cells)
    return np.where(cells, 1, -1) if cells.dtype == bool else cells.astype(np.int8)


def negative_keep_mask(
    anchor_desc: np.ndarray, negative_desc: np.ndarray, *, threshold: float,
    anchor_road: np.ndarray | None = None, negative_road: np.ndarray | None = None,
) -> np.ndarray:
    """Which negative cells each anchor cell may use: HOG cosine similarity < threshold.

    Rule for zero (flat) descriptors: two flat cells are look-alikes (similarity 1, so
    dropped for any threshold <= 1); a flat and a textured cell have similarity 0.
    HOG sees gradients only, so a cell that is all road and a cell that is all background
    are both flat: when ``anchor_road`` / ``negative_road`` give each cell's predicted
    class (bool from :func:`cell_road_mask`, or 1 / -1 / 0 for road / background /
    unsure from :func:`cell_classes`), two flat cells are look-alikes only when their
    classes agree and neither is unsure.
    HOG descriptors are non-negative, so similarities lie in [0, 1].

    Parameters
    ----------
    anchor_desc : np.ndarray
        (Ca, F) float, rows of unit L2 norm or zero (from :func:`cell_hog_descriptors`).
    negative_desc : np.ndarray
        (Cn, F) float, same convention.
    threshold : float
        Cosine similarity in [-1, 1]; a pair is kept when its similarity is below it.
    anchor_road, negative_road : np.ndarray, optional
        (Ca,) and (Cn,) predicted class of each cell, bool or int (1 / -1 / 0); both or
        neither.

    Returns
    -------
    np.ndarray
        (Ca, Cn) bool, True where the negative cell is kept for the anchor cell.
    """
    for name, desc in (("anchor_desc", anchor_desc), ("negative_desc", negative_desc)):
        if desc.ndim != 2:
            raise BadInputError(f"{name} must be a 2-D (cells, F) array, got shape {desc.shape}")
    if anchor_desc.shape[1] != negative_desc.shape[1]:
        raise BadInputError(
            f"anchor_desc and negative_desc must have the same F, got shapes "
            f"{anchor_desc.shape} and {negative_desc.shape}"
        )
    if not -1.0 <= threshold <= 1.0:
        raise BadInputError(f"threshold={threshold!r} is invalid: a cosine similarity in [-1, 1]")
    a = np.asarray(anchor_desc, dtype=np.float64)
    n = np.asarray(negative_desc, dtype=np.float64)
    similarity = a @ n.T
    a_flat = np.linalg.norm(a, axis=1) <= NORM_EPS
    n_flat = np.linalg.norm(n, axis=1) <= NORM_EPS
    both_flat = np.outer(a_flat, n_flat)
    if anchor_road is not None and negative_road is not None:
        a_cls, n_cls = _as_class(anchor_road), _as_class(negative_road)
        same_class = np.equal.outer(a_cls, n_cls) & np.outer(a_cls != 0, n_cls != 0)
        similarity[both_flat & ~same_class] = 0.0
        both_flat &= same_class
    similarity[both_flat] = 1.0
    return similarity < threshold


def _check_prob(prob: np.ndarray, cell_px: int, grid: int, flat_range: float) -> None:
    if grid < 1:
        raise BadInputError(f"grid={grid!r} is invalid: an integer >= 1")
    if cell_px < 2 * grid or cell_px % grid:
        raise BadInputError(
            f"cell_px={cell_px!r} is invalid: a multiple of grid ({grid}) and >= {2 * grid}"
        )
    if not 0.0 <= flat_range <= 1.0:
        raise BadInputError(f"flat_range={flat_range!r} is invalid: a number in [0, 1]")
    if not isinstance(prob, np.ndarray) or prob.ndim != 2 or min(prob.shape) < cell_px:
        shape = getattr(prob, "shape", None)
        raise BadInputError(f"prob must be a 2-D array of at least {cell_px}x{cell_px}, "
                            f"got shape {shape}")
    if not np.issubdtype(prob.dtype, np.floating):
        raise BadInputError(f"prob must be a float array, got dtype {prob.dtype}")
    if not (np.all(prob >= 0.0) and np.all(prob <= 1.0)):  # also rejects NaN
        raise BadInputError(f"prob must lie in [0, 1], got range [{prob.min()}, {prob.max()}]")
