"""Tests of the block machinery of engine.vectorize: owned pieces, the two stitchers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely

from engine.io.blocks import BlockGrid
from engine.io.windows import Window
from engine.vectorize.edges import PendingEdge
from engine.vectorize.pieces import owned_pieces
from engine.vectorize.polygon_stitch import PolygonStitcher
from engine.vectorize.polygons import finish_polygons, polygonize_mask
from engine.vectorize.stitch import CenterlineStitcher

UNIT = (1.0, 1.0)


def chain(*points: tuple[float, float]) -> nx.MultiGraph:
    graph = nx.MultiGraph()
    graph.add_edge(0, 1, coords=np.array(points, dtype=np.float64), start=0)
    return graph


class TestOwnedPieces:
    def test_owned_pieces_cut_at_the_vertex_whose_segments_change_owner(self):
        # x = 2.5 ... 12.5 along row 5; the core holds columns 0-7: segments whose midpoint
        # has x < 8 are its own, so it ends at x = 7.5 (7.5-8.5 has its midpoint at 8).
        graph = chain(*[(x + 0.5, 5.5) for x in range(2, 13)])
        pieces = owned_pieces(graph, Window(0, 0, 16, 8), scale_m=UNIT, shape=(16, 16))
        assert len(pieces) == 1 and pieces[0][-1].tolist() == [7.5, 5.5]
        right = owned_pieces(graph, Window(0, 8, 16, 8), scale_m=UNIT, shape=(16, 16))
        assert right[0][0].tolist() == [7.5, 5.5]  # the neighbour starts where it stops

    def test_owned_pieces_of_a_line_leaving_and_coming_back(self):
        points = [(1.5, 1.5), (6.5, 1.5), (10.5, 1.5), (10.5, 3.5), (6.5, 3.5), (1.5, 3.5)]
        pieces = owned_pieces(chain(*points), Window(0, 0, 16, 8), scale_m=UNIT,
                              shape=(16, 16))
        assert [p.tolist() for p in pieces] == [[[1.5, 1.5], [6.5, 1.5]],
                                               [[6.5, 3.5], [1.5, 3.5]]]

    def test_owned_pieces_at_the_raster_edge_own_what_lies_beyond(self):
        graph = chain((14.5, 5.5), (16.2, 5.5))  # an end extended past the last column
        pieces = owned_pieces(graph, Window(0, 8, 16, 8), scale_m=UNIT, shape=(16, 16))
        assert len(pieces) == 1


class TestCenterlineStitcher:
    def test_centerline_stitcher_joins_a_road_across_a_seam(self):
        grid = BlockGrid(16, 32, 16, 4)
        edges: list[PendingEdge] = []
        stitcher = CenterlineStitcher(grid, scale_m=UNIT, reach_px=4, emit=edges.extend)
        stitcher.add_block(0, [np.array([[2.5, 8.5], [16.5, 8.5]])])
        assert edges == [] and stitcher.pending_edges == 1  # its end waits for block 1
        stitcher.add_block(1, [np.array([[16.5, 8.5], [30.5, 8.5]])])
        stitcher.finish()
        assert len(edges) == 1 and stitcher.late_pieces == 0
        edge = edges[0]
        assert (edge.start_degree, edge.end_degree, edge.pieces) == (1, 1, 1)
        assert {tuple(edge.coords[0]), tuple(edge.coords[-1])} == {(2.5, 8.5), (30.5, 8.5)}
        assert len(edge.coords) == 3

    def test_centerline_stitcher_splits_a_parallel_edge(self):
        grid = BlockGrid(16, 16, 16, 4)
        edges: list[PendingEdge] = []
        stitcher = CenterlineStitcher(grid, scale_m=UNIT, reach_px=4, emit=edges.extend)
        a, b = [2.5, 2.5], [12.5, 2.5]
        stitcher.add_block(0, [np.array([a, b]), np.array([a, [7.5, 6.5], b]),
                               np.array([a, [2.5, 0.5]]), np.array([b, [12.5, 0.5]])])
        stitcher.finish()
        assert sorted(e.pieces for e in edges) == [1, 1, 1, 2]
        assert sorted((e.start_degree, e.end_degree) for e in edges if e.pieces == 2) == [
            (3, 3)]

    def test_centerline_stitcher_counts_late_pieces(self):
        grid = BlockGrid(16, 64, 16, 2)
        stitcher = CenterlineStitcher(grid, scale_m=UNIT, reach_px=2, emit=lambda _: None)
        stitcher.add_block(0, [np.array([[2.5, 8.5], [8.5, 8.5]])])
        stitcher.add_block(3, [np.array([[8.5, 8.5], [50.5, 8.5]])])  # reaches block 0
        assert stitcher.late_pieces == 1


def squares(mask: np.ndarray, block_px: int, max_vertices: int = 10**6) -> list:
    """The polygons of a mask by blocks of ``block_px``, as the stitcher writes them."""
    grid = BlockGrid(*mask.shape, block_px, 0)
    out: list = []
    stitcher = PolygonStitcher(grid, tolerance_px=0.0, max_vertices=max_vertices,
                               emit=out.extend)
    for block in grid:
        core = block.core
        stitcher.add_block(block, mask[core.row_off:core.row_off + core.rows,
                                       core.col_off:core.col_off + core.cols])
    stitcher.finish()
    return out


class TestPolygonStitcher:
    def test_polygon_stitcher_equals_the_whole_mask(self):
        yy, xx = np.mgrid[:64, :64]
        mask = (np.hypot(yy - 30, xx - 34) < 20) & (np.hypot(yy - 30, xx - 34) > 8)
        mask[50:60, 5:60] = True
        whole = finish_polygons(polygonize_mask(mask), 0.0)
        blocks = squares(mask, 16)
        assert sorted(p.wkb for p in blocks) == sorted(p.wkb for p in whole)
        assert any(len(p.interiors) for p in blocks)  # the ring's hole, across 4 blocks

    def test_polygon_stitcher_keeps_corner_contacts_apart(self):
        mask = np.zeros((16, 16), bool)
        mask[4:8, 4:8] = True  # touches the next square at the corner (8, 8) only
        mask[8:12, 8:12] = True
        assert len(squares(mask, 8)) == 2 == len(polygonize_mask(mask))

    def test_polygon_stitcher_writes_large_regions_by_blocks(self):
        mask = np.zeros((32, 32), bool)
        mask[10:20, :] = True  # one road across 8 blocks (2 rows of 4)
        pieces = squares(mask, 8, max_vertices=8)
        assert len(pieces) == 8
        assert shapely.union_all(pieces).area == pytest.approx(mask.sum())
        assert sum(p.area for p in pieces) == pytest.approx(mask.sum())  # no overlap
