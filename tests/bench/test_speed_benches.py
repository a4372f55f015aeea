"""Helpers of the speed benchmarks: area rates, GPU peaks, FLOPs of a training step."""

import gc

import torch

from bench.predict_speed import area_rates
from bench.train_throughput import _inputs, peak_tflops, step_flops
from engine.config import TrainConfig
from engine.models import build_model


def test_area_rates_convert_pixels_to_square_kilometres_per_hour():
    rates = area_rates(2_000_000, 2.0, 0.5)  # 1e6 px/s of 0.25 m2 = 900 km2/h
    assert rates == {"pixels_per_s": 1_000_000, "km2_per_h": 900.0}


def test_no_peak_on_the_cpu():
    assert peak_tflops(torch.device("cpu")) is None


def test_the_contrastive_step_costs_more_flops_than_the_supervised_one(tmp_path):
    config = TrainConfig().updated({
        "model": {"arch": "unet", "base_width": 4, "depth": 2, "embed_dim": 4},
        "crop_px": 32, "batch_size": 2,
        "val_tile_px": 32, "norm_sample_px": 5000,
        "contrastive": {"enabled": True, "core_px": 32, "view_px": 48, "negative_px": 48,
                        "cell_px": 16, "anchors": 16, "negatives": 16, "pairs_per_step": 1}})
    inputs, bands = _inputs(tmp_path, config, 128)
    model = build_model(config.model, in_channels=bands, seed=0)
    cpu = torch.device("cpu")
    supervised = step_flops(model, inputs, config.updated({"contrastive": {"enabled": False}}),
                            cpu)
    full = step_flops(model, inputs, config, cpu)
    # The readers hold GDAL datasets: close them now, not after QGIS has shut GDAL down.
    del inputs
    gc.collect()
    # Two views of 48 px and a 48 px negative region on top of 2 crops of 32 px.
    assert supervised > 0
    assert full > 2 * supervised
