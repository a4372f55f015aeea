"""The plugin in qgis_process: enabled from QGIS_PLUGINPATH, listed, and run headless."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from qgis.core import QgsRasterLayer, QgsVectorLayer

from .conftest import ROOT

#: Debian's /usr/bin/qgis_process wrapper fails in 3.22; the binary works (ENVIRONMENT.md).
QGIS_PROCESS = "/usr/bin/qgis_process.bin"

pytestmark = pytest.mark.skipif(not Path(QGIS_PROCESS).exists(), reason="no qgis_process")


@pytest.fixture(scope="module")
def qgis_process_env(tmp_path_factory) -> dict[str, str]:
    """A clean profile, and a plugins folder holding road_extraction -> this checkout."""
    base = tmp_path_factory.mktemp("qgis_process")
    (base / "plugins").mkdir()
    (base / "plugins" / "road_extraction").symlink_to(ROOT, target_is_directory=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "QGIS_CUSTOM_CONFIG_PATH": str(base / "profile"),
           "QGIS_PLUGINPATH": str(base / "plugins")}
    enable = qgis_process(env, "plugins", "enable", "road_extraction")
    assert "road_extraction" in enable.stdout
    return env


def qgis_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([QGIS_PROCESS, *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_qgis_process_lists_the_providers_algorithms(qgis_process_env):
    listing = qgis_process(qgis_process_env, "list").stdout
    assert "Road extraction" in listing
    for name in ("train_model", "extract_roads", "vectorize_probability",
                 "evaluate_extraction", "install_engine"):
        assert f"roadextraction:{name}" in listing


def test_qgis_process_runs_extract_roads(qgis_process_env, tiny_model, scene, tmp_path):
    out = {"OUTPUT_PROBABILITY": tmp_path / "prob.tif",
           "OUTPUT_ROADS": tmp_path / "roads.gpkg",
           "OUTPUT_CENTERLINES": tmp_path / "centerlines.gpkg"}
    proc = qgis_process(qgis_process_env, "run", "roadextraction:extract_roads", "--",
                        f"MODEL={tiny_model}", f"INPUT={scene['image']}",
                        *[f"{key}={path}" for key, path in out.items()])
    assert "Results" in proc.stdout
    prob = QgsRasterLayer(str(out["OUTPUT_PROBABILITY"]), "prob")
    image = QgsRasterLayer(str(scene["image"]), "image")
    assert prob.isValid() and (prob.width(), prob.height()) == (image.width(), image.height())
    assert prob.crs() == image.crs()
    for key in ("OUTPUT_ROADS", "OUTPUT_CENTERLINES"):
        assert QgsVectorLayer(str(out[key]), key).isValid()


def test_qgis_process_runs_extract_roads_with_the_base_model(qgis_process_env, tiny_model,
                                                             scene, tmp_path):
    import shutil

    models = tmp_path / "base_models"
    models.mkdir()
    shutil.copyfile(tiny_model, models / "base_3band.pt")  # a stand-in for the real one
    env = {**qgis_process_env, "ROADS_BASE_MODELS_DIR": str(models)}
    prob = tmp_path / "prob.tif"
    qgis_process(env, "run", "roadextraction:extract_roads", "--", "USE_BASE_MODEL=true",
                 f"INPUT={scene['image']}", f"OUTPUT_PROBABILITY={prob}",
                 f"OUTPUT_ROADS={tmp_path / 'roads.gpkg'}",
                 f"OUTPUT_CENTERLINES={tmp_path / 'centerlines.gpkg'}")
    assert QgsRasterLayer(str(prob), "prob").isValid()
    assert QgsVectorLayer(str(tmp_path / "roads.gpkg"), "roads").isValid()
