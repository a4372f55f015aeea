"""Training rounds of the semi-supervised road model."""

from .inputs import TrainJob
from .rounds import TrainResult, rounds_dir, train

__all__ = ["TrainJob", "TrainResult", "train", "rounds_dir"]
