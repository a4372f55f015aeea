"""Tests of engine.vectorize.skeleton: pixel skeletons to junction/end graphs."""

from __future__ import annotations

import numpy as np

from engine.vectorize.skeleton import skeleton_graph


def pixels(*rows: str) -> np.ndarray:
    """A bool image from strings: '#' is skeleton."""
    return np.array([[c == "#" for c in row] for row in rows])


class TestSkeletonGraph:
    def test_skeleton_graph_staircase_has_no_junction(self):
        # 4- and 8-neighbours mixed: the corner triangles must not make junctions.
        graph = skeleton_graph(pixels("##....",
                                      ".##...",
                                      "..##..",
                                      "...##."), scale_m=(1.0, 1.0))
        assert sorted(d for _, d in graph.degree()) == [1, 1]
        ((_, _, data),) = graph.edges(data=True)
        assert len(data["coords"]) == 8

    def test_skeleton_graph_t_junction(self):
        graph = skeleton_graph(pixels("#######",
                                      "...#...",
                                      "...#...",
                                      "...#..."), scale_m=(1.0, 1.0))
        assert sorted(d for _, d in graph.degree()) == [1, 1, 1, 3]

    def test_skeleton_graph_coords_in_metres_from_start(self):
        graph = skeleton_graph(pixels("....",
                                      "####"), scale_m=(0.5, 2.0))
        ((u, _, data),) = graph.edges(data=True)
        start = graph.nodes[data["start"]]["pos"]
        assert np.array_equal(data["coords"][0], start)
        assert sorted(map(tuple, data["coords"][[0, -1]])) == [(0.25, 3.0), (1.75, 3.0)]

    def test_skeleton_graph_isolated_pixel_left_out(self):
        assert skeleton_graph(pixels("...", ".#.", "..."), scale_m=(1.0, 1.0)).order() == 0

    def test_skeleton_graph_cycle_one_node_self_loop(self):
        graph = skeleton_graph(pixels(".###.",
                                      "#...#",
                                      "#...#",
                                      ".###."), scale_m=(1.0, 1.0))
        assert graph.number_of_nodes() == 1
        ((u, v, data),) = graph.edges(data=True)
        assert u == v and np.array_equal(data["coords"][0], data["coords"][-1])
        assert len(data["coords"]) == 11  # 10 pixels, closed
