"""Names that differ between Qt 5 / QGIS 3 and Qt 6 / QGIS 4, chosen once for the plugin."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.PyQt.QtCore import QMetaType, QVariant

__all__ = ["FIELD_DOUBLE", "FIELD_STRING", "QAction"]

try:  # Qt 6 moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt 5 has it in QtWidgets
    from qgis.PyQt.QtWidgets import QAction

# QgsField takes a QVariant.Type up to QGIS 3.36 and a QMetaType.Type from 3.38 on; PyQt6
# (QGIS 4) has no QVariant.Type at all.
if Qgis.QGIS_VERSION_INT >= 33800:
    FIELD_DOUBLE, FIELD_STRING = QMetaType.Type.Double, QMetaType.Type.QString
else:
    FIELD_DOUBLE, FIELD_STRING = QVariant.Type.Double, QVariant.Type.String
