"""Only image rasters are offered: not the plugin's probability outputs (tagged by the
engine's predict); and a raster is a training raster or an unlabeled one, not both."""

from __future__ import annotations

import pytest
from osgeo import gdal
from qgis.core import QgsRasterLayer
from road_extraction.plugin.dock.image_layers import PROBABILITY_TAG, is_probability_raster


@pytest.fixture()
def probability(project, scene, tmp_path) -> QgsRasterLayer:
    """A probability raster as predict tags it, added to the project."""
    path = tmp_path / "prob.tif"
    dataset = gdal.Translate(str(path), str(scene["truth"]))
    dataset.SetMetadataItem(PROBABILITY_TAG, "254")
    dataset = None  # closes the file
    layer = QgsRasterLayer(str(path), "road probability")
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def test_the_tag_is_the_engines():
    from engine.io.probability import PROBABILITY_TAG as ENGINE_TAG

    assert PROBABILITY_TAG == ENGINE_TAG


def test_is_probability_raster_tells_outputs_from_images(probability, raster):
    assert is_probability_raster(probability)
    assert not is_probability_raster(raster)


def test_probability_outputs_are_not_offered_as_rasters(dock, probability, raster):
    for rasters in (dock.ui.training, dock.ui.unlabeled):
        assert rasters.ids() == [raster.id()]
    offered = [dock.ui.raster.layer(i) for i in range(dock.ui.raster.count())]
    assert [layer.id() for layer in offered] == [raster.id()]


def test_checking_a_raster_in_one_list_unchecks_it_in_the_other(dock, raster):
    dock.ui.training.set_checked([raster.id()])
    dock.ui.unlabeled.set_checked([raster.id()])
    assert dock.ui.training.checked_ids() == []
    dock.ui.training.set_checked([raster.id()])
    assert dock.ui.unlabeled.checked_ids() == []
    assert dock.ui.training.checked_ids() == [raster.id()]
