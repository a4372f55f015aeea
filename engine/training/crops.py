"""Where supervised crops are drawn: around labeled pixels, with road oversampled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..io.raster import Window
from ..labels import IGNORE, ROAD

__all__ = ["CropPool", "build_crop_pool"]

#: Pixel indices kept per raster and class; enough to spread crops, bounded in memory.
MAX_INDICES = 500_000


@dataclass(frozen=True)
class CropPool:
    """Flat indices of labeled and of road pixels per raster, to centre crops on."""

    shapes: tuple[tuple[int, int], ...]
    labeled: tuple[np.ndarray, ...]  # int64 flat indices per raster
    road: tuple[np.ndarray, ...]
    # relative chance of each raster to give a crop; None: its count of labeled pixels
    weights: tuple[float, ...] | None = None

    @property
    def empty(self) -> bool:
        """True when no raster has a labeled pixel."""
        return all(len(ix) == 0 for ix in self.labeled)

    def sample(self, n: int, crop_px: int, *, road_share: float,
               rng: np.random.Generator) -> list[tuple[int, Window]]:
        """Draw ``n`` crop windows centred (with jitter) on labeled pixels.

        Parameters
        ----------
        n : int
            Number of crops.
        crop_px : int
            Side of each crop.
        road_share : float
            Share of crops centred on a road pixel (roads are rare).
        rng : numpy.random.Generator
        """
        counts = np.array([len(ix) for ix in self.labeled], dtype=float)
        weights = counts if self.weights is None else \
            np.where(counts > 0, np.asarray(self.weights, dtype=float), 0.0)
        if weights.sum() == 0:
            raise ValueError("the crop pool is empty")
        out = []
        for _ in range(n):
            src = int(rng.choice(len(weights), p=weights / weights.sum()))
            pool = self.road[src] if rng.random() < road_share and len(self.road[src]) else \
                self.labeled[src]
            r, c = np.unravel_index(int(pool[rng.integers(len(pool))]), self.shapes[src])
            jitter = rng.integers(-crop_px // 4, crop_px // 4 + 1, size=2)
            out.append((src, Window(int(r) - crop_px // 2 + int(jitter[0]),
                                    int(c) - crop_px // 2 + int(jitter[1]), crop_px, crop_px)))
        return out


def _subsample(ix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return ix if len(ix) <= MAX_INDICES else rng.choice(ix, MAX_INDICES, replace=False)


def build_crop_pool(labels: list[np.ndarray | None], *, rng: np.random.Generator,
                    weights: list[float] | None = None) -> CropPool:
    """Index the labeled and road pixels of each raster's label map.

    Parameters
    ----------
    labels : list of (ndarray of uint8, shape (H, W)) or None
        Label maps (ROAD, BACKGROUND, IGNORE); None for a raster without labels.
    rng : numpy.random.Generator
        Used to subsample very large index sets.
    weights : list of float, optional
        Relative chance of each raster to give a crop (>= 0, one per label map); by
        default each raster weighs its count of labeled pixels.
    """
    if weights is not None and (len(weights) != len(labels) or min(weights, default=0) < 0):
        raise ValueError(f"weights must be {len(labels)} values >= 0; got {weights}")
    shapes, labeled, road = [], [], []
    for lab in labels:
        if lab is None:
            shapes.append((0, 0))
            labeled.append(np.empty(0, np.int64))
            road.append(np.empty(0, np.int64))
            continue
        flat = lab.ravel()
        shapes.append(lab.shape)
        labeled.append(_subsample(np.flatnonzero(flat != IGNORE), rng))
        road.append(_subsample(np.flatnonzero(flat == ROAD), rng))
    return CropPool(tuple(shapes), tuple(labeled), tuple(road),
                    None if weights is None else tuple(float(w) for w in weights))
