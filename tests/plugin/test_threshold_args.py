"""THRESHOLD is optional: unset, the engine gets no --threshold (it then uses the threshold
calibrated on the model's hold-out); set, it gets that value. The engine is a recording fake:
the command lines are what the test looks at."""

from __future__ import annotations

from pathlib import Path

import pytest


def parameters(alg: str, scene, probability: Path, tmp_path: Path) -> tuple[dict, str]:
    """Parameters of ``alg`` without THRESHOLD, and the engine command that thresholds."""
    vectors = {"OUTPUT_ROADS": "TEMPORARY_OUTPUT", "OUTPUT_CENTERLINES": "TEMPORARY_OUTPUT"}
    if alg == "extract_roads":
        return {"MODEL": str(tmp_path / "model.pt"), "INPUT": str(scene["image"]),
                "DEVICE": "cpu", "OUTPUT_PROBABILITY": str(tmp_path / "prob.tif"),
                **vectors}, "vectorize"
    if alg == "vectorize_probability":
        return {"INPUT": str(probability), **vectors}, "vectorize"
    return {"PREDICTION": str(probability), "REFERENCE": str(scene["truth"]),
            "OUTPUT_TABLE": "TEMPORARY_OUTPUT"}, "evaluate"


ALGORITHMS = ("extract_roads", "vectorize_probability", "evaluate_extraction")


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_unset_threshold_passes_no_threshold_to_the_engine(alg, provider, recording_runner,
                                                           scene, truth_probability,
                                                           tmp_path):
    import processing

    params, command = parameters(alg, scene, truth_probability, tmp_path)
    processing.run(f"roadextraction:{alg}", params)
    assert "--threshold" not in recording_runner.args_of(command)


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_given_threshold_reaches_the_engine(alg, provider, recording_runner, scene,
                                            truth_probability, tmp_path):
    import processing

    params, command = parameters(alg, scene, truth_probability, tmp_path)
    processing.run(f"roadextraction:{alg}", {**params, "THRESHOLD": 0.3})
    args = recording_runner.args_of(command)
    assert args[args.index("--threshold") + 1] == "0.3"


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_threshold_parameter_is_optional_without_default(alg, provider):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"roadextraction:{alg}")
    definition = algorithm.parameterDefinition("THRESHOLD")
    assert definition.flags() & definition.Flag.FlagOptional
    assert definition.defaultValue() is None
    assert "calibrated on the model's hold-out" in definition.help()
