"""Tiny road masks for the engine.vectorize tests (write_prob is in tests/engine/conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def cross_mask() -> np.ndarray:
    """A 100 x 100 "+" of two 12 px wide roads crossing at the centre, bool."""
    mask = np.zeros((100, 100), dtype=bool)
    mask[44:56, 5:95] = True
    mask[5:95, 44:56] = True
    return mask
