"""The engine's messages in the dock's words: the command-line options an engine message
names (``use --device cpu or auto``) become the dock's fields that set them (``use “Device”
cpu or auto``), since the dock user never typed a command line. Options the dock has no field
for (``--resume``, ``--overwrite``, ...) stay as the engine wrote them."""

from __future__ import annotations

import re

from .common import tr

__all__ = ["dock_field_names", "in_dock_words"]

#: A command-line option: two dashes, not inside a word or a longer run of dashes.
_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\b")


def dock_field_names() -> dict[str, str]:
    """Option (without its dashes) -> what the dock calls it, translated."""
    quoted = tr("“{}”")
    advanced = tr("{} (Advanced)")
    return {
        "device": quoted.format(tr("Device")),
        "profile": quoted.format(tr("Profile")),
        "rounds": tr("the number of rounds"),
        "road-width": quoted.format(tr("Road width")),
        "image": quoted.format(tr("Training rasters")),
        "unlabeled": quoted.format(tr("Unlabeled rasters")),
        "roads": tr("the road labels"),
        "aoi": tr("the labeled areas"),
        "semi-supervised": advanced.format(quoted.format(tr("Semi-supervised"))),
        "config": advanced.format(quoted.format(tr("Settings file"))),
        "init": advanced.format(quoted.format(tr("Continue from model"))),
    }


def in_dock_words(message: str) -> str:
    """``message`` with the options the dock sets named as its fields."""
    names = dock_field_names()
    return _OPTION.sub(lambda match: names.get(match.group(1), match.group(0)), message)
