"""Where to label next: tiles scaled to the raster, and the dock says when none qualifies."""

from __future__ import annotations

import pytest
from road_extraction.plugin.dock.round_job import label_next_tile_px


@pytest.mark.parametrize(("width", "height", "tile"), [
    (600, 600, 64),  # the bundled sample: 81 tiles, 19 of them less than 10 % labeled
    (160, 160, 32),  # the tests' scene: the smallest tile
    (100, 5000, 32),  # a narrow strip: still at least the smallest tile
    (20000, 15000, 256),  # a large raster: the pseudo-label tile, no larger
])
def test_label_next_tile_px_scales_with_the_raster(width, height, tile):
    assert label_next_tile_px(width, height) == tile


def test_a_round_asks_for_tiles_scaled_to_the_labeled_raster(fake_dock, fake_engine, qtbot):
    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    args = next(a for command, a in fake_engine.calls if command == "label-next")
    assert args[args.index("--tile") + 1] == "32"  # the 160 px scene
    assert args[args.index("--image") + 1] == fake_dock.raster().source()


def test_the_dock_says_why_there_is_nothing_to_label_next(fake_dock, fake_engine, project,
                                                         qtbot):
    fake_engine.label_next_tiles = 0
    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    assert "no tile of 32 px is less than 10 % labeled" in fake_dock.ui.stage.text()
    group = project.layerTreeRoot().findGroup("Roads - round 1")
    assert group is not None
    assert not any("label next" in node.name() for node in group.findLayers())
