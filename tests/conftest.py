"""Shared test set-up: QGIS (started by pytest-qgis) needs a Qt platform when headless."""

import os

import pytest

# Set before pytest-qgis creates the QgsApplication in its pytest_configure hook.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _keep_pytest_qgis_connected() -> None:
    """pytest-qgis connects the project's legendLayersAdded to processEvents when QGIS
    starts and disconnects it in its session teardown, which fails ("'builtin_function_or_
    method' object is not connected") when PyQt dropped that connection meanwhile, as it was
    seen to do when it tidied up after a dock deleted with a failed test's window. Connected
    again (once) after every test, so that neither a later test nor the session's end
    depends on how an earlier test ended."""
    from qgis.core import QgsApplication, QgsProject

    app = QgsApplication.instance()
    if app is None:
        return
    signal = QgsProject.instance().legendLayersAdded
    try:
        signal.disconnect(app.processEvents)
    except TypeError:  # not connected: it was dropped
        pass
    signal.connect(app.processEvents)


@pytest.fixture(autouse=True)
def keep_pytest_qgis_connected():
    """See _keep_pytest_qgis_connected."""
    yield
    _keep_pytest_qgis_connected()
