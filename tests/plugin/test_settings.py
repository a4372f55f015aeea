"""plugin/settings.py: the keys of the dock's remembered options and of the device.

QgsSettings here are pytest-qgis's temporary profile (QGIS_CUSTOM_CONFIG_PATH), never the
user's; each test puts back what it changed."""

from __future__ import annotations

import pytest
from road_extraction.plugin.settings import (
    DOCK_OPTIONS,
    clear_dock_options,
    load_dock_option,
    load_settings,
    save_device,
    save_dock_option,
    save_settings,
)


@pytest.fixture()
def clean(qgis_app):
    """No dock option stored, and the engine settings as they were, before and after."""
    before = load_settings()
    clear_dock_options()
    yield
    clear_dock_options()
    save_settings(before)


def test_a_dock_option_is_stored_and_read_back(clean):
    assert load_dock_option("rounds") is None
    save_dock_option("rounds", 5)
    assert int(load_dock_option("rounds")) == 5


def test_clearing_forgets_every_dock_option(clean):
    for name in DOCK_OPTIONS:
        save_dock_option(name, "x")
    clear_dock_options()
    assert [load_dock_option(name) for name in DOCK_OPTIONS] == [None] * len(DOCK_OPTIONS)


def test_an_unknown_dock_option_is_refused(clean):
    with pytest.raises(KeyError):
        save_dock_option("raster", "layer id")
    with pytest.raises(KeyError):
        load_dock_option("raster")


def test_the_device_is_the_plugins_one_setting(clean):
    save_device("cuda:1")
    assert load_settings().device == "cuda:1"
    with pytest.raises(ValueError):
        save_device("tpu")
    assert load_settings().device == "cuda:1"
