"""Configuration values of the wrong type are refused by key, value and expected type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.config import TrainConfig, _from_dict, load_config_file
from engine.errors import BadInputError


@pytest.mark.parametrize(("overrides", "message"), [
    ({"steps_per_round": "300"}, r"steps_per_round = '300'.*a whole number"),  # quoted
    ({"steps_per_round": 1.5}, r"steps_per_round = 1\.5.*a whole number"),
    ({"steps_per_round": True}, r"steps_per_round = True.*a whole number"),  # not 1
    ({"learning_rate": "fast"}, r"learning_rate = 'fast'.*a number"),
    ({"contrastive": {"weight": [0.1]}}, r"contrastive\.weight = \[0\.1\].*a number"),
    ({"contrastive": {"enabled": "yes"}}, r"contrastive\.enabled = 'yes'.*true or false"),
    ({"model": [1, 2]}, r"model = \[1, 2\].*a table"),  # a list where a table goes
    ({"model": {"arch": 5}}, r"model\.arch = 5.*a text"),
    ({"pseudo": {"keep_fractions": 0.2}}, r"pseudo\.keep_fractions = 0\.2.*a list of numbers"),
    ({"pseudo": {"keep_fractions": [0.2, "x"]}},
     r"pseudo\.keep_fractions = \[0\.2, 'x'\].*a list of numbers"),
    ({"norm_percentiles": [2.0]}, r"norm_percentiles = \[2\.0\].*a list of 2 numbers"),
    ({"seed": None}, r"seed = None.*a whole number"),
])
def test_from_dict_names_the_key_the_value_and_the_type(overrides, message):
    with pytest.raises(BadInputError, match=message):
        TrainConfig().updated(overrides)


def test_from_dict_takes_whole_numbers_where_numbers_go():
    config = TrainConfig().updated({"learning_rate": 1, "contrastive": {"weight": 0}})
    assert config.learning_rate == 1.0 and isinstance(config.learning_rate, float)
    assert isinstance(config.contrastive.weight, float)


def test_from_dict_turns_lists_into_tuples():
    config = TrainConfig().updated({"pseudo": {"keep_fractions": [0.3, 0.6]}})
    assert config.pseudo.keep_fractions == (0.3, 0.6)


@dataclass(frozen=True)
class _Later:
    """Fields of the kinds a new setting may have, checked from their annotations."""

    share: float = 0.5
    names: tuple[str, ...] = ("a",)
    limit: int | None = None
    mode: str = "hard"


@pytest.mark.parametrize(("data", "message"), [
    ({"share": "half"}, r"share = 'half'.*a number"),
    ({"names": ["a", 1]}, r"names = \['a', 1\].*a list of texts"),
    ({"limit": "x"}, r"limit = 'x'.*a whole number or nothing"),
])
def test_from_dict_checks_the_annotations_of_any_config_class(data, message):
    with pytest.raises(BadInputError, match=message):
        _from_dict(_Later, data)


def test_from_dict_accepts_what_the_annotations_allow():
    later = _from_dict(_Later, {"share": 1, "names": ["b", "c"], "limit": None, "mode": "x"})
    assert later == _Later(1.0, ("b", "c"), None, "x")


def test_load_config_file_refuses_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(BadInputError, match=r"c\.toml' is not a text file"):
        load_config_file(path)


def test_load_config_file_says_a_folder_is_a_folder(tmp_path):
    folder = tmp_path / "c.toml"
    folder.mkdir()
    with pytest.raises(BadInputError, match="is a folder, not a file"):
        load_config_file(folder)

