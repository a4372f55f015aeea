"""Shared test set-up: QGIS (started by pytest-qgis) needs a Qt platform when headless."""

import os

# Set before pytest-qgis creates the QgsApplication in its pytest_configure hook.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
