"""After a restart of QGIS, the dock shows the run's rounds again, read from its model
files: the plot's round numbers, the last scores, the best round, and Extract uses the
best round's model."""

from __future__ import annotations

from road_extraction.plugin.dock.run_history import RunHistory, read_history
from road_extraction.plugin.runner import EngineRunner

from .conftest import ENGINE_PYTHON, ROOT


def test_read_history_reads_the_engines_record_of_the_rounds(tiny_model):
    history = read_history(EngineRunner(ENGINE_PYTHON, ROOT), tiny_model)
    assert [r.round_index for r in history.rounds] == [1] and history.best_round == 1
    assert set(history.rounds[0].metrics) >= {"iou", "f1", "relaxed_f1"}


def test_read_history_of_no_run_is_empty(tmp_path):
    runner = EngineRunner(ENGINE_PYTHON, ROOT)
    assert read_history(runner, tmp_path / "model.pt") == RunHistory()


def test_a_new_dock_restores_the_rounds_of_the_run(fake_dock, fake_engine, iface, project,
                                                   raster, qtbot):
    from road_extraction.plugin.dock.dock_widget import RoadDock

    assert fake_dock.start_rounds(2)
    qtbot.waitUntil(lambda: len(fake_dock.results.history.rounds) == 2 and not fake_dock.is_busy(),
                    timeout=30_000)
    fake_dock.close_down()
    restarted = RoadDock(iface, project)  # the project still holds the label layers
    qtbot.addWidget(restarted)
    qtbot.waitUntil(lambda: len(restarted.results.history.rounds) == 2, timeout=30_000)
    assert restarted.ui.plot.round_labels() == ["1", "2"]
    lines = restarted.ui.scores.text().splitlines()
    assert lines[0].startswith("Round 2: IoU 0.500")
    assert lines[1] == "Using round 2 (best hold-out IoU 0.500)."
    assert restarted.ui.use_model.isEnabled()
    model = restarted.extract_parameters()["MODEL"]
    assert model == str(restarted.run_model()) and model.endswith("road_rounds/model.pt")
    restarted.close_down()
