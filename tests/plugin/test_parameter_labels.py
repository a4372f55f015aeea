"""Parameter labels fit the Processing dialog: short labels, the explanations in the help.

The dialog shows each label on one line, with " [optional]" after optional ones; a label
of about 50 characters was seen clipped there (with a horizontal scroll bar).
"""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication
from road_extraction.plugin.i18n import install_translator, remove_translator

#: The longest label the dialog shows whole at its default width, " [optional]" included.
MAX_LABEL_CHARS = 45


def shown_labels() -> dict[str, str]:
    """``algorithm:PARAMETER`` -> the label as the dialog shows it."""
    labels = {}
    provider = QgsApplication.processingRegistry().providerById("roadextraction")
    for listed in provider.algorithms():
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(listed.id())
        for definition in algorithm.parameterDefinitions():
            optional = definition.flags() & definition.Flag.FlagOptional
            label = definition.description() + (" [optional]" if optional else "")
            labels[f"{listed.name()}:{definition.name()}"] = label
    return labels


@pytest.mark.parametrize("language", ["en", "de"])
def test_parameter_labels_fit_on_one_line(provider, language):
    translator = install_translator(language) if language != "en" else None
    try:
        labels = shown_labels()
    finally:
        remove_translator(translator)
    too_long = {key: label for key, label in labels.items() if len(label) > MAX_LABEL_CHARS}
    assert not too_long


def test_device_label_is_short_and_its_help_explains_the_values(provider):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "roadextraction:extract_roads")
    device = algorithm.parameterDefinition("DEVICE")
    assert device.description() == "Device"
    assert "cuda:N" in device.help() and "empty" in device.help()
    assert "cuda:N" in algorithm.shortHelpString()
