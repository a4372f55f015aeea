"""Road polygons of a raster from its blocks: pieces cut at seams joined, written when whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from engine.io.blocks import Block, BlockGrid
from engine.vectorize.polygons import finish_polygons, polygonize_mask

__all__ = ["PolygonStitcher"]



def _on_line(polygon: Polygon, axis: int, value: float) -> np.ndarray:
    """The boundary segments of a pixel-aligned polygon that lie on the line where
    coordinate ``axis`` (0 = x, 1 = y) equals ``value``, as intervals of the other
    coordinate: shape (n, 2), low and high."""
    coords, ring = shapely.get_coordinates(shapely.get_rings(polygon), return_index=True)
    same_ring = ring[1:] == ring[:-1]
    on = same_ring & (coords[1:, axis] == value) & (coords[:-1, axis] == value)
    other = 1 - axis
    ends = np.stack([coords[:-1, other][on], coords[1:, other][on]], axis=1)
    return np.sort(ends, axis=1)


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two sets of intervals (n, 2) overlap over a positive length."""
    if not len(a) or not len(b):
        return False
    return bool(np.any(np.minimum(a[:, None, 1], b[None, :, 1])
                       > np.maximum(a[:, None, 0], b[None, :, 0])))


@dataclass
class _Piece:
    """A polygon of one block's core that reaches a seam."""

    geometry: Polygon | None  # pixel space (x = column, y = row); None once written
    block: int  # the block it comes from
    open_sides: set[str] = field(default_factory=set)  # "bottom", "right": neighbours to come
    # Its boundary on each seam it reaches ("top", "left", "bottom", "right"): intervals.
    seams: dict[str, np.ndarray] = field(default_factory=dict)
    group: int = -1  # union-find parent
    written: bool = False  # already emitted on its own (its region is too large to join)


class PolygonStitcher:
    """Polygons of the 4-connected road regions of a raster, given block by block.

    Each block's core mask is polygonized (GDAL); a polygon that reaches no seam with
    another block is final. One that does waits, joined (union-find) to the pieces across
    each seam that share an edge with it; when no later block can reach its region, the
    region's pieces are unioned into one polygon, as the whole mask gives it. A region
    whose outline would pass ``max_vertices`` (a road network spanning many blocks) is not
    joined: its pieces are written one per block, as soon as they come, so that no polygon
    larger than that is ever held or simplified. Final polygons go to ``emit`` in pixel
    space, finished by :func:`engine.vectorize.polygons.finish_polygons` (so they equal
    those of :func:`engine.vectorize.polygons.mask_to_polygons` on the whole mask).

    Parameters
    ----------
    grid : BlockGrid
    tolerance_px : float
        Douglas-Peucker tolerance of the outlines, in pixels.
    max_vertices : int
        Largest outline (vertices, before simplification) joined across seams.
    emit : callable
        Receives each batch of final polygons (pixel space).
    """

    def __init__(self, grid: BlockGrid, *, tolerance_px: float, max_vertices: int,
                 emit: Callable[[list[Polygon]], None]) -> None:
        self._grid = grid
        self._tolerance = tolerance_px
        self._max_vertices = max_vertices
        self._emit = emit
        self._pieces: dict[int, _Piece] = {}  # pending pieces by id
        self._by_block: dict[int, list[int]] = {}  # pending piece ids of each block
        self._members: dict[int, list[int]] = {}  # piece ids of each group, by root
        self._vertices: dict[int, int] = {}  # outline size of each group, by root
        self._split: set[int] = set()  # roots of groups written piece by piece
        self._next_id = 0
        self.split_regions = 0  # regions written in pieces

    @property
    def pending(self) -> int:
        """Pieces held, waiting for blocks not yet done."""
        return len(self._pieces)

    def _find(self, piece: int) -> int:
        while self._pieces[piece].group != piece:
            parent = self._pieces[piece].group
            self._pieces[piece].group = self._pieces[parent].group  # path halving
            piece = parent
        return piece

    def _join(self, a: int, b: int) -> None:
        root, other = self._find(a), self._find(b)
        if root == other:
            return
        self._pieces[other].group = root
        self._members[root] += self._members.pop(other)
        self._vertices[root] += self._vertices.pop(other)
        if other in self._split:
            self._split.discard(other)
            self._split.add(root)
        elif root not in self._split and self._vertices[root] > self._max_vertices:
            self._split.add(root)
            self.split_regions += 1

    def _seams(self, polygon: Polygon, block: Block) -> dict[str, np.ndarray]:
        """The polygon's boundary on each seam of its core with another block."""
        xmin, ymin, xmax, ymax = polygon.bounds
        core, grid = block.core, self._grid
        bottom, right = core.row_off + core.rows, core.col_off + core.cols
        lines = {"top": (1, core.row_off, ymin <= core.row_off and block.row > 0),
                 "left": (0, core.col_off, xmin <= core.col_off and block.col > 0),
                 "bottom": (1, bottom, ymax >= bottom and bottom < grid.height),
                 "right": (0, right, xmax >= right and right < grid.width)}
        return {side: _on_line(polygon, axis, value)
                for side, (axis, value, reaches) in lines.items() if reaches}

    def add_block(self, block: Block, core_mask: np.ndarray | None) -> None:
        """Add a block's core mask (bool; None or all False when it holds no road)."""
        final: list[Polygon] = []
        new: list[int] = []
        polygons = (polygonize_mask(core_mask, offset_px=(block.core.row_off,
                                                          block.core.col_off))
                    if core_mask is not None and core_mask.any() else [])
        for polygon in polygons:
            seams = {side: found for side, found in self._seams(polygon, block).items()
                     if len(found)}
            if not seams:
                final.append(polygon)
                continue
            piece = self._next_id
            self._next_id += 1
            later = {side for side in ("bottom", "right") if side in seams}
            self._pieces[piece] = _Piece(polygon, block.index, open_sides=later, seams=seams,
                                         group=piece)
            self._by_block.setdefault(block.index, []).append(piece)
            self._members[piece] = [piece]
            self._vertices[piece] = int(shapely.get_num_coordinates(polygon))
            new.append(piece)
        touched = set(new)
        if block.row > 0:
            touched |= self._join_across(new, block.index - self._grid.cols, "bottom")
        if block.col > 0:
            touched |= self._join_across(new, block.index - 1, "right")
        final.extend(self._settle({self._find(p) for p in touched if p in self._pieces}))
        if final:
            self._emit(finish_polygons(final, self._tolerance))

    def _join_across(self, new: list[int], neighbour: int, side: str) -> set[int]:
        """Join the new pieces to those of ``neighbour`` open on ``side`` (towards this
        block) that share a stretch of the seam with them (pixels of one 4-connected
        region; a shared corner alone does not join); that side of the neighbour is then
        closed."""
        waiting = [i for i in self._by_block.get(neighbour, [])
                   if side in self._pieces[i].open_sides]
        facing = "top" if side == "bottom" else "left"
        for piece in new:
            mine = self._pieces[piece].seams.get(facing)
            for other in waiting if mine is not None else ():
                if _overlap(mine, self._pieces[other].seams[side]):
                    self._join(piece, other)
        for piece in waiting:
            self._pieces[piece].open_sides.discard(side)
        return set(waiting)

    def _settle(self, roots: set[int]) -> list[Polygon]:
        """Polygons the groups of ``roots`` give now; drop the pieces no longer needed."""
        final: list[Polygon] = []
        for root in roots:
            members = self._members[root]
            done = not any(self._pieces[i].open_sides for i in members)
            if root in self._split:  # written piece by piece: each as soon as it comes
                for i in members:
                    piece = self._pieces[i]
                    if not piece.written:
                        final.append(piece.geometry)
                        piece.written = True
                    if not piece.open_sides and piece.geometry is not None:
                        piece.geometry = None  # kept only as a member of its region
                        self._by_block[piece.block].remove(i)
            elif done:
                union = shapely.union_all([self._pieces[i].geometry for i in members])
                final += [p for p in shapely.get_parts(union) if isinstance(p, Polygon)]
            if done:
                self._drop(root)
        return final

    def _drop(self, root: int) -> None:
        for i in self._members.pop(root):
            if self._pieces[i].geometry is not None:
                self._by_block[self._pieces[i].block].remove(i)
            del self._pieces[i]
        self._vertices.pop(root)
        self._split.discard(root)

    def finish(self) -> None:
        """Check that nothing is left (every seam closes by the last block)."""
        if self._pieces:  # pragma: no cover - the last block closes every side
            raise RuntimeError(f"{len(self._pieces)} polygon pieces left open")
