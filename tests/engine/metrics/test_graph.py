"""Tests of engine.metrics.graph: noding lines into road graphs and splitting edges."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString, MultiLineString, Polygon

from engine.errors import BadInputError
from engine.metrics import check_graph, graph_lines, lines_to_graph, split_edge, transform_graph


def total_length(graph: nx.Graph) -> float:
    return sum(length for _, _, length in graph.edges(data="length_m"))


class TestLinesToGraph:
    def test_lines_to_graph_splits_crossing_lines_into_four_edges(self):
        graph = lines_to_graph([LineString([(0, 0), (10, 0)]), LineString([(5, -5), (5, 5)])])
        assert graph.number_of_edges() == 4
        assert graph.number_of_nodes() == 5
        centre = [n for n, xy in graph.nodes(data="xy") if xy == (5.0, 0.0)]
        assert len(centre) == 1 and graph.degree(centre[0]) == 4
        assert sorted(length for _, _, length in graph.edges(data="length_m")) == [5.0] * 4

    def test_lines_to_graph_follows_the_graph_format(self):
        graph = lines_to_graph([LineString([(0, 0), (3, 4), (6, 0)])])
        assert isinstance(graph, nx.Graph) and not graph.is_directed()
        check_graph(graph, "graph")
        (u, v, data), = graph.edges(data=True)
        assert isinstance(data["geometry"], LineString)
        assert data["length_m"] == pytest.approx(10.0)
        assert {graph.nodes[u]["xy"], graph.nodes[v]["xy"]} == {(0.0, 0.0), (6.0, 0.0)}

    def test_lines_to_graph_measures_with_a_length_function(self):
        graph = lines_to_graph([LineString([(0, 0), (10, 0)])], length_m=lambda g: 2 * g.length)
        assert total_length(graph) == pytest.approx(20.0)

    def test_lines_to_graph_joins_lines_that_share_an_end(self):
        graph = lines_to_graph([LineString([(0, 0), (10, 0)]), LineString([(10, 0), (10, 7)])])
        assert graph.number_of_edges() == 2 and nx.is_connected(graph)

    def test_lines_to_graph_splits_at_a_shared_vertex(self):
        # The second line passes through a vertex of the first without crossing it.
        first = LineString([(0, 0), (5, 5), (10, 0)])
        second = LineString([(5, 5), (5, 10)])
        graph = lines_to_graph([first, second], snap_m=0)
        assert graph.number_of_edges() == 3 and nx.is_connected(graph)

    @pytest.mark.parametrize(("gap", "connected"), [
        (0.5, True),   # within snap_m = 1: the stem's end moves onto the bar
        (-0.5, True),  # an overshoot within snap_m is joined too (the crossing splits it)
        (2.0, False),  # beyond snap_m: two separate roads
    ])
    def test_lines_to_graph_snaps_t_junctions_within_snap_m(self, gap, connected):
        bar = LineString([(0, 0), (10, 0)])
        stem = LineString([(5, gap), (5, 10)])
        graph = lines_to_graph([bar, stem], snap_m=1.0)
        assert nx.is_connected(graph) is connected

    def test_lines_to_graph_keeps_two_roads_between_the_same_nodes(self):
        straight = LineString([(0, 0), (10, 0)])
        detour = LineString([(0, 0), (5, 5), (10, 0)])
        graph = lines_to_graph([straight, detour])
        check_graph(graph, "graph")
        assert total_length(graph) == pytest.approx(10 + 2 * np.hypot(5, 5))

    def test_lines_to_graph_keeps_a_closed_loop(self):
        ring = LineString([(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)])
        graph = lines_to_graph([ring])
        assert total_length(graph) == pytest.approx(40.0)
        assert nx.number_of_selfloops(graph) == 0 and nx.cycle_basis(graph)

    def test_lines_to_graph_accepts_multilinestrings_and_drops_empty_parts(self):
        multi = MultiLineString([[(0, 0), (1, 0)], [(5, 5), (6, 5)]])
        graph = lines_to_graph([multi, LineString()])
        assert graph.number_of_edges() == 2

    def test_lines_to_graph_of_nothing_is_empty(self):
        assert lines_to_graph([]).number_of_nodes() == 0

    def test_lines_to_graph_rejects_polygons(self):
        with pytest.raises(BadInputError, match="line 0 is a Polygon"):
            lines_to_graph([Polygon([(0, 0), (1, 0), (1, 1)])])

    @pytest.mark.parametrize("snap_m", [-1.0, float("nan"), "1"])
    def test_lines_to_graph_rejects_bad_snap_m(self, snap_m):
        with pytest.raises(BadInputError, match="snap_m must be"):
            lines_to_graph([LineString([(0, 0), (1, 0)])], snap_m=snap_m)

    def test_lines_to_graph_input_not_modified(self):
        lines = [LineString([(0, 0), (10, 0)]), LineString([(5, 0.5), (5, 5)])]
        before = [line.wkt for line in lines]
        lines_to_graph(lines)
        assert [line.wkt for line in lines] == before


class TestSplitEdge:
    def test_split_edge_divides_length_m_in_proportion(self):
        graph = nx.Graph()
        graph.add_node(0, xy=(0.0, 0.0))
        graph.add_node(1, xy=(10.0, 0.0))
        # Stored backwards (1 -> 0) with a length_m that is not the geometry's length.
        graph.add_edge(1, 0, geometry=LineString([(10, 0), (0, 0)]), length_m=20.0)
        nodes = split_edge(graph, 0, 1, [0.0, 2.5, 10.0])
        assert nodes[0] == 1 and nodes[2] == 0  # ends of the geometry: its end nodes
        assert graph.nodes[nodes[1]]["xy"] == (7.5, 0.0)
        assert graph.edges[1, nodes[1]]["length_m"] == pytest.approx(5.0)
        assert graph.edges[nodes[1], 0]["length_m"] == pytest.approx(15.0)

    def test_split_edge_shares_a_node_between_equal_distances(self):
        graph = lines_to_graph([LineString([(0, 0), (10, 0)])])
        nodes = split_edge(graph, 0, 1, [4.0, 4.0])
        assert nodes[0] == nodes[1] and graph.number_of_edges() == 2


def test_check_graph_rejects_an_edge_without_length_m():
    graph = nx.Graph()
    graph.add_node(0, xy=(0, 0))
    graph.add_node(1, xy=(1, 0))
    graph.add_edge(0, 1, geometry=LineString([(0, 0), (1, 0)]))
    with pytest.raises(BadInputError, match="length_m"):
        check_graph(graph, "truth")


def test_check_graph_rejects_a_directed_graph():
    with pytest.raises(BadInputError, match="undirected"):
        check_graph(nx.DiGraph(), "truth")


def test_transform_graph_maps_coordinates_and_keeps_length_m():
    graph = lines_to_graph([LineString([(0, 0), (10, 0)])])
    moved = transform_graph(graph, lambda xy: xy * 2 + 1)
    assert sorted(xy for _, xy in moved.nodes(data="xy")) == [(1.0, 1.0), (21.0, 1.0)]
    assert graph_lines(moved)[0].length == pytest.approx(20.0)
    assert total_length(moved) == pytest.approx(10.0)
