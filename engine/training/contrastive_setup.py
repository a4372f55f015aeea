"""Whether and where a run's contrastive branch works: pair sites and its weight scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import TrainConfig
from ..events import Reporter
from ..labels import IGNORE
from .inputs import TrainingData
from .pair_sites import PairSites

__all__ = ["ContrastiveSetup", "contrastive_setup"]

#: Draws tried when checking that pairs can be placed at all.
_PLACEMENT_TRIES = 50


@dataclass(frozen=True)
class ContrastiveSetup:
    """The contrastive branch of a run: where its pairs go and how much it weighs."""

    sites: PairSites | None  # None: the branch is off for this run
    unlabeled_share: float  # share of valid pixels without a human label
    scale: float  # lambda_c multiplier: unlabeled_share, or 1 when not scaled
    reason: str  # why the branch is off ("" when on)


def contrastive_setup(data: TrainingData, config: TrainConfig,
                      reporter: Reporter) -> ContrastiveSetup:
    """Map the valid data, check that pairs fit, and weigh the branch.

    The branch is turned off, with a warning that says why, when every valid pixel is
    labeled (there is nothing for it to learn from, and at equal steps it only slows the
    supervised fit) or when no raster has room for a core region and its views over
    valid data with a negative region beside them.

    Parameters
    ----------
    data : TrainingData
    config : TrainConfig
    reporter : Reporter
        Receives the warning when the branch is off.

    Returns
    -------
    ContrastiveSetup
    """
    c = config.contrastive
    shares, valid_px = zip(*(s.valid_shares(c.cell_px) for s in data.sources), strict=True)
    labeled = sum(int(np.count_nonzero(h != IGNORE)) for h in data.human if h is not None)
    total = sum(valid_px)
    unlabeled = max(0.0, 1.0 - labeled / total) if total else 0.0
    scale = unlabeled if c.scale_by_unlabeled_share else 1.0
    if not c.enabled or c.weight <= 0:
        return ContrastiveSetup(None, unlabeled, scale, "turned off in the configuration")
    if scale <= 0:
        return _off(reporter, unlabeled, scale,
                    "every valid pixel is labeled, so the contrastive branch (which learns "
                    "from unlabeled pixels) is off; training is supervised only")
    holdout = [[t.window for t in data.holdout if t.source == i]
               for i in range(len(data.sources))]
    sites = PairSites([s.shape for s in data.sources], shares, holdout, c, block_px=c.cell_px)
    rng = np.random.default_rng(config.seed)
    if sites.core_sites == 0 or all(sites.sample(rng) is None for _ in range(_PLACEMENT_TRIES)):
        shapes = [s.shape for s in data.sources]
        return _off(reporter, unlabeled, scale,
                    f"no room for a {c.view_px} px contrastive view pair over valid data with "
                    f"a {c.negative_px} px negative region beside it (raster sizes {shapes}, at "
                    f"least {c.min_valid_share:.0%} valid); the contrastive branch is off and "
                    "training is supervised only. Add unlabeled rasters or use a profile with "
                    "smaller contrastive windows to use it")
    return ContrastiveSetup(sites, unlabeled, scale, "")


def _off(reporter: Reporter, unlabeled: float, scale: float, message: str) -> ContrastiveSetup:
    reporter.warning(message)
    return ContrastiveSetup(None, unlabeled, scale, message)
