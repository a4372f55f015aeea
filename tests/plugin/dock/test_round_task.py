"""One round's task on the fake engine: what it runs, what it reports, how it ends."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from road_extraction.plugin.dock.round_job import RoundJob
from road_extraction.plugin.dock.round_task import RoundTask, round_stages

from .fake_engine import FakeRoundEngine


@pytest.fixture()
def engine(truth_probability, truth_vectors) -> FakeRoundEngine:
    return FakeRoundEngine(truth_probability, truth_vectors)


def make_job(tmp_path, scene, second_scene, **extra) -> RoundJob:
    images, unlabeled = (str(scene["image"]),), (str(second_scene["image"]),)
    return RoundJob(round_index=1, run_model=tmp_path / "road_rounds" / "model.pt",
                    images=images, unlabeled=unlabeled, roads="roads.gpkg", aoi="aoi.gpkg",
                    road_width_m=6.0, profile="fast", device="cpu",
                    names={images[0]: "image", unlabeled[0]: "second"}, tile_px=32, **extra)


def run(task: RoundTask) -> list[tuple[str, float, float]]:
    """Run the task on this thread; its status reports (text, fraction, seconds left)."""
    statuses = []
    task.status.connect(lambda text, loss, fraction, left: statuses.append(
        (text, fraction, left)))
    task.ok = task.run()
    return statuses


def test_a_round_predicts_every_training_and_unlabeled_raster(engine, tmp_path, scene,
                                                              second_scene):
    task = RoundTask(make_job(tmp_path, scene, second_scene), engine)
    run(task)
    assert task.ok and engine.commands() == ["train", "extract", "extract", "label-next"]
    images = [args[args.index("--image") + 1] for command, args in engine.calls
              if command == "extract"]
    assert images == [str(scene["image"]), str(second_scene["image"])]
    assert [p.name for p in task.outputs.predictions] == ["image", "second"]
    assert all(p.probability.exists() and p.roads.exists() for p in task.outputs.predictions)
    assert task.outputs.metrics == {"iou": 0.5, "f1": 0.6, "relaxed_f1": 0.7}
    assert task.outputs.best_round == 1


def test_the_engine_start_up_is_a_stage_of_its_own_that_moves(engine, tmp_path, scene,
                                                              second_scene):
    engine.start_s = 1.2  # seconds before each command's first event
    statuses = run(RoundTask(make_job(tmp_path, scene, second_scene), engine))
    starting = [s for s in statuses if s[0] == "Round 1: starting the engine"]
    assert len(starting) >= 2  # reported while the engine says nothing
    assert 0 < starting[0][1] < starting[-1][1]  # the bar moves during the start-up
    fractions = [fraction for _, fraction, _ in statuses]
    assert fractions == sorted(fractions)  # and never goes back
    texts = list(dict.fromkeys(text for text, _, _ in statuses))
    assert texts[:3] == ["Round 1: starting the engine", "Round 1: training",
                         "Round 1: validation"]
    assert "Round 1: predicting second (2/2)" in texts
    assert texts[-1] == "Round 1: where to label next"


def test_a_cancelled_round_ends_as_a_completed_task(engine, tmp_path, scene, second_scene):
    engine.start_s = 30.0
    task = RoundTask(make_job(tmp_path, scene, second_scene), engine)
    threading.Timer(0.3, task.cancel).start()
    run(task)
    # True: QGIS reports a task that returns False as "Task failed".
    assert task.ok is True and task.cancelled_by_user and task.outputs is None
    assert "cancelled" in task.description()


def test_no_tile_to_label_next_leaves_no_layer(engine, tmp_path, scene, second_scene):
    engine.label_next_tiles = 0
    task = RoundTask(make_job(tmp_path, scene, second_scene), engine)
    run(task)
    assert task.outputs.label_next is None and task.outputs.label_next_tiles == 0
    assert task.outputs.tile_px == 32


# -- rounds with and without the semi-supervised branches --------------------------------


@pytest.mark.parametrize(("round_index", "extra", "pseudo"), [
    (1, {"semi_supervised": True}, False),  # round 1 never has pseudo-labels
    (2, {}, False),  # semi-supervised off, no settings file: no pseudo-labels
    (2, {"semi_supervised": True}, True),
    (2, {"config": "settings.json"}, True),  # a settings file may turn them on
])
def test_a_round_lists_pseudo_labels_only_where_the_engine_may_make_them(
        round_index, extra, pseudo, tmp_path, scene, second_scene):
    job = make_job(tmp_path, scene, second_scene, **extra)
    stages = round_stages(replace(job, round_index=round_index))
    assert stages == ["start", *(["pseudo-labels"] if pseudo else []), "training",
                      "validation", "extract:0", "extract:1", "label_next"]


@pytest.mark.parametrize("semi", [False, True])
def test_train_args_have_semi_supervised_only_when_asked(semi, tmp_path, scene, second_scene):
    args = make_job(tmp_path, scene, second_scene, semi_supervised=semi).train_args()
    assert ("--semi-supervised" in args) is semi
    assert args[args.index("--unlabeled") + 1] == str(second_scene["image"])


@pytest.mark.parametrize("semi", [False, True])
def test_a_second_round_reports_its_stages_in_order(semi, engine, tmp_path, scene,
                                                    second_scene):
    job = replace(make_job(tmp_path, scene, second_scene, semi_supervised=semi),
                  round_index=2)
    task = RoundTask(job, engine)
    statuses = run(task)
    assert task.ok
    fractions = [fraction for _, fraction, _ in statuses]
    assert fractions == sorted(fractions)
    texts = list(dict.fromkeys(text for text, _, _ in statuses))
    expected = ["Round 2: starting the engine", "Round 2: pseudo-labels", "Round 2: training",
                "Round 2: validation"] if semi else [
        "Round 2: starting the engine", "Round 2: training", "Round 2: validation"]
    assert texts[:len(expected)] == expected
    # The measured costs the next round is estimated from: the stages that ran.
    assert ("pseudo-labels" in task.clock.durations) is semi
