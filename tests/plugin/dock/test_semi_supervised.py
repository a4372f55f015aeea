"""The dock's "Learn from unlabeled images" (Advanced): off by default; checked, the engine
trains with --semi-supervised; the unlabeled rasters' label says what they are used for."""

from __future__ import annotations

import pytest


def test_semi_supervised_is_off_by_default_in_the_advanced_box(dock):
    assert not dock.ui.semi_supervised.isChecked()
    assert dock.ui.semi_supervised.parent() is dock.ui.advanced
    assert "predicted only" in dock.ui.unlabeled_label.text()


def test_the_unlabeled_rasters_label_follows_the_option(dock):
    dock.ui.semi_supervised.setChecked(True)
    assert dock.ui.unlabeled_label.text() == "Unlabeled rasters (predicted and learned from)"
    dock.ui.semi_supervised.setChecked(False)
    assert "predicted only" in dock.ui.unlabeled_label.text()


@pytest.mark.parametrize("semi", [False, True])
def test_the_round_trains_with_semi_supervised_only_when_checked(semi, fake_dock,
                                                                 fake_engine, qtbot):
    fake_dock.ui.semi_supervised.setChecked(semi)
    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    train = [args for command, args in fake_engine.calls if command == "train"]
    assert len(train) == 1 and ("--semi-supervised" in train[0]) is semi
