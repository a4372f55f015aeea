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
