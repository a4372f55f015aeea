"""The plugin's Processing algorithms, one per module."""

from .evaluate_extraction import EvaluateExtraction
from .extract_roads import ExtractRoads
from .install_engine import InstallEngine
from .train_model import TrainModel
from .vectorize_probability import VectorizeProbability

__all__ = ["ALGORITHMS", "EvaluateExtraction", "ExtractRoads", "InstallEngine", "TrainModel",
           "VectorizeProbability"]

#: Every algorithm class the provider registers.
ALGORITHMS = (TrainModel, ExtractRoads, VectorizeProbability, EvaluateExtraction, InstallEngine)
