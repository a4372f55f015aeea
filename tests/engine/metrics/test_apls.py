"""Tests of engine.metrics.apls against hand-computed cases."""

from __future__ import annotations

import networkx as nx
import pytest
from shapely.geometry import LineString

from engine.errors import BadInputError
from engine.metrics import apls_scores, lines_to_graph


def graph_of(*lines: list[tuple[float, float]]) -> nx.Graph:
    return lines_to_graph([LineString(points) for points in lines])


# A small network: a 120 m road with a 60 m branch and a bent 80 m road off its end.
NETWORK = ([(0, 0), (120, 0)], [(60, 0), (60, 60)], [(120, 0), (160, 40), (200, 40)])


class TestAPLSScores:
    def test_apls_scores_of_identical_graphs_is_one(self):
        graph = graph_of(*NETWORK)
        scores = apls_scores(graph, graph.copy(), node_spacing_m=20)
        assert scores.apls == pytest.approx(1.0, abs=1e-9)
        assert scores.truth_onto_pred == pytest.approx(1.0, abs=1e-9)
        assert scores.pred_onto_truth == pytest.approx(1.0, abs=1e-9)

    def test_apls_scores_forgive_a_parallel_shift_within_the_buffer(self):
        truth = graph_of([(0, 0), (100, 0)])
        shifted = graph_of([(0, 3), (100, 3)])
        assert apls_scores(shifted, truth, node_spacing_m=20).apls == pytest.approx(1.0, abs=1e-9)

    def test_apls_scores_of_a_shifted_network_stay_high(self):
        truth = graph_of(*NETWORK)
        shifted = graph_of(*[[(x + 2, y + 1) for x, y in line] for line in NETWORK])
        assert 0.95 < apls_scores(shifted, truth, node_spacing_m=20).apls < 1.0

    def test_apls_scores_of_a_graph_with_one_edge_cut(self):
        # Truth: a straight 100 m road from A = (0, 0) to C = (100, 0); with 50 m spacing
        # its control nodes are A, B = (50, 0) and C. Prediction: only A-B (C-B is cut).
        # Truth onto prediction: A and B snap onto the prediction's ends, C is 50 m away
        # (> 4 m): unmatched. Ordered pairs and terms: A-B 0 (50 vs 50), A-C 1, B-C 1, and
        # the same three reversed -> mean 4/6 -> 1 - 4/6 = 1/3.
        # Prediction onto truth: control nodes A', B' (the 50 m edge needs no inner one),
        # both on the truth: A'-B' 0 both ways -> 1.
        # APLS = 2 * (1/3) * 1 / (1/3 + 1) = 0.5.
        truth = graph_of([(0, 0), (100, 0)])
        pred = graph_of([(0, 0), (50, 0)])
        scores = apls_scores(pred, truth, node_spacing_m=50, min_path_length_m=0)
        assert scores.truth_onto_pred == pytest.approx(1 / 3, abs=1e-6)
        assert scores.pred_onto_truth == pytest.approx(1.0, abs=1e-6)
        assert scores.apls == pytest.approx(0.5, abs=1e-6)

    def test_apls_scores_of_a_graph_with_a_gap(self):
        # Truth: a straight 100 m road; with 25 m spacing its control nodes are at x = 0,
        # 25, 50, 75, 100. Prediction: the same road with a gap from x = 40 to 60.
        # Truth onto prediction: x = 50 is 10 m from the prediction (> 4 m): unmatched;
        # the others snap onto themselves, in two components {0, 25} and {75, 100}.
        # Of the 10 unordered pairs only 0-25 and 75-100 keep their length (term 0); the
        # 8 others are missing (term 1) -> 1 - 8/10 = 0.2 (ordered pairs: same mean).
        # Prediction onto truth: each 40 m piece gets ceil(40 / 25) = 2 parts, so control
        # nodes at 0, 20, 40 and 60, 80, 100, all on the truth; pairs exist only within a
        # piece, and there the truth's lengths are equal -> 1.
        # APLS = 2 * 0.2 * 1 / (0.2 + 1) = 1/3.
        truth = graph_of([(0, 0), (100, 0)])
        pred = graph_of([(0, 0), (40, 0)], [(60, 0), (100, 0)])
        scores = apls_scores(pred, truth, node_spacing_m=25)  # every pair >= 10 m
        assert scores.truth_onto_pred == pytest.approx(0.2, abs=1e-6)
        assert scores.pred_onto_truth == pytest.approx(1.0, abs=1e-6)
        assert scores.apls == pytest.approx(1 / 3, abs=1e-6)

    def test_apls_scores_penalise_a_detour(self):
        # Truth: A = (0, 0) to B = (100, 0), no inner control node at 100 m spacing.
        # Prediction: A to B through (50, 50), 2 * sqrt(50^2 + 50^2) = 141.42 m long.
        # Truth onto prediction: A-B 100 vs 141.42 -> term 0.4142 -> 0.5858.
        # Prediction onto truth: control nodes A, (50, 50), B; (50, 50) is 50 m from the
        # truth: unmatched. A-B: 141.42 vs 100 -> 0.2929; A-M and M-B: 1 -> (0.2929 + 2) / 3
        # -> 1 - 0.7643 = 0.2357. APLS = 2 * 0.5858 * 0.2357 / (0.5858 + 0.2357).
        truth = graph_of([(0, 0), (100, 0)])
        pred = graph_of([(0, 0), (50, 50), (100, 0)])
        detour = 100 * 2 ** 0.5
        forward = 1 - (detour - 100) / 100
        backward = 1 - ((detour - 100) / detour + 2) / 3
        scores = apls_scores(pred, truth, node_spacing_m=100)
        assert scores.truth_onto_pred == pytest.approx(forward, abs=1e-6)
        assert scores.pred_onto_truth == pytest.approx(backward, abs=1e-6)
        assert scores.apls == pytest.approx(2 * forward * backward / (forward + backward))

    def test_apls_scores_skip_paths_shorter_than_min_path_length_m(self):
        # The one-edge-cut case with min_path_length_m = 60: only A-C (100 m) counts on the
        # truth side, and it is missing -> 0; so APLS is 0.
        truth = graph_of([(0, 0), (100, 0)])
        pred = graph_of([(0, 0), (50, 0)])
        scores = apls_scores(pred, truth, node_spacing_m=50, min_path_length_m=60)
        assert scores.truth_onto_pred == 0.0 and scores.apls == 0.0

    @pytest.mark.parametrize(("pred_lines", "truth_lines", "expected"), [
        ([], [], 1.0),                     # nothing to find, nothing found
        ([[(0, 0), (100, 0)]], [], 0.0),   # everything predicted is spurious
        ([], [[(0, 0), (100, 0)]], 0.0),   # nothing found
    ])
    def test_apls_scores_of_empty_graphs(self, pred_lines, truth_lines, expected):
        scores = apls_scores(graph_of(*pred_lines), graph_of(*truth_lines))
        assert scores.apls == expected

    def test_apls_scores_cap_control_nodes_deterministically(self):
        truth = graph_of(*NETWORK)
        pred = graph_of(*NETWORK[:2])
        first = apls_scores(pred, truth, node_spacing_m=5, max_control_nodes=12)
        again = apls_scores(pred, truth, node_spacing_m=5, max_control_nodes=12)
        assert first == again and 0 < first.apls < 1

    def test_apls_scores_input_not_modified(self):
        truth, pred = graph_of(*NETWORK), graph_of(*NETWORK[:2])
        sizes = (truth.number_of_nodes(), pred.number_of_nodes())
        apls_scores(pred, truth, node_spacing_m=10)
        assert (truth.number_of_nodes(), pred.number_of_nodes()) == sizes

    @pytest.mark.parametrize(("option", "value", "message"), [
        ("node_spacing_m", 0.0, "node_spacing_m must be"),
        ("buffer_m", -1.0, "buffer_m must be"),
        ("min_path_length_m", -1.0, "min_path_length_m must be"),
        ("max_control_nodes", 1, "max_control_nodes must be"),
    ])
    def test_apls_scores_reject_bad_options(self, option, value, message):
        graph = graph_of([(0, 0), (10, 0)])
        with pytest.raises(BadInputError, match=message):
            apls_scores(graph, graph, **{option: value})

    def test_apls_scores_reject_a_graph_without_geometry(self):
        graph = nx.Graph()
        graph.add_edge(0, 1, length_m=1.0)
        with pytest.raises(BadInputError, match="xy"):
            apls_scores(graph, graph)

    def test_apls_scores_to_dict(self):
        graph = graph_of([(0, 0), (10, 0)])
        assert set(apls_scores(graph, graph).to_dict()) == {
            "apls", "truth_onto_pred", "pred_onto_truth"}
