"""A dock test that ends badly cannot break the tests after it.

A test that fails (a ``waitUntil`` that timed out under load) ends with its dock still in a
window and its round still running. pytest-qt then closes and deletes the window, and the
dock with it; a dock deleted without ``close_down`` left its connections to the project for
PyQt to tidy up when its wrapper was collected, which dropped pytest-qgis's own connection
to the project (``legendLayersAdded`` to ``processEvents``), so pytest-qgis's session
teardown failed on the last test of the session ("'builtin_function_or_method' object is
not connected"). The two tests below run in this order (pytest keeps a module's order):
the first leaves such a dock behind, the second checks what its teardown left.
"""

from __future__ import annotations

import gc

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QMainWindow, QWidget

LEFT_BEHIND: dict[str, object] = {}


def test_a_test_leaves_its_dock_in_a_window_with_a_round_running(fake_dock, fake_engine,
                                                                  qtbot):
    fake_engine.start_s = 60.0  # still starting when the test ends
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, fake_dock)
    window.show()
    assert fake_dock.start_rounds(1)
    LEFT_BEHIND["task"] = fake_dock.task
    # ... and ends here, as a failed waitUntil would: no cancel, no close_down.


def test_the_next_test_finds_the_project_signals_and_the_task_manager_clean(qgis_app):
    assert "task" in LEFT_BEHIND, "run this module as a whole"
    gc.collect()  # when PyQt tidied up the dock's connections
    QApplication.processEvents()
    project = QgsProject.instance()
    # pytest-qgis disconnects this at the end of the session; it must still be connected.
    project.legendLayersAdded.disconnect(qgis_app.processEvents)
    project.legendLayersAdded.connect(qgis_app.processEvents)
    running = [task.description() for task in QgsApplication.taskManager().activeTasks()]
    assert not [d for d in running if d.startswith("Road extraction")]


FAILING_TESTS = '''
import gc

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMainWindow, QWidget


def in_a_window(dock, qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.show()
    return window


def test_fails_with_its_dock_in_a_window(dock, qtbot):
    window = in_a_window(dock, qtbot)
    assert window is None, "fails on purpose"


def test_fails_with_its_labeled_dock_in_a_window(labeled_dock, qtbot):
    window = in_a_window(labeled_dock, qtbot)
    assert window is None, "fails on purpose"


def test_fails_with_its_dock(dock):
    assert dock is None, "fails on purpose"


def test_the_last_test_passes():
    gc.collect()  # PyQt tidies up what the failed tests left
'''


def test_failed_dock_tests_do_not_break_the_end_of_the_session(tmp_path):
    """Three dock tests fail, the last passes: the session ends with three failures and no
    error (the failures once broke pytest-qgis's session teardown, reported as an error of
    whichever test ran last)."""
    import subprocess
    import sys

    from .conftest import ROOT

    (tmp_path / "test_failing.py").write_text(FAILING_TESTS, encoding="utf-8")
    plugins = ["tests.conftest", "tests.plugin.conftest", "tests.plugin.dock.conftest"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir",
         str(ROOT), *[arg for name in plugins for arg in ("-p", name)], "-q",
         str(tmp_path / "test_failing.py")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    summary = proc.stdout.strip().splitlines()[-1]
    assert "3 failed, 1 passed" in summary and "error" not in summary, proc.stdout[-3000:]
