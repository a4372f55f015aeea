"""The dock is usable at the width QGIS opens it with: nothing cut off, no horizontal
scroll bar, in English and in German (the longer strings)."""

from __future__ import annotations

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QMainWindow, QWidget
from road_extraction.plugin.dock.dock_ui import DEFAULT_WIDTH_PX
from road_extraction.plugin.i18n import install_translator, remove_translator


def cut_off(dock) -> list[str]:
    """The visible widgets of the dock that reach past its viewport's right edge."""
    viewport = dock.widget().viewport()
    widgets = [w for w in dock.ui.findChildren(QWidget) if w.isVisible()]
    return [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}" for w in widgets
            if w.mapTo(viewport, w.rect().topRight()).x() >= viewport.width()]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width_px", [DEFAULT_WIDTH_PX, 298])  # ours; what QGIS 3.22 gave
def test_dock_fits_its_default_width(language, width_px, iface, project, work_dir, raster,
                                     qtbot):
    from road_extraction.plugin.dock.dock_widget import RoadDock

    translator = install_translator(language) if language != "en" else None
    try:
        dock = RoadDock(iface, project)  # its strings are translated when it is built
        window = QMainWindow()
        qtbot.addWidget(window)
        window.setCentralWidget(QWidget())
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window.resize(1000, 800)
        window.show()
        window.resizeDocks([dock], [width_px], Qt.Orientation.Horizontal)
        dock.ui.raster.setLayer(raster)
        dock.create_label_layers()  # shows the counts and where the labels are
        dock.ui.advanced.setCollapsed(False)  # its fields must fit too
        QApplication.processEvents()
        assert dock.width() == width_px
        assert dock.widget().horizontalScrollBar().maximum() == 0
        assert cut_off(dock) == []
        dock.close_down()
    finally:
        remove_translator(translator)
