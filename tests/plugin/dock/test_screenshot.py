"""Two rounds from the dock, then the canvas and the dock rendered to a picture.

The picture goes to the test's temporary folder; with ``DOCK_SCREENSHOT=PATH`` in the
environment it is also saved there (``docs/screenshot_dock.png`` is the README's).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from qgis.core import QgsProject
from qgis.gui import QgsMapCanvas
from road_extraction.plugin.dock.dock_ui import DEFAULT_WIDTH_PX


def visible_layers(project: QgsProject) -> list:
    """The checked layers of the layer tree, top first (the canvas's drawing order)."""
    root = project.layerTreeRoot()
    return [node.layer() for node in root.findLayers() if node.isVisible()]


def render_canvas(canvas: QgsMapCanvas, layers: list, qtbot) -> None:
    canvas.setLayers(layers)
    canvas.setDestinationCrs(layers[-1].crs())
    canvas.setExtent(layers[-1].extent())
    with qtbot.waitSignal(canvas.mapCanvasRefreshed, timeout=30_000):
        canvas.refresh()


def trained_config(dock, folder: Path) -> Path:
    """The tiny configuration with 30 steps a round, so the roads on the picture are real:
    the scratch U-Net of width 8 and depth 2 (pinned, whatever the default network
    becomes), 64 px crops, batches of 4; two such rounds take about 40 s on 2 idle cores."""
    config = json.loads(Path(dock.ui.config.filePath()).read_text(encoding="utf-8"))
    model = {**config.get("model", {}), "arch": "unet", "base_width": 8, "depth": 2}
    path = folder / "thirty_steps.json"
    path.write_text(json.dumps({**config, "model": model, "steps_per_round": 30}),
                    encoding="utf-8")
    return path


# It waits on the dock's own signal, not for a time: on 2 idle cores it takes about 40 s,
# with two more busy processes and other tests running (load 8-9) 230 s; pytest-timeout
# stops only a run that hangs.
@pytest.mark.timeout(1800)
def test_two_rounds_then_screenshot_shows_dock_image_and_roads(labeled_dock, dock_window,
                                                              project, qtbot, tmp_path):
    canvas = QgsMapCanvas()
    # The whole dock, results included, at the width QGIS gives it when it first shows it.
    window = dock_window(labeled_dock, 1600, central=canvas)
    labeled_dock.ui.config.setFilePath(str(trained_config(labeled_dock, tmp_path)))
    labeled_dock.ui.rounds.setValue(2)
    t0 = time.monotonic()
    # However busy the machine: wait for the dock to say the run ended, not for a time
    # (pytest-timeout still stops a run that hangs).
    with qtbot.waitSignal(labeled_dock.ended, timeout=None) as ended:
        labeled_dock.ui.run_rounds.click()
        assert labeled_dock.is_busy(), labeled_dock.ui.warning.text()  # else no wait
    print(f"two tiny rounds inside QGIS: {time.monotonic() - t0:.1f} s")
    assert ended.args == [True], labeled_dock.ui.failure.text() or labeled_dock.ui.stage.text()
    assert len(labeled_dock.results.history.rounds) == 2 and not labeled_dock.is_busy()
    groups = [project.layerTreeRoot().findGroup(f"Roads - round {i}") for i in (1, 2)]
    assert all(groups)
    assert abs(labeled_dock.width() - DEFAULT_WIDTH_PX) <= 2
    # The map shows the round in use (the better of the two on the hold-out), the other
    # round's group hidden and collapsed.
    best = labeled_dock.results.history.best_round
    in_use, other = groups[best - 1], groups[2 - best]
    assert in_use.isVisible() and in_use.isExpanded()
    assert not other.isVisible() and not other.isExpanded()
    assert f"Using round {best}" in labeled_dock.ui.scores.text()
    render_canvas(canvas, visible_layers(project), qtbot)
    picture = tmp_path / "screenshot_dock.png"
    assert window.grab().save(str(picture))
    assert picture.stat().st_size > 20_000
    if os.environ.get("DOCK_SCREENSHOT"):
        shutil.copyfile(picture, os.environ["DOCK_SCREENSHOT"])
