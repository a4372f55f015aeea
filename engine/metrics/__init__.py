"""Quality measures of road predictions."""

from .pixel import PixelScores, pixel_scores, relaxed_scores

__all__ = ["PixelScores", "pixel_scores", "relaxed_scores"]
