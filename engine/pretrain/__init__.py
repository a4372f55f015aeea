"""Base road models pretrained on generated scenes (engine.synth), optionally with real
labelled images beside them."""

from .config import PRETRAIN_PROFILES, PretrainConfig, RealImage, pretrain_profile
from .run import PretrainJob, PretrainResult, pretrain

__all__ = ["PRETRAIN_PROFILES", "PretrainConfig", "PretrainJob", "PretrainResult",
           "RealImage", "pretrain", "pretrain_profile"]
