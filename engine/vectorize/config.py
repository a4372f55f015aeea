"""VectorizeConfig: how a probability raster becomes road polygons and centerlines."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from engine.errors import BadInputError

__all__ = ["VectorizeConfig", "MIN_BLOCK_PX"]

#: Smallest block side (px) a VectorizeConfig accepts.
MIN_BLOCK_PX = 16


@dataclass(frozen=True)
class VectorizeConfig:
    """Options of :func:`engine.vectorize.vectorize_raster`; lengths in metres, areas in m2."""

    # Road probability in (0, 1] at or above which a pixel is road. A Byte raster's value
    # v is the probability v / 254; a Byte 0/1 mask (values 0 and 1 only, no nodata 255
    # declared) is read as probabilities 0 and 1, so its 1s are road whatever the threshold.
    threshold: float = 0.5
    # Road blobs smaller than this area (m2) are removed.
    min_object_m2: float = 20.0
    # Holes in the road mask smaller than this area (m2) are filled.
    min_hole_m2: float = 20.0
    # Douglas-Peucker tolerance (m) of the road polygons' outlines; 0 keeps pixel edges.
    polygon_simplify_m: float = 0.5
    # Skeleton branches shorter than this (m) that end in nothing are pruned; isolated
    # pieces of centerline shorter than this are dropped; dangling ends are extended along
    # their direction to the end of the road mask by at most this.
    spur_length_m: float = 10.0
    # Dangling ends closer than this (m) are joined when roughly collinear ...
    gap_join_m: float = 15.0
    # ... that is, when the joining segment is within this angle (degrees) of the
    # direction of both ends.
    gap_angle_deg: float = 35.0
    # Douglas-Peucker tolerance (m) of the centerlines; 0 keeps every skeleton pixel.
    line_simplify_m: float = 1.0
    # The raster is vectorised by square blocks of this many pixels (the last ones may be
    # smaller); memory follows (block_px + 2 halo)^2, not the raster's size.
    block_px: int = 2048
    # Each block is read with this margin (m) of its neighbours' pixels, so that the
    # skeleton, spur pruning, end extension and gap joining near its edges see what the
    # whole raster would show: it must exceed what they reach (about a road's half
    # width + 2 x spur_length_m + gap_join_m).
    halo_m: float = 64.0
    # A road region whose outline (before simplification) would exceed this many vertices
    # -- a connected network spanning many blocks -- is written as one polygon per block
    # rather than joined into one: such a polygon is held, unioned and simplified whole,
    # at about 1 KB a vertex, and is unwieldy in a GIS anyway.
    max_polygon_vertices: int = 200_000

    def __post_init__(self) -> None:
        if isinstance(self.block_px, bool) or not isinstance(self.block_px, int) \
                or self.block_px < MIN_BLOCK_PX:
            raise BadInputError(
                f"block_px must be a whole number >= {MIN_BLOCK_PX}; got {self.block_px!r}")
        vertices = self.max_polygon_vertices
        if isinstance(vertices, bool) or not isinstance(vertices, int) or vertices < 4:
            raise BadInputError(
                f"max_polygon_vertices must be a whole number >= 4; got {vertices!r}")
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadInputError(f"{item.name} must be a number; got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise BadInputError(f"{item.name} must be a finite number >= 0; got {value!r}")
        if not 0 < self.threshold <= 1:
            raise BadInputError(
                f"threshold must be a probability in (0, 1]; got {self.threshold!r}"
            )
        if self.gap_angle_deg > 90:
            raise BadInputError(
                f"gap_angle_deg must be between 0 and 90 degrees; got {self.gap_angle_deg!r}"
            )

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return asdict(self)

    def halo_px(self, pixel_size_m: float) -> int:
        """The margin of each block in pixels of ``pixel_size_m`` metres (the smaller side
        of a pixel), at least one pixel."""
        if not pixel_size_m > 0:
            raise BadInputError(f"pixel_size_m must be > 0; got {pixel_size_m!r}")
        return max(int(math.ceil(self.halo_m / pixel_size_m - 1e-9)), 1)

    @classmethod
    def from_dict(cls, data: dict) -> VectorizeConfig:
        """Rebuild from :meth:`to_dict`'s output; missing keys take their defaults."""
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BadInputError(
                f"unknown vectorize option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**data)
