"""Tests of engine.model_file: crafted or damaged model files are refused with the reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from engine.errors import ModelLoadError
from engine.model_file import FORMAT, load_model, read_model_file, save_model
from engine.models import build_model
from engine.normalization import BandStats


@pytest.fixture(scope="module")
def good(tmp_path_factory, tiny_config) -> Path:
    path = tmp_path_factory.mktemp("model") / "good.pt"
    meta = {"bands": {"count": 3, "dtype": "uint8", "nodata": [0.0] * 3},
            "normalization": BandStats(low=(0.0,) * 3, high=(255.0,) * 3).to_dict(),
            "config": tiny_config.to_dict(), "pixel_size_m": 0.5}
    save_model(path, build_model(tiny_config.model, 3, seed=0), meta)
    return path


def _crafted(good: Path, folder: Path, *, drop: tuple[str, ...] = (), **changes) -> Path:
    """A copy of ``good`` with payload or metadata entries changed."""
    payload = torch.load(good, weights_only=True)
    meta = json.loads(payload["metadata_json"])
    for key in drop:
        meta.pop(key, None)
    payload["metadata_json"] = json.dumps({**meta, **changes.pop("meta", {})})
    payload.update(changes)
    path = folder / "crafted.pt"
    torch.save(payload, path)
    return path


@pytest.mark.parametrize(("changes", "message"), [
    ({"metadata_json": None}, "no metadata"),  # the key present but empty
    ({"metadata_json": "{not json"}, "metadata is not valid JSON"),
    ({"metadata_json": "[1, 2]"}, "metadata is a list, not a JSON object"),
    ({"meta": {"format_version": "1"}}, "format_version '1' is not a whole number"),
    ({"meta": {"bands": {"count": "three"}}}, "bands.count 'three' is not a whole number >= 1"),
    ({"meta": {"normalization": {"low": [0, 0, 0]}}}, "normalization is not usable"),
    ({"meta": {"config": {"model": "unet"}}}, "config.model is not a table"),
    ({"state_dict": [1, 2]}, "its weights .state_dict. are not a table of tensors"),
])
def test_read_model_file_names_what_is_wrong_in_a_crafted_file(good, tmp_path, changes,
                                                               message):
    path = _crafted(good, tmp_path, **changes)
    with pytest.raises(ModelLoadError, match=rf"crafted\.pt.*{message}"):
        read_model_file(path)


def test_read_model_file_refuses_metadata_without_normalization(good, tmp_path):
    path = _crafted(good, tmp_path, drop=("normalization",))
    with pytest.raises(ModelLoadError, match=r"crafted\.pt.*has no normalization"):
        read_model_file(path)


def test_read_model_file_refuses_a_payload_without_metadata(tmp_path):
    path = tmp_path / "crafted.pt"
    torch.save({"format": FORMAT, "state_dict": {}}, path)
    with pytest.raises(ModelLoadError, match=r"crafted\.pt.*has no metadata"):
        read_model_file(path)


class _Gadget:
    def __reduce__(self):
        return (os.getcwd, ())


def test_read_model_file_refuses_python_objects_without_torch_advice(tmp_path):
    path = tmp_path / "pickled.pt"
    torch.save({"format": FORMAT, "gadget": _Gadget()}, path)
    with pytest.raises(ModelLoadError, match=r"pickled\.pt holds Python objects .*posix.getcwd"
                                             r".*not loaded") as caught:
        read_model_file(path)
    assert "weights_only" not in str(caught.value)


def test_read_model_file_says_a_folder_is_a_folder(tmp_path):
    with pytest.raises(ModelLoadError, match="is a folder, not a file"):
        read_model_file(tmp_path)


def test_load_model_refuses_weights_of_another_shape(good, tmp_path, tiny_config):
    wider = build_model(tiny_config.updated({"model": {"base_width": 16}}).model, 3, seed=0)
    path = _crafted(good, tmp_path, state_dict=wider.state_dict())
    with pytest.raises(ModelLoadError, match="does not describe a usable model"):
        load_model(path)


def _zip_not_a_model(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a model")


def _pickled_dict(path: Path) -> None:
    import pickle

    path.write_bytes(pickle.dumps({"weights": [1, 2, 3]}, protocol=4))


def _cut_short(keep: float):
    """A writer of a torch file of which only the first ``keep`` share of bytes remain."""

    def write(path: Path) -> None:
        torch.save({"format": FORMAT, "state_dict": {"w": torch.zeros(1000)}}, path)
        data = path.read_bytes()
        path.write_bytes(data[:int(len(data) * keep)])

    return write


@pytest.mark.parametrize("write", [
    pytest.param(lambda p: p.write_bytes(os.urandom(4096)), id="random-bytes"),
    pytest.param(_pickled_dict, id="plain-pickle"),
    pytest.param(_zip_not_a_model, id="zip-not-a-model"),
    pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    pytest.param(lambda p: p.write_text("hello world\n"), id="text"),
    pytest.param(lambda p: torch.save({"layer": torch.nn.Linear(2, 2)}, p), id="torch-module"),
    pytest.param(_cut_short(0.5), id="cut-in-half"),
    pytest.param(_cut_short(0.995), id="last-bytes-missing"),
])
def test_read_model_file_refuses_a_bad_file_in_its_own_words(tmp_path, write):
    path = tmp_path / "bad.pt"
    write(path)
    with pytest.raises(ModelLoadError) as caught:
        read_model_file(path)
    message = str(caught.value)
    assert "bad.pt" in message
    # Never torch's advice to load the file unsafely, in any form.
    for advice in ("weights_only", "Re-running", "trusted source", "add_safe_globals"):
        assert advice not in message, message
    assert "not a readable model file" in message or "holds Python objects" in message
    assert "give a model file written by `train` or `pretrain`" in message.lower()
