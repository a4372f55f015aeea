"""Tests of engine.vectorize.centerlines: the centerline graph of a road mask."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString

from engine.errors import BadInputError
from engine.vectorize import graph_to_lines, mask_to_centerline_graph

# 1 m pixels: x = column, y = 100 - row (pixel centres at +0.5).
GT = (0.0, 1.0, 0.0, 100.0, 0.0, -1.0)
OPTIONS = {"pixel_size_m": 1.0, "spur_length_m": 10.0, "gap_join_m": 15.0,
           "gap_angle_deg": 35.0, "line_simplify_m": 1.0}


def centerlines(mask: np.ndarray, **options) -> nx.Graph:
    return mask_to_centerline_graph(mask, GT, **{**OPTIONS, **options})


def ends(graph: nx.Graph) -> list[tuple[float, float]]:
    return sorted(graph.nodes[n]["xy"] for n, d in graph.degree() if d == 1)


def straight_road() -> np.ndarray:
    """Rows 14-25 (centre y = 80), columns 10-89: 80 m long, 12 m wide."""
    mask = np.zeros((40, 100), bool)
    mask[14:26, 10:90] = True
    return mask


def road_with_branches() -> np.ndarray:
    """A horizontal road (centre y = 50) with a 4 px bump up and a 40 px branch down."""
    mask = np.zeros((100, 100), bool)
    mask[44:56, 5:95] = True
    mask[40:44, 25:31] = True  # bump: its skeleton spur is well under 10 m
    mask[56:96, 60:66] = True  # branch: 40 m
    return mask


class TestMaskToCenterlineGraph:
    def test_mask_to_centerline_graph_straight_road_one_edge(self):
        graph = centerlines(straight_road())
        assert graph.number_of_edges() == 1
        ((_, _, data),) = graph.edges(data=True)
        assert data["length_m"] == pytest.approx(80, abs=2)
        assert np.allclose(np.asarray(data["geometry"].coords)[:, 1], 80, atol=1)

    def test_mask_to_centerline_graph_cross_meets_at_one_node(self, cross_mask):
        graph = centerlines(cross_mask)
        junctions = [n for n, d in graph.degree() if d > 1]
        assert graph.number_of_edges() == 4
        assert [graph.degree(n) for n in junctions] == [4]
        assert graph.nodes[junctions[0]]["xy"] == pytest.approx((50, 50), abs=1.5)

    def test_mask_to_centerline_graph_short_spur_pruned(self):
        graph = centerlines(road_with_branches())
        assert all(y < 55 for _, y in ends(graph))  # no end up at the bump (y ~ 58)

    def test_mask_to_centerline_graph_long_branch_kept(self):
        graph = centerlines(road_with_branches())
        assert len(ends(graph)) == 3
        assert min(ends(graph), key=lambda xy: xy[1]) == pytest.approx((63, 4), abs=1.5)

    def test_mask_to_centerline_graph_collinear_gap_joined(self):
        mask = np.zeros((40, 100), bool)
        mask[14:26, 5:47] = True
        mask[14:26, 53:95] = True  # 6 px gap
        graph = centerlines(mask)
        assert nx.number_connected_components(graph) == 1
        assert sum(d["length_m"] for *_, d in graph.edges(data=True)) == pytest.approx(90, abs=2)

    @pytest.mark.parametrize(("angle_deg", "pieces"), [(35.0, 2), (60.0, 1)])  # ~45 deg apart
    def test_mask_to_centerline_graph_perpendicular_gap_not_joined(self, angle_deg, pieces):
        mask = np.zeros((100, 100), bool)
        mask[14:26, 5:47] = True  # ends at x = 47 heading east
        mask[30:95, 50:62] = True  # starts at y = 70 heading north, 9 m east and 10 m down
        graph = centerlines(mask, gap_angle_deg=angle_deg)
        assert nx.number_connected_components(graph) == pieces

    def test_mask_to_centerline_graph_corner_kept(self):
        mask = np.zeros((100, 100), bool)
        mask[14:26, 5:80] = True
        mask[14:95, 68:80] = True
        ((_, _, data),) = centerlines(mask).edges(data=True)
        ideal = LineString([(5, 80), (74, 80), (74, 5)])
        assert data["geometry"].hausdorff_distance(ideal) <= 1.0 + 1.5
        corner = np.abs(np.asarray(data["geometry"].coords) - (74, 80)).max(axis=1).min()
        assert corner <= 1.5

    def test_mask_to_centerline_graph_ring_closed_edge(self):
        yy, xx = np.mgrid[:100, :100]
        radius = np.hypot(yy - 50, xx - 50)
        graph = centerlines((radius > 28) & (radius < 40))
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (1, 1)
        ((u, v, data),) = graph.edges(data=True)
        assert u == v and data["geometry"].is_closed
        assert data["length_m"] == pytest.approx(2 * math.pi * 34, rel=0.05)

    def test_mask_to_centerline_graph_parallel_edges_split(self):
        yy, xx = np.mgrid[:100, :100]
        radius = np.hypot(yy - 50, xx - 50)
        mask = (radius > 20) & (radius < 30)
        mask[45:55, 2:98] |= radius[45:55, 2:98] > 20  # tails meeting the ring left and right
        graph = centerlines(mask)
        assert isinstance(graph, nx.Graph) and not graph.is_multigraph()
        assert sorted(d for _, d in graph.degree()) == [1, 1, 2, 3, 3]

    def test_mask_to_centerline_graph_edges_run_between_their_nodes(self, cross_mask):
        graph = centerlines(cross_mask)
        for u, v, data in graph.edges(data=True):
            first, last = data["geometry"].coords[0], data["geometry"].coords[-1]
            assert {first, last} == {graph.nodes[u]["xy"], graph.nodes[v]["xy"]}
            assert isinstance(data["length_m"], float)

    def test_mask_to_centerline_graph_metric_lengths_used(self, cross_mask):
        graph = centerlines(cross_mask, metric_lengths=lambda lines: np.full(len(lines), 7.0))
        assert [d["length_m"] for *_, d in graph.edges(data=True)] == [7.0] * 4

    def test_mask_to_centerline_graph_empty_mask(self):
        assert centerlines(np.zeros((20, 20), bool)).number_of_edges() == 0

    def test_mask_to_centerline_graph_input_not_modified(self, cross_mask):
        before = cross_mask.copy()
        centerlines(cross_mask)
        np.testing.assert_array_equal(cross_mask, before)

    def test_mask_to_centerline_graph_mask_must_be_bool(self):
        with pytest.raises(BadInputError, match="mask must be a 2-D bool array; got float64"):
            centerlines(np.zeros((20, 20)))

    @pytest.mark.parametrize("size", [0.0, -1.0, (1.0, 0.0)])  # zero, negative, one of two
    def test_mask_to_centerline_graph_pixel_size_positive(self, size):
        with pytest.raises(BadInputError, match="pixel_size_m must be > 0 metres"):
            centerlines(np.zeros((20, 20), bool), pixel_size_m=size)

    def test_mask_to_centerline_graph_options_checked(self):
        with pytest.raises(BadInputError, match="gap_angle_deg must be between 0 and 90"):
            centerlines(np.zeros((20, 20), bool), gap_angle_deg=100)

    def test_mask_to_centerline_graph_geotransform_has_six_numbers(self):
        with pytest.raises(BadInputError, match="geotransform must have 6 numbers"):
            mask_to_centerline_graph(np.zeros((20, 20), bool), GT[:3], **OPTIONS)


class TestGraphToLines:
    def test_graph_to_lines_end_degrees(self, cross_mask):
        table = graph_to_lines(centerlines(cross_mask))
        assert len(table.lines) == len(table.length_m) == 4
        assert all({s, e} == {1, 4} for s, e in zip(table.start_degree, table.end_degree,
                                                     strict=True))

    def test_graph_to_lines_start_degree_at_first_point(self):
        graph = nx.Graph()
        graph.add_node(0, xy=(0.0, 0.0))
        graph.add_node(1, xy=(5.0, 0.0))
        graph.add_node(2, xy=(5.0, 5.0))
        graph.add_edge(1, 0, geometry=LineString([(0, 0), (5, 0)]), length_m=5.0)
        graph.add_edge(1, 2, geometry=LineString([(5, 0), (5, 5)]), length_m=5.0)
        table = graph_to_lines(graph)
        assert list(zip(table.start_degree, table.end_degree, strict=True)) == [(1, 2), (2, 1)]

    def test_graph_to_lines_needs_geometry(self):
        graph = nx.Graph()
        graph.add_edge(0, 1, length_m=1.0)
        with pytest.raises(BadInputError, match=r"edge \(0, 1\) has no geometry or length_m"):
            graph_to_lines(graph)
