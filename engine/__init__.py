"""Training and inference engine of the road-extraction plugin (torch, numpy, GDAL)."""

__version__ = "0.1.0"
