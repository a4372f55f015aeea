"""The dock as an analyst meets it in the desktop: the mouse wheel, a screen 1000 px high,
a failed round, a round worse than an earlier one, a run of several rounds."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.PyQt.QtCore import QPoint, QPointF, QRect, Qt
from qgis.PyQt.QtGui import QWheelEvent
from qgis.PyQt.QtWidgets import QApplication, QLabel, QScrollArea
from road_extraction.plugin.runner import EngineRunError

#: The dock's height on a screen 1000 px high: less the window's title bar, QGIS's menu
#: bar, two rows of toolbars, its status bar and the desktop's panel.
DESKTOP_DOCK_HEIGHT_PX = 1000 - 30 - 25 - 2 * 36 - 25 - 40

#: What the engine says when CUDA is asked for on a machine without it (engine/device.py).
NO_CUDA = ("device 'cuda' was asked for but CUDA is not available here (torch sees no GPU); "
           "use --device cpu or auto")


def wheel(widget, steps: int = -1) -> None:
    """Turn the mouse wheel over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def shown_texts(dock) -> list[str]:
    """The texts of the dock's visible labels."""
    return [label.text() for label in dock.findChildren(QLabel) if label.isVisible()]


# -- the mouse wheel -------------------------------------------------------------------


def test_the_wheel_over_an_unfocused_box_scrolls_the_dock_and_changes_nothing(
        dock, dock_window):
    from road_extraction.plugin.settings import load_dock_option, load_settings

    dock_window(dock, 500)  # short: the dock scrolls
    ui = dock.ui
    boxes = {"device": ui.device, "profile": ui.profile, "road width": ui.road_width,
             "rounds": ui.rounds}
    before = {name: box.currentText() if name in ("device", "profile") else box.value()
              for name, box in boxes.items()}
    scroll_bar = dock.findChild(QScrollArea).verticalScrollBar()
    assert scroll_bar.maximum() > 0 and scroll_bar.value() == 0
    for box in boxes.values():
        assert not box.hasFocus()
        wheel(box)
    after = {name: box.currentText() if name in ("device", "profile") else box.value()
             for name, box in boxes.items()}
    assert after == before
    for box in boxes.values():  # a wheel gives no focus; a click or the Tab key does
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert scroll_bar.value() > 0  # the wheel scrolled the dock instead
    # Nothing was remembered either (the dock stores every change of its options).
    assert load_settings().device == "cpu"
    assert load_dock_option("profile") in (None, "fast")
    assert load_dock_option("rounds") in (None, 3)


# -- a screen 1000 px high ------------------------------------------------------------


def test_run_controls_and_progress_are_visible_without_scrolling(labeled_dock, dock_window):
    dock_window(labeled_dock, DESKTOP_DOCK_HEIGHT_PX)
    ui = labeled_dock.ui
    ui.advanced.setCollapsed(False)  # the tallest the dock gets
    ui.stage.setText("Round 1 finished in 14 s.\nWhere to label next: no tile of 64 px is "
                     "less than 10 % labeled, so there is nothing to suggest.")
    QApplication.processEvents()
    scroll = labeled_dock.findChild(QScrollArea)
    dock_area = labeled_dock.rect()
    for widget in (ui.train, ui.run_rounds, ui.rounds, ui.progress, ui.stage, ui.cancel):
        name = type(widget).__name__
        assert widget.isVisible(), name
        assert not scroll.isAncestorOf(widget), name  # does not scroll away
        where = QRect(widget.mapTo(labeled_dock, QPoint(0, 0)), widget.size())
        assert dock_area.contains(where), (name, where, dock_area)
    assert scroll.viewport().height() >= 250  # and the rest keeps room to scroll in


# -- a failed round --------------------------------------------------------------------


def test_a_failed_round_says_why_in_the_dock_in_its_words_until_the_next_run(
        fake_dock, fake_engine, qtbot, iface, monkeypatch):
    def no_cuda(args, on_event, should_stop):
        raise EngineRunError(NO_CUDA, exit_code=2)

    train = fake_engine._train
    monkeypatch.setattr(fake_engine, "_train", no_cuda)
    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    reasons = [text for text in shown_texts(fake_dock) if "CUDA is not available" in text]
    assert reasons, shown_texts(fake_dock)
    assert "“Device” cpu or auto" in reasons[0] and "--device" not in reasons[0]
    errors = iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert errors and not [m for m in errors if "--device" in m]
    qtbot.wait(200)
    assert [t for t in shown_texts(fake_dock) if "CUDA is not available" in t]  # it stays
    monkeypatch.setattr(fake_engine, "_train", train)
    assert fake_dock.start_rounds(1)  # the next run
    assert not [t for t in shown_texts(fake_dock) if "CUDA is not available" in t]
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)


def test_the_engines_option_names_become_the_docks_field_names():
    from road_extraction.plugin.dock.engine_words import in_dock_words

    assert in_dock_words(NO_CUDA).endswith("use “Device” cpu or auto")
    text = in_dock_words("no round was trained; raise --rounds (--profile fast, "
                         "--semi-supervised, --config x.json, --init m.pt, --road-width 6)")
    assert "--" not in text
    for name in ("number of rounds", "“Profile”", "“Semi-supervised” (Advanced)",
                 "“Settings file” (Advanced)", "“Continue from model” (Advanced)",
                 "“Road width”"):
        assert name in text, (name, text)
    # What the dock does not offer stays as the engine wrote it.
    assert in_dock_words("use --resume or --overwrite") == "use --resume or --overwrite"


# -- a round worse than an earlier one ----------------------------------------------


def test_after_a_worse_round_the_dock_and_the_map_use_the_best_round(fake_dock, fake_engine,
                                                                     project, qtbot):
    fake_engine.iou = {1: 0.41, 2: 0.38}
    assert fake_dock.start_rounds(2)
    qtbot.waitUntil(lambda: len(fake_dock.results.history.rounds) == 2
                    and not fake_dock.is_busy(), timeout=30_000)
    assert fake_dock.results.history.best_round == 1
    scores = fake_dock.ui.scores.text()
    assert "Using round 1 (best hold-out IoU 0.410); round 2 scored 0.380" in scores, scores
    assert "Round 1 did better" in fake_dock.ui.stage.text()  # the finished round says so
    root = project.layerTreeRoot()
    best, latest = (root.findGroup(f"Roads - round {i}") for i in (1, 2))
    assert best.isVisible() and best.isExpanded()  # the map shows the round in use
    assert not latest.isVisible() and not latest.isExpanded()
    assert fake_dock.extract_parameters()["MODEL"] == str(fake_dock.run_model())


def test_a_better_round_is_the_one_in_use(fake_dock, fake_engine, project, qtbot):
    fake_engine.iou = {1: 0.38, 2: 0.41}
    assert fake_dock.start_rounds(2)
    qtbot.waitUntil(lambda: len(fake_dock.results.history.rounds) == 2
                    and not fake_dock.is_busy(), timeout=30_000)
    assert "Using round 2 (best hold-out IoU 0.410)" in fake_dock.ui.scores.text()
    root = project.layerTreeRoot()
    assert root.findGroup("Roads - round 2").isVisible()
    assert not root.findGroup("Roads - round 1").isVisible()


# -- a run of several rounds ---------------------------------------------------------


def test_run_n_rounds_shows_round_k_of_n_on_one_bar(fake_dock, fake_engine, qtbot,
                                                    monkeypatch):
    seen: list[tuple[int, str]] = []
    show = fake_dock._show_status

    def record(*status) -> None:
        show(*status)
        seen.append((fake_dock.ui.progress.value(), fake_dock.ui.stage.text()))

    monkeypatch.setattr(fake_dock, "_show_status", record)  # connected as each round starts
    fake_engine.start_s = 0.3
    fake_dock.ui.rounds.setValue(3)
    fake_dock.ui.run_rounds.click()
    qtbot.waitUntil(lambda: len(fake_dock.results.history.rounds) == 3
                    and not fake_dock.is_busy(), timeout=60_000)
    values = [value for value, _ in seen]
    assert values == sorted(values), values  # one bar for the run: it never starts again
    for k in (1, 2, 3):
        texts = [text for _, text in seen if f"({k} of 3)" in text]
        assert texts, [text for _, text in seen]
        assert min(v for v, text in seen if f"({k} of 3)" in text) >= 100 * (k - 1) // 3 - 1
    assert fake_dock.ui.progress.value() == 100
