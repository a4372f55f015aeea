"""Quality measures of road predictions."""

from .apls import APLSScores, apls_scores
from .centerline import CenterlineScores, centerline_scores
from .graph import check_graph, graph_lines, lines_to_graph, split_edge, transform_graph
from .pixel import PixelScores, pixel_scores, relaxed_scores

__all__ = [
    "APLSScores",
    "CenterlineScores",
    "PixelScores",
    "apls_scores",
    "centerline_scores",
    "check_graph",
    "graph_lines",
    "lines_to_graph",
    "pixel_scores",
    "relaxed_scores",
    "split_edge",
    "transform_graph",
]
