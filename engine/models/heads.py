"""RoadNet: a backbone plus a road-logit head and an L2-normalised projection head."""

from __future__ import annotations

from typing import NamedTuple

import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import Tensor, nn

from ..config import ModelConfig
from ..errors import BadInputError

__all__ = ["RoadNet", "RoadNetOutput"]


class RoadNetOutput(NamedTuple):
    """What :class:`RoadNet` returns."""

    logits: Tensor  # (B, 1, H, W) float road logits
    embedding: Tensor | None  # (B, D, H, W) float, unit L2 norm over D; None when not asked
    # (B, F, H, W) the features the projection head embeds (model.embed_from: the
    # decoder's, or the encoder's stride-8 ones at full resolution), when asked
    features: Tensor | None = None


class RoadNet(nn.Module):
    """Road segmentation network with a per-pixel embedding for the contrastive loss.

    Parameters
    ----------
    backbone : nn.Module
        Maps (B, in_channels, H, W) to decoder features (B, F, H, W) for any H, W >= 1
        and has an ``out_channels`` attribute equal to F.
    in_channels : int
        Number of input bands the network accepts.
    config : ModelConfig
        Architecture; ``config.embed_dim`` is the embedding size D.

    Attributes
    ----------
    in_channels : int
        Number of input bands.
    config : ModelConfig
        The architecture, kept so a model file can rebuild the network.
    """

    def __init__(self, backbone: nn.Module, *, in_channels: int, config: ModelConfig) -> None:
        super().__init__()
        features = getattr(backbone, "out_channels", None)
        if not isinstance(features, int) or features < 1:
            raise BadInputError(
                f"backbone {type(backbone).__name__} must have an integer out_channels >= 1, "
                f"got {features!r}"
            )
        if not isinstance(in_channels, int) or in_channels < 1:
            raise BadInputError(f"in_channels={in_channels!r} is invalid: an integer >= 1")
        self.backbone = backbone
        self.road_head = nn.Conv2d(features, 1, 1)
        embedded = features
        if config.embed_from == "encoder":
            if not hasattr(backbone, "forward_with_encoder"):
                raise BadInputError(f"model.embed_from='encoder' needs a backbone with an "
                                    f"ImageNet encoder, not {type(backbone).__name__}")
            embedded = backbone.encoder.channels[2]
        self.projection_head = nn.Sequential(
            nn.Conv2d(embedded, embedded, 1),
            nn.ReLU(inplace=True),
            nn.Conv2d(embedded, config.embed_dim, 1),
        )
        self.in_channels = in_channels
        self.config = config

    def forward(self, x: Tensor, *, with_embedding: bool = True,
                with_features: bool = False) -> RoadNetOutput:
        """Predict road logits and, optionally, pixel embeddings or decoder features.

        Parameters
        ----------
        x : Tensor
            (B, in_channels, H, W) floating-point batch, H, W >= 1.
        with_embedding : bool
            Compute the projection head over every pixel (skip it for prediction).
        with_features : bool
            Also return the features the projection head embeds (``config.embed_from``),
            so that :meth:`project` can embed only the pixels a loss samples (the head
            is per pixel, so the result is the same).

        Returns
        -------
        RoadNetOutput
            ``logits`` (B, 1, H, W), ``embedding`` (B, D, H, W) or None, ``features``
            (B, F, H, W) or None.
        """
        self._check_input(x)
        if self.config.embed_from == "encoder" and (with_embedding or with_features):
            features, embedded = self.backbone.forward_with_encoder(x)
        else:
            features = embedded = self.backbone(x)
        logits = self.road_head(features)
        embedding = None
        if with_embedding:
            embedding = F.normalize(self.projection_head(embedded), p=2.0, dim=1)
        return RoadNetOutput(logits, embedding, embedded if with_features else None)

    def project(self, features: Tensor) -> Tensor:
        """Embed chosen pixels: the projection head applied to (M, F) feature rows.

        Parameters
        ----------
        features : Tensor
            (M, F) features of M pixels (rows of ``forward(...).features``).

        Returns
        -------
        Tensor
            (M, D), unit L2 norm per row; equal to the rows of the embedding map.
        """
        first, _, last = self.projection_head
        hidden = F.relu(F.linear(features, first.weight.flatten(1), first.bias))
        return F.normalize(F.linear(hidden, last.weight.flatten(1), last.bias), p=2.0, dim=1)

    def _check_input(self, x: Tensor) -> None:
        shape = tuple(x.shape)
        if x.dim() != 4 or shape[1] != self.in_channels or min(shape[2:]) < 1:
            raise BadInputError(
                f"x must be a (B, {self.in_channels}, H, W) batch with H, W >= 1, got shape {shape}"
            )
        if not x.is_floating_point():
            raise BadInputError(f"x must be a floating-point tensor, got dtype {x.dtype}")
