"""Tiny generated scenes for the engine.io tests (make_raster is in tests/engine/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


@pytest.fixture
def scene() -> Callable[[int, str], np.ndarray]:
    """Factory of a seeded 64 x 64 scene with ``bands`` bands of ``dtype``, values >= 1."""

    def make(bands: int = 3, dtype: str = "uint16") -> np.ndarray:
        rng = np.random.default_rng(42)
        return rng.integers(1, 200, size=(bands, 64, 64)).astype(dtype)

    return make
