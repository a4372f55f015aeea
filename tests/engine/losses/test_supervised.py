"""Tests of the supervised BCE + Dice loss on labeled pixels."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)

from engine.errors import BadInputError
from engine.losses.supervised import IGNORE, supervised_loss


def _labels() -> torch.Tensor:
    labels = torch.zeros(2, 8, 8, dtype=torch.uint8)
    labels[:, :, 3:5] = 1
    labels[:, :2] = IGNORE  # two unlabeled rows
    return labels


def test_supervised_loss_ignores_unlabeled_pixels() -> None:
    labels = _labels()
    logits = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    changed = logits.clone()
    changed[:, 0, :2] = torch.randn(2, 2, 8) * 10
    assert torch.allclose(supervised_loss(logits, labels), supervised_loss(changed, labels))


def test_supervised_loss_lower_for_correct_logits() -> None:
    labels = _labels()
    correct = (labels.float() * 2 - 1)[:, None] * 4  # +4 on road, -4 on background
    assert supervised_loss(correct, labels) < supervised_loss(-correct, labels)


def test_supervised_loss_matches_masked_bce_without_dice() -> None:
    labels = _labels()
    logits = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    keep = labels != IGNORE
    expected = F.binary_cross_entropy_with_logits(logits[:, 0][keep], labels[keep].float())
    assert torch.allclose(supervised_loss(logits, labels, dice_weight=0.0), expected)


def test_supervised_loss_zero_with_gradient_when_nothing_labeled() -> None:
    logits = torch.randn(1, 1, 4, 4, requires_grad=True)
    loss = supervised_loss(logits, torch.full((1, 4, 4), IGNORE, dtype=torch.uint8))
    loss.backward()
    assert loss.item() == 0.0 and torch.equal(logits.grad, torch.zeros_like(logits))


@pytest.mark.parametrize(
    ("logits", "labels", "match"),
    [
        (torch.zeros(1, 2, 4, 4), torch.zeros(1, 4, 4, dtype=torch.uint8), r"\(1, 2, 4, 4\)"),
        (torch.zeros(1, 1, 4, 4), torch.zeros(1, 4, 5, dtype=torch.uint8), r"got \(1, 4, 5\)"),
        (torch.zeros(1, 1, 4, 4), torch.zeros(1, 4, 4, dtype=torch.int64), "torch.int64"),
        (torch.zeros(1, 1, 4, 4), torch.full((1, 4, 4), 2, dtype=torch.uint8), "value 2"),
    ],
)
def test_supervised_loss_rejects_bad_inputs(
    logits: torch.Tensor, labels: torch.Tensor, match: str
) -> None:
    with pytest.raises(BadInputError, match=match):
        supervised_loss(logits, labels)


def test_supervised_loss_rejects_negative_dice_weight() -> None:
    with pytest.raises(BadInputError, match="dice_weight=-1.0"):
        supervised_loss(torch.zeros(1, 1, 2, 2), torch.zeros(1, 2, 2, dtype=torch.uint8),
                        dice_weight=-1.0)
