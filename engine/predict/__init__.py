"""Prediction of whole rasters: streamed windows, Hann blending, a probability GeoTIFF."""

from .config import NODATA, OUTPUT_DTYPES, PredictConfig
from .layout import WindowLayout, hann_window, stride_px, window_starts
from .streaming import PredictResult, predict_raster

__all__ = [
    "NODATA",
    "OUTPUT_DTYPES",
    "PredictConfig",
    "PredictResult",
    "WindowLayout",
    "hann_window",
    "predict_raster",
    "stride_px",
    "window_starts",
]
