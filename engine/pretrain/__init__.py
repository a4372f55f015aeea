"""Base road models pretrained on generated scenes (engine.synth), with no real image."""

from .config import PRETRAIN_PROFILES, PretrainConfig, pretrain_profile
from .run import PretrainJob, PretrainResult, pretrain

__all__ = ["PRETRAIN_PROFILES", "PretrainConfig", "PretrainJob", "PretrainResult", "pretrain",
           "pretrain_profile"]
