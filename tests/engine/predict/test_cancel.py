"""Cancel between windows, and empty areas skipped without reading them window by window."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from osgeo import gdal

from engine.errors import CancelledError, RasterReadError
from engine.events import CollectingSink, Reporter
from engine.io.raster import read_info
from engine.model_file import load_model
from engine.normalization import BandStats
from engine.predict import PredictConfig, WindowLayout, predict_raster
from engine.predict import reader as reader_module
from engine.predict.forward import forward_probability
from engine.predict.reader import read_batches
from engine.predict.threads import Prefetcher

from .conftest import write_image


class _Counting(torch.nn.Module):
    """Wraps a network and records the windows of each forward pass."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model
        self.calls: list[int] = []

    def forward(self, x, **kwargs):
        self.calls.append(x.shape[0])
        return self.model(x, **kwargs)


def _stop_on_call(n: int):
    """A cancel check that raises on its n-th call and counts them."""
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) >= n:
            raise CancelledError("the run was cancelled")

    return check


@pytest.mark.parametrize("tta", [False, True])  # with TTA, also inside each of the 8 passes
def test_forward_probability_checks_for_cancel_within_each_pass(model_rgb, tta):
    model, _ = load_model(model_rgb)
    counting = _Counting(model)
    batch = np.zeros((3, 3, 64, 64), np.float32)
    layers = len(list(counting.modules()))
    with pytest.raises(CancelledError):
        forward_probability(counting, batch, device=torch.device("cpu"), tta=tta,
                            check_cancelled=_stop_on_call(layers + 3))
    assert counting.calls == [1, 1]  # one window at a time; stopped inside the second pass


def test_forward_probability_removes_its_checks_afterwards(model_rgb):
    model, _ = load_model(model_rgb)
    checks = []
    forward_probability(model, np.zeros((2, 3, 64, 64), np.float32),
                        device=torch.device("cpu"), check_cancelled=lambda: checks.append(1))
    called = len(checks)
    assert called > 2 * 10  # many layers in each of the two passes
    forward_probability(model, np.zeros((1, 3, 64, 64), np.float32), device=torch.device("cpu"))
    assert len(checks) == called


def test_forward_probability_without_a_check_predicts_the_batch_at_once(model_rgb):
    model, _ = load_model(model_rgb)
    counting = _Counting(model)
    batch = np.random.default_rng(0).random((3, 3, 64, 64)).astype(np.float32)
    whole = forward_probability(counting, batch, device=torch.device("cpu"))
    assert counting.calls == [3]
    checked = forward_probability(model, batch, device=torch.device("cpu"),
                                  check_cancelled=lambda: None)
    np.testing.assert_allclose(checked, whole, atol=1e-5)


def test_predict_raster_stops_inside_a_batch_when_cancelled(model_rgb, image_150x200,
                                                            tmp_path, monkeypatch):
    counting = {}

    def prepare(model, device):
        counting["model"] = _Counting(model.eval())
        return counting["model"]

    monkeypatch.setattr("engine.predict.streaming.prepare_model", prepare)
    polls = []
    reporter = Reporter(CollectingSink(), should_stop=lambda: polls.append(1) or len(polls) > 4)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    config = PredictConfig(tile_px=64, overlap=0.25, batch_size=8, tta=True)
    with pytest.raises(CancelledError):
        predict_raster(model_rgb, image_150x200, out_dir / "prob.tif", config, device="cpu",
                       reporter=reporter)
    assert 0 < len(counting["model"].calls) < 8  # not even one batch of 8 windows
    assert list(out_dir.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("predict-")]


@pytest.fixture
def sparse_vrt(image_150x200, tmp_path):
    """The 150 x 200 image in the top-left corner of a 1600 x 1600 VRT (nodata 0)."""
    info = read_info(str(image_150x200))
    xmin, _, _, ymax = info.bounds
    size = 1600 * info.pixel_size[0]
    vrt = tmp_path / "sparse.vrt"
    gdal.BuildVRT(str(vrt), [str(image_150x200)],
                  outputBounds=(xmin, ymax - size, xmin + size, ymax)).FlushCache()
    return vrt


def test_read_batches_skips_empty_windows_without_reading_them(model_rgb, sparse_vrt,
                                                               monkeypatch):
    reads = []
    real = reader_module.read_window
    monkeypatch.setattr(reader_module, "read_window",
                        lambda ds, window, **kw: reads.append(window) or real(ds, window, **kw))
    meta = load_model(model_rgb)[1]
    layout = WindowLayout.for_grid(1600, 1600, tile_px=64, overlap=0.25)
    batches = list(read_batches(str(sparse_vrt), layout, BandStats.from_dict(
        meta["normalization"]), batch_size=4))
    assert sum(b.windows_done for b in batches) == len(layout) == 33 * 33
    predicted = sum(len(b.offsets) for b in batches)
    assert sum(b.skipped for b in batches) == len(layout) - predicted
    assert len(reads) == predicted == 4 * 5  # the windows over the image, read once each
    assert max(b.windows_done for b in batches) <= 64  # progress at least every 64 windows


def test_prefetcher_polls_while_the_producer_is_busy():
    release = threading.Event()

    def slow():
        release.wait(30)  # a read that takes long
        yield 1

    prefetcher = Prefetcher(slow, depth=1, on_wait=_stop_on_call(2))
    try:
        with pytest.raises(CancelledError):
            list(prefetcher)  # raised by the poll, while the producer still reads
    finally:
        release.set()
        prefetcher.close()


def test_predict_raster_refuses_a_raster_gdal_reports_empty(model_rgb, tmp_path):
    image = write_image(tmp_path / "image.tif", np.ones((3, 64, 64), np.uint8))
    vrt = tmp_path / "empty.vrt"  # covers ground where the image is not
    info = read_info(str(image))
    xmin, ymin, xmax, ymax = info.bounds
    gdal.BuildVRT(str(vrt), [str(image)], srcNodata=0, VRTNodata=0,
                  outputBounds=(xmax + 100, ymin, xmax + 200, ymax)).FlushCache()
    with pytest.raises(RasterReadError, match=r"empty\.vrt holds only nodata pixels"):
        predict_raster(model_rgb, vrt, tmp_path / "prob.tif", device="cpu")
    assert not (tmp_path / "prob.tif").exists()
