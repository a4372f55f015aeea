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

from qgis.core import QgsProject
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMainWindow
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
    """The tiny configuration with 30 steps a round, so the roads on the picture are real."""
    config = json.loads(Path(dock.ui.config.filePath()).read_text(encoding="utf-8"))
    path = folder / "thirty_steps.json"
    path.write_text(json.dumps({**config, "steps_per_round": 30}), encoding="utf-8")
    return path


def test_two_rounds_then_screenshot_shows_dock_image_and_roads(labeled_dock, project, qtbot,
                                                              tmp_path):
    window = QMainWindow()
    qtbot.addWidget(window)
    canvas = QgsMapCanvas()
    window.setCentralWidget(canvas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, labeled_dock)
    window.resize(1000, 1400)  # the whole dock, results included
    window.show()
    # The width QGIS gives the dock when it first shows it.
    window.resizeDocks([labeled_dock], [DEFAULT_WIDTH_PX], Qt.Orientation.Horizontal)
    labeled_dock.ui.config.setFilePath(str(trained_config(labeled_dock, tmp_path)))
    labeled_dock.ui.rounds.setValue(2)
    t0 = time.monotonic()
    labeled_dock.ui.run_rounds.click()
    qtbot.waitUntil(lambda: len(labeled_dock.results.history.rounds) == 2
                    and not labeled_dock.is_busy(), timeout=400_000)
    print(f"two tiny rounds inside QGIS: {time.monotonic() - t0:.1f} s")
    groups = [project.layerTreeRoot().findGroup(f"Roads - round {i}") for i in (1, 2)]
    assert all(groups) and not groups[0].isExpanded() and groups[1].isExpanded()
    assert abs(labeled_dock.width() - DEFAULT_WIDTH_PX) <= 2
    assert not groups[0].isVisible() and groups[1].isVisible()
    render_canvas(canvas, visible_layers(project), qtbot)
    picture = tmp_path / "screenshot_dock.png"
    assert window.grab().save(str(picture))
    assert picture.stat().st_size > 20_000
    if os.environ.get("DOCK_SCREENSHOT"):
        shutil.copyfile(picture, os.environ["DOCK_SCREENSHOT"])
    window.removeDockWidget(labeled_dock)
    labeled_dock.setParent(None)  # the dock fixture owns it, not the window
