"""Tests of engine.vectorize.probability: Byte, Float and 0/1 rasters, and wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.errors import BadInputError
from engine.io.probability import BYTE_SCALE, PROBABILITY_TAG, read_probability
from engine.io.raster import read_info


class TestReadProbability:
    def test_read_probability_byte_scaled_with_255_nodata(self, write_prob):
        path = write_prob(np.array([[0, 127, 254, 255]], np.uint8))  # no declared nodata
        prob, valid = read_probability(read_info(path))
        assert prob.dtype == np.float32
        assert prob[0].tolist() == pytest.approx([0.0, 0.5, 1.0, 0.0])
        assert valid.tolist() == [[True, True, True, False]]

    def test_read_probability_byte_mask_of_ones_is_road(self, write_prob):
        # A 0/1 mask: 1 is road (probability 1), not 1/254.
        path = write_prob(np.array([[0, 1, 1, 0]], np.uint8))
        prob, _ = read_probability(read_info(path))
        assert prob.tolist() == [[0.0, 1.0, 1.0, 0.0]]

    def test_read_probability_tagged_byte_is_never_a_mask(self, write_prob):
        # predict's output of a scene without roads may hold only 0 and 1 (p = 1/254);
        # its tag says it is a probability.
        path = write_prob(np.array([[0, 1, 1, 255]], np.uint8), nodata=255)
        ds = gdal.Open(path, gdal.GA_Update)
        ds.SetMetadataItem(PROBABILITY_TAG, str(BYTE_SCALE))
        ds = None
        prob, valid = read_probability(read_info(path))
        assert prob[0].tolist() == pytest.approx([0.0, 1 / 254, 1 / 254, 0.0])
        assert valid[0].tolist() == [True, True, True, False]

    def test_read_probability_untagged_0_1_with_nodata_255_is_a_mask(self, write_prob):
        # A truth-style mask (1 road, 0 background, 255 ignore) reads as a mask.
        path = write_prob(np.array([[0, 1, 1, 255]], np.uint8), nodata=255)
        prob, valid = read_probability(read_info(path))
        assert prob[0].tolist() == [0.0, 1.0, 1.0, 0.0]
        assert valid[0].tolist() == [True, True, True, False]

    @pytest.mark.parametrize("dtype", ["uint16", "int32"])  # masks saved as wider integers
    def test_read_probability_wider_integer_0_1_is_a_mask(self, write_prob, dtype):
        prob, _ = read_probability(read_info(write_prob(np.array([[0, 1]], dtype))))
        assert prob.tolist() == [[0.0, 1.0]]

    def test_read_probability_rejects_integers_that_are_not_a_mask(self, write_prob):
        path = write_prob(np.array([[0, 7]], np.uint16))
        with pytest.raises(BadInputError, match="values up to 7: an integer raster must be"):
            read_probability(read_info(path))

    @pytest.mark.parametrize("dtype", ["float32", "float64"])
    def test_read_probability_float_with_its_nodata(self, write_prob, dtype):
        path = write_prob(np.array([[0.25, -1.0, 1.0, np.nan]], dtype), nodata=-1)
        prob, valid = read_probability(read_info(path))
        assert prob.dtype == np.float32
        assert prob.tolist() == [[0.25, 0.0, 1.0, 0.0]]
        assert valid.tolist() == [[True, False, True, False]]

    @pytest.mark.parametrize(("array", "what"), [
        (np.zeros((2, 4, 4), np.uint8), "2 band\\(s\\) of uint8"),  # two bands
        (np.zeros((3, 4, 4), np.float32), "3 band\\(s\\) of float32"),  # an RGB image
    ])
    def test_read_probability_wrong_raster_type(self, write_prob, array, what):
        path = write_prob(array)
        with pytest.raises(BadInputError, match=f"1 band Byte \\(0-254\\) or Float32 in "
                           f"\\[0, 1\\], or a 1-band 0/1 mask; got {what} .* give the "
                           "output of `predict`"):
            read_probability(read_info(path))

    def test_read_probability_float_out_of_range(self, write_prob):
        path = write_prob(np.array([[0.0, 200.0]], np.float32))
        with pytest.raises(BadInputError, match="must hold values in \\[0, 1\\].* 0 to 200"):
            read_probability(read_info(path))


class TestProbabilityReader:
    def test_probability_reader_windows_equal_the_whole(self, write_prob):
        from engine.io.probability import ProbabilityReader
        from engine.io.windows import Window

        data = np.random.default_rng(0).integers(0, 256, (64, 80)).astype(np.uint8)
        path = write_prob(data)
        whole_prob, whole_valid = read_probability(read_info(path))
        reader = ProbabilityReader(read_info(path))
        prob, valid = reader.read(Window(10, 20, 30, 40))
        np.testing.assert_array_equal(prob, whole_prob[10:40, 20:60])
        np.testing.assert_array_equal(valid, whole_valid[10:40, 20:60])

    def test_probability_reader_decides_mask_or_probability_on_the_whole_raster(
            self, write_prob, monkeypatch):
        # 0/1 everywhere but one 2 far away, in another scan block: a Byte probability,
        # so a 1 is 1/254 in every window, also where the window holds only 0 and 1.
        import engine.io.probability as module
        from engine.io.probability import ProbabilityReader
        from engine.io.windows import Window

        monkeypatch.setattr(module, "_SCAN_BLOCK_PX", 16)
        data = np.zeros((64, 64), np.uint8)
        data[:8, :8] = 1
        data[60, 60] = 2
        reader = ProbabilityReader(read_info(write_prob(data)))
        assert not reader.is_mask
        prob, _ = reader.read(Window(0, 0, 8, 8))
        assert prob.max() == pytest.approx(1 / 254)

    def test_probability_reader_rejects_an_integer_raster_beyond_one_block(self, write_prob,
                                                                        monkeypatch):
        import engine.io.probability as module
        from engine.io.probability import ProbabilityReader

        monkeypatch.setattr(module, "_SCAN_BLOCK_PX", 16)
        data = np.zeros((64, 64), np.uint16)
        data[60, 60] = 7
        with pytest.raises(BadInputError, match="values up to 7: an integer raster must be"):
            ProbabilityReader(read_info(write_prob(data)))

    def test_probability_reader_checks_floats_in_each_window(self, write_prob):
        from engine.io.probability import ProbabilityReader
        from engine.io.windows import Window

        data = np.zeros((32, 32), np.float32)
        data[30, 30] = 5.0
        reader = ProbabilityReader(read_info(write_prob(data)))
        reader.read(Window(0, 0, 16, 16))  # a window without the bad value reads fine
        with pytest.raises(BadInputError, match=r"must hold values in \[0, 1\].* 0 to 5"):
            reader.read(Window(16, 16, 16, 16))
