"""The dock is usable at the width QGIS opens it with: nothing cut off, no horizontal
scroll bar, in English and in German (the longer strings)."""

from __future__ import annotations

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QWidget
from road_extraction.plugin.dock.dock_ui import DEFAULT_WIDTH_PX
from road_extraction.plugin.i18n import install_translator, remove_translator

#: An engine error as long as they get, with a path longer than the dock is wide.
LONG_REASON = ("The round failed: cannot open /home/analyst/projects/rotterdam_2024/"
               "imagery/orthophoto_rgb_25cm_tile_0042_with_a_long_name.tif as a raster: "
               "not recognised as a supported file format; use --image with a GDAL raster")


def cut_off(dock) -> list[str]:
    """The visible widgets of the dock that reach past the right edge of its scroll area's
    viewport (the boxes) or of the pinned run controls."""
    cut = []
    for area in (dock.scroll.viewport(), dock.ui.run_panel):
        widgets = [w for w in area.findChildren(QWidget) if w.isVisible()]
        cut += [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}" for w in widgets
                if w.mapTo(area, w.rect().topRight()).x() >= area.width()]
    return cut


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width_px", [DEFAULT_WIDTH_PX, 298])  # ours; what QGIS 3.22 gave
def test_dock_fits_its_default_width(language, width_px, iface, project, work_dir, raster,
                                     dock_window, request):
    from road_extraction.plugin.dock.dock_widget import RoadDock

    from .conftest import register

    translator = install_translator(language) if language != "en" else None
    try:
        dock = RoadDock(iface, project)  # its strings are translated when it is built
        register(request, dock)
        window = dock_window(dock, 800)
        window.resizeDocks([dock], [width_px], Qt.Orientation.Horizontal)
        dock.ui.raster.setLayer(raster)
        dock.create_label_layers()  # shows the counts and where the labels are
        dock.ui.advanced.setCollapsed(False)  # its fields must fit too
        dock._failed(dock.ui.stage.text(), LONG_REASON)  # wraps, its paths too
        QApplication.processEvents()
        assert dock.width() == width_px
        assert dock.scroll.horizontalScrollBar().maximum() == 0
        assert cut_off(dock) == []
    finally:
        remove_translator(translator)
