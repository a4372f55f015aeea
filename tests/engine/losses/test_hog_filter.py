"""Tests of the per-cell HOG descriptors and the negative-cell filter."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.losses.hog_filter import cell_hog_descriptors, negative_keep_mask

CELL = 32  # cell side of the fixtures, in pixels


def _stripe(start: int, *, vertical: bool = True, width: int = 6) -> np.ndarray:
    """A CELL x CELL probability map holding one straight road-like stripe."""
    prob = np.full((CELL, CELL), 0.02, dtype=np.float32)
    if vertical:
        prob[:, start:start + width] = 0.95
    else:
        prob[start:start + width, :] = 0.95
    return prob


def _keep(anchor: np.ndarray, negative: np.ndarray) -> bool:
    a = cell_hog_descriptors(anchor, cell_px=CELL)
    n = cell_hog_descriptors(negative, cell_px=CELL)
    return bool(negative_keep_mask(a, n, threshold=0.5)[0, 0])


def test_negative_keep_mask_drops_shifted_stripe() -> None:
    assert not _keep(_stripe(12), _stripe(15))


@pytest.mark.parametrize(
    "negative",
    [
        _stripe(12, vertical=False),  # same stripe, perpendicular orientation
        np.full((CELL, CELL), 0.02, dtype=np.float32),  # empty (flat) cell
    ],
)
def test_negative_keep_mask_keeps_dissimilar_cell(negative: np.ndarray) -> None:
    assert _keep(_stripe(12), negative)


def test_negative_keep_mask_drops_two_flat_cells() -> None:
    zeros = np.zeros((2, 36), dtype=np.float32)
    assert not negative_keep_mask(zeros, zeros, threshold=1.0).any()


def test_cell_hog_descriptors_row_major_unit_or_zero() -> None:
    prob = np.zeros((2 * CELL, 3 * CELL + 5), dtype=np.float32)  # 5 trailing columns ignored
    prob[CELL:, CELL + 10:CELL + 16] = 1.0  # a stripe in cell (row 1, col 1) only
    desc = cell_hog_descriptors(prob, cell_px=CELL)
    norms = np.linalg.norm(desc, axis=1)
    assert desc.shape == (6, 36) and desc.dtype == np.float32
    assert np.allclose(norms, [0, 0, 0, 0, 1, 0], atol=1e-5)


def test_cell_hog_descriptors_input_not_modified() -> None:
    prob = _stripe(3)
    before = prob.copy()
    cell_hog_descriptors(prob, cell_px=CELL)
    assert np.array_equal(prob, before)


@pytest.mark.parametrize(
    ("prob", "kwargs", "match"),
    [
        (np.zeros((32, 32), np.float32), {"cell_px": 32, "grid": 0}, "grid=0"),
        (np.zeros((32, 32), np.float32), {"cell_px": 3}, "cell_px=3"),
        (np.zeros((32, 32), np.float32), {"cell_px": 32, "flat_range": 2.0}, "flat_range=2.0"),
        (np.zeros((16, 32), np.float32), {"cell_px": 32}, r"\(16, 32\)"),
        (np.zeros((32, 32), np.uint8), {"cell_px": 32}, "uint8"),
        (np.full((32, 32), 1.5, np.float32), {"cell_px": 32}, r"\[0, 1\]"),
    ],
)
def test_cell_hog_descriptors_rejects_bad_input(prob: np.ndarray, kwargs: dict, match: str) -> None:
    with pytest.raises(BadInputError, match=match):
        cell_hog_descriptors(prob, **kwargs)


@pytest.mark.parametrize(
    ("anchor", "negative", "threshold", "match"),
    [
        (np.zeros(4), np.zeros((2, 4)), 0.5, r"anchor_desc.*\(4,\)"),
        (np.zeros((2, 4)), np.zeros((2, 5)), 0.5, "same F"),
        (np.zeros((2, 4)), np.zeros((2, 4)), 1.5, "threshold=1.5"),
    ],
)
def test_negative_keep_mask_rejects_bad_input(
    anchor: np.ndarray, negative: np.ndarray, threshold: float, match: str
) -> None:
    with pytest.raises(BadInputError, match=match):
        negative_keep_mask(anchor, negative, threshold=threshold)


def test_negative_keep_mask_keeps_flat_cells_of_the_other_class():
    # HOG cannot tell an all-road cell from an all-background cell (both flat); their
    # predicted classes can, and differing classes are not look-alikes.
    flat = np.zeros((2, 36), np.float32)
    keep = negative_keep_mask(flat[:1], flat, threshold=0.5, anchor_road=np.array([True]),
                              negative_road=np.array([True, False]))
    np.testing.assert_array_equal(keep, [[False, True]])


def test_cell_road_mask_is_the_majority_class_per_cell():
    prob = np.zeros((64, 64), np.float32)
    prob[:32, :32] = 0.9  # a road-filled cell
    prob[32:, 32:56] = 0.8  # three quarters of a cell: mean 0.6
    from engine.losses.hog_filter import cell_road_mask

    np.testing.assert_array_equal(cell_road_mask(prob, cell_px=32), [True, False, False, True])
