"""Model files across formats: one made before the ImageNet encoders still predicts, and the
input scaling a model records is the one prediction applies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from engine.config import TrainConfig
from engine.model_file import load_model, read_model_file
from engine.normalization import BandStats, normalize
from engine.predict import predict_raster

from .cli.conftest import write_model
from .predict.conftest import write_image

DATA = Path(__file__).resolve().parents[1] / "data"
#: Written by the engine before the ImageNet encoders (commit fd2cc0d): a 1-band scratch
#: U-Net (width 4, depth 2) whose config has no `pretrained` key, and its probabilities on
#: the image of `_old_image`, computed by that engine.
OLD_MODEL = DATA / "model_format1_unet_1band.pt"
OLD_EXPECTED = DATA / "model_format1_unet_1band_expected.npy"


def _old_image() -> np.ndarray:
    return np.arange(40 * 48, dtype=np.float32).reshape(1, 40, 48) % 255


def test_a_model_file_made_before_the_imagenet_encoders_loads_as_it_was() -> None:
    model, meta = load_model(OLD_MODEL)
    assert meta["config"]["model"]["arch"] == "unet" and "pretrained" not in \
        meta["config"]["model"]
    x = normalize(_old_image(), BandStats.from_dict(meta["normalization"]))
    with torch.no_grad():
        prob = torch.sigmoid(model(torch.from_numpy(x)[None], with_embedding=False).logits)
    np.testing.assert_allclose(prob[0, 0].numpy(), np.load(OLD_EXPECTED), atol=1e-6)


def test_a_model_file_made_before_the_imagenet_encoders_still_predicts(tmp_path) -> None:
    image = write_image(tmp_path / "pan.tif", _old_image().astype(np.uint8) + 1, nodata=None)
    result = predict_raster(OLD_MODEL, image, tmp_path / "prob.tif", device="cpu")
    from osgeo import gdal

    prob = gdal.Open(str(result.out_path)).ReadAsArray()
    assert prob.shape == (40, 48) and prob.min() >= 0 and prob.max() <= 254


def _encoder_model_file(path: Path, bands: int) -> Path:
    config = TrainConfig().updated({"model": {"arch": "mobilenet_v2", "base_width": 8,
                                              "embed_dim": 4}})
    return write_model(path, config, bands=bands)


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
def test_the_recorded_input_scaling_is_the_one_prediction_applies(tmp_path, bands) -> None:
    path = _encoder_model_file(tmp_path / "m.pt", bands)
    state, meta = read_model_file(path)
    scaling = meta["input_scaling"]
    assert len(scaling["mean"]) == bands == len(scaling["std"])
    model, _ = load_model(path)
    backbone = model.backbone
    np.testing.assert_allclose(backbone.input_mean.flatten().numpy(), scaling["mean"])
    np.testing.assert_allclose(backbone.input_std.flatten().numpy(), scaling["std"])
    x = torch.rand(1, bands, 64, 64)
    want = (x - torch.tensor(scaling["mean"]).view(1, -1, 1, 1)) / \
        torch.tensor(scaling["std"]).view(1, -1, 1, 1)
    assert torch.allclose(backbone.scale_input(x), want)


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
def test_an_encoder_model_predicts_a_raster_of_the_images_size(tmp_path, bands) -> None:
    from osgeo import gdal

    path = _encoder_model_file(tmp_path / "m.pt", bands)
    pixels = np.random.default_rng(0).integers(1, 255, (bands, 70, 90), dtype=np.uint8)
    image = write_image(tmp_path / "img.tif", pixels)
    result = predict_raster(path, image, tmp_path / "prob.tif", device="cpu")
    prob = gdal.Open(str(result.out_path))
    assert (prob.RasterYSize, prob.RasterXSize) == (70, 90)
