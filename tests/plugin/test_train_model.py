"""roadextraction:train_model through processing.run, progress, report and cancel."""

from __future__ import annotations

import time

import pytest
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsVectorLayer,
)

ALG = "roadextraction:train_model"


def train_parameters(scene, tiny_config, out_dir, **extra):
    return {"RASTERS": [str(scene["image"])], "ROADS": str(scene["roads"]),
            "AOI": str(scene["aoi"]), "ROUNDS": 1, "PROFILE": 0, "DEVICE": "cpu",
            "CONFIG": str(tiny_config), "OUTPUT_MODEL": str(out_dir / "model.pt"),
            "OUTPUT_REPORT": str(out_dir / "report.html"), **extra}


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps every progress value and log line."""

    def __init__(self):
        super().__init__()
        self.percents: list[float] = []
        self.infos: list[str] = []
        self.texts: list[str] = []
        self.warnings: list[str] = []
        self.progressChanged.connect(self.percents.append)

    def pushInfo(self, info):
        self.infos.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):
        self.warnings.append(warning)
        super().pushWarning(warning)

    def setProgressText(self, text):
        self.texts.append(text)
        super().setProgressText(text)


def test_train_model_writes_model_and_report(provider, scene, second_scene, tiny_config,
                                             tmp_path):
    import processing

    feedback = RecordingFeedback()
    params = train_parameters(scene, tiny_config, tmp_path,
                              UNLABELED=[str(second_scene["image"])])
    result = processing.run(ALG, params, feedback=feedback)
    assert (tmp_path / "model.pt").stat().st_size > 0
    assert result["OUTPUT_MODEL"] == str(tmp_path / "model.pt")
    assert result["BEST_ROUND"] == 1
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<table" in report and "iou" in report and "relaxed_f1" in report
    # Every training step reached the feedback, as an overall percent that ends near 100.
    assert len(feedback.percents) >= 6
    assert feedback.percents == sorted(feedback.percents)
    assert feedback.percents[-1] >= 90
    assert "round 1: training" in feedback.texts
    assert any(line.startswith("round 1: iou = ") for line in feedback.infos)


def test_train_model_reads_memory_layers_and_fine_tunes(provider, scene, tiny_config,
                                                         tiny_model, tmp_path):
    import processing

    roads = QgsVectorLayer(str(scene["roads"]), "roads", "ogr")
    memory = roads.materialize(QgsFeatureRequest())
    assert memory.providerType() == "memory"
    params = train_parameters(scene, tiny_config, tmp_path, ROADS=memory,
                              WIDTH_FIELD="width", INIT_MODEL=str(tiny_model),
                              OUTPUT_REPORT=None)
    result = processing.run(ALG, params)
    assert (tmp_path / "model.pt").exists()
    assert result["OUTPUT_REPORT"] is None


def test_train_model_cancel_stops_engine_and_leaves_no_model(provider, scene, tiny_config,
                                                             tmp_path):
    import processing

    long_config = tmp_path / "long.json"
    long_config.write_text(tiny_config.read_text().replace('"steps_per_round": 6',
                                                           '"steps_per_round": 2000'))
    out = tmp_path / "out"
    out.mkdir()
    feedback = QgsProcessingFeedback()
    cancelled_at: list[float] = []

    def cancel_once_training(percent):
        if percent > 0.5 and not cancelled_at:
            cancelled_at.append(time.monotonic())
            feedback.cancel()

    feedback.progressChanged.connect(cancel_once_training)
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run(ALG, train_parameters(scene, long_config, out), feedback=feedback)
    elapsed = time.monotonic() - cancelled_at[0]
    print(f"engine stopped {elapsed:.2f} s after the cancel")
    assert elapsed < 5.0, f"the engine took {elapsed:.1f} s to stop"
    assert not (out / "model.pt").exists()
    leftovers = [p for p in out.rglob("*") if p.is_file()]
    assert leftovers == []


def test_train_model_bad_input_is_the_engines_message(provider, scene, tiny_config, tmp_path):
    import processing

    params = train_parameters(scene, tiny_config, tmp_path, ROAD_WIDTH=6.0,
                              CONFIG=str(tmp_path / "missing.json"))
    with pytest.raises(QgsProcessingException, match="refused the input: .*missing.json") as e:
        processing.run(ALG, params)
    assert "Traceback" not in str(e.value)


# -- the semi-supervised option ----------------------------------------------------------


def test_semi_supervised_is_off_by_default_and_an_advanced_option(provider):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALG)
    definition = algorithm.parameterDefinition("SEMI_SUPERVISED")
    assert definition.type() == "boolean" and definition.defaultValue() is False
    assert definition.flags() & definition.Flag.FlagAdvanced
    assert "README" in definition.help()
    help_text = algorithm.shortHelpString()
    assert "trained on only with it" in help_text and "within the spread" in help_text
    assert "pseudo-labels" in help_text and "contrastive" not in help_text
    assert "README" in help_text


@pytest.mark.parametrize(("extra", "semi"), [({}, False), ({"SEMI_SUPERVISED": False}, False),
                                             ({"SEMI_SUPERVISED": True}, True)])
def test_semi_supervised_reaches_the_engine_only_when_checked(extra, semi, provider,
                                                              recording_runner, scene,
                                                              second_scene, tiny_config,
                                                              tmp_path):
    import processing

    params = train_parameters(scene, tiny_config, tmp_path, OUTPUT_REPORT=None,
                              UNLABELED=[str(second_scene["image"])], **extra)
    processing.run(ALG, params)
    args = recording_runner.args_of("train")
    assert ("--semi-supervised" in args) is semi
    # The unlabeled rasters are passed either way (the engine says when they are not used).
    assert args[args.index("--unlabeled") + 1] == str(second_scene["image"])


def test_unlabeled_rasters_without_semi_supervised_are_named_in_a_warning(
        provider, scene, second_scene, tmp_path):
    import json

    import processing

    from .conftest import TINY

    supervised = tmp_path / "supervised.json"  # the tiny settings, both branches off
    supervised.write_text(json.dumps({**TINY, "contrastive": {**TINY["contrastive"],
                                                              "enabled": False},
                                      "pseudo": {**TINY["pseudo"], "enabled": False}}))
    out = tmp_path / "out"
    out.mkdir()
    feedback = RecordingFeedback()
    processing.run(ALG, train_parameters(scene, supervised, out, OUTPUT_REPORT=None,
                                         UNLABELED=[str(second_scene["image"])]),
                   feedback=feedback)
    # The engine's warning reaches the Processing log through the event bridge.
    assert any("unlabeled raster(s) are not trained on" in w and "--semi-supervised" in w
               for w in feedback.warnings), feedback.warnings
    assert (out / "model.pt").exists()
