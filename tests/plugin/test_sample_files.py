"""Opening the bundled sample in QGIS writes nothing into resources/sample/: GDAL would
otherwise store the band statistics QGIS asks for (to stretch a raster) in pan2.vrt and
pan3.vrt themselves and in new .aux.xml files beside the GeoTIFFs, and a checkout would
show modified and untracked files."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess

import pytest
from qgis.core import (
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRaster,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize

from .conftest import ROOT

SAMPLE = ROOT / "resources" / "sample"


def snapshot() -> dict[str, tuple[bytes, int]]:
    """Every file of the sample folder: its bytes and modification time."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(SAMPLE.iterdir()) if path.is_file()}


@pytest.fixture()
def sample_before():
    """The sample folder as it was; put back after the test, whatever the test did (so a
    failing run does not leave the checkout modified)."""
    before = snapshot()
    yield before
    for path in SAMPLE.iterdir():
        if path.name not in before:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        elif path.read_bytes() != before[path.name][0] or \
                path.stat().st_mtime_ns != before[path.name][1]:
            path.write_bytes(before[path.name][0])
            os.utime(path, ns=(before[path.name][1], before[path.name][1]))


def git_status() -> str | None:
    """``git status --porcelain`` of the sample folder; None outside a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    return subprocess.run(["git", "status", "--porcelain", "--", str(SAMPLE)], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def test_opening_the_sample_in_qgis_writes_nothing_into_it(qgis_new_project, sample_before):
    status = git_status()
    project = QgsProject.instance()
    rasters = [QgsRasterLayer(str(path), path.stem)
               for path in sorted(SAMPLE.glob("*.tif")) + sorted(SAMPLE.glob("*.vrt"))]
    vectors = [QgsVectorLayer(str(path), path.stem, "ogr") for path in SAMPLE.glob("*.gpkg")]
    assert rasters and all(layer.isValid() for layer in rasters + vectors)
    project.addMapLayers(rasters + vectors)
    # What QGIS does with them when they are opened: stretch the rasters for display (the
    # statistics), draw them, identify a pixel.
    settings = QgsMapSettings()
    settings.setLayers(rasters + vectors)
    settings.setDestinationCrs(rasters[0].crs())
    settings.setExtent(rasters[0].extent())
    settings.setOutputSize(QSize(200, 200))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    for layer in rasters:
        assert layer.renderer().type() == "singlebandgray"
        layer.dataProvider().identify(layer.extent().center(),
                                      QgsRaster.IdentifyFormat.IdentifyFormatValue)
    del job, settings, rasters, vectors, layer
    project.clear()  # the layers are deleted and GDAL closes the files (PAM writes then)
    gc.collect()
    after = snapshot()
    assert sorted(after) == sorted(sample_before)  # no new file (.aux.xml)
    changed = [name for name in after if after[name] != sample_before[name]]
    assert changed == []
    if status is not None:
        assert git_status() == status
