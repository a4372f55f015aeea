"""PredictConfig: how a raster is cut into windows, predicted and written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import BadInputError
from ..io.probability import BYTE_NODATA

__all__ = ["PredictConfig", "OUTPUT_DTYPES", "NODATA"]

#: Output pixel types: "byte" stores round(probability * 254), "float32" the probability.
OUTPUT_DTYPES = ("byte", "float32")
#: Nodata of each output type: 255 is above every byte probability (0-254), and -1.0 is
#: outside [0, 1] while staying a plain number that every GIS reads (NaN nodata is not).
NODATA = {"byte": BYTE_NODATA, "float32": -1.0}
#: Window sides must be multiples of this: the networks down-sample by up to 2 ** 5.
_TILE_MULTIPLE_PX = 32
#: Largest overlap between neighbouring windows, as a fraction of the window side.
_MAX_OVERLAP = 0.75


def _check(condition: bool, name: str, value: Any, allowed: str) -> None:
    if not condition:
        raise BadInputError(f"prediction setting {name}={value!r} is invalid: {allowed}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class PredictConfig:
    """Settings of :func:`engine.predict.predict_raster`."""

    tile_px: int = 512  # side of the square windows fed to the model, a multiple of 32
    overlap: float = 0.25  # fraction of a window shared with its neighbour, in [0, 0.75]
    batch_size: int = 4  # windows per forward pass
    tta: bool = False  # average the 8 flips/rotations (D4) of each window: 8x slower
    output_dtype: str = "byte"  # "byte" (probability x 254, 255 nodata) or "float32" (-1 nodata)
    amp: bool = True  # bf16 autocast on CUDA; ignored on the CPU (fp32 is faster there)
    prefetch: int = 2  # batches read and normalised ahead of the model by the reader thread

    def __post_init__(self) -> None:
        _check(_is_int(self.tile_px) and self.tile_px >= _TILE_MULTIPLE_PX
               and self.tile_px % _TILE_MULTIPLE_PX == 0, "tile_px", self.tile_px,
               f"a multiple of {_TILE_MULTIPLE_PX} pixels, at least {_TILE_MULTIPLE_PX}")
        _check(isinstance(self.overlap, int | float) and not isinstance(self.overlap, bool)
               and 0.0 <= self.overlap <= _MAX_OVERLAP, "overlap", self.overlap,
               f"a fraction in [0, {_MAX_OVERLAP}]")
        _check(_is_int(self.batch_size) and self.batch_size >= 1, "batch_size",
               self.batch_size, "an integer >= 1")
        _check(isinstance(self.tta, bool), "tta", self.tta, "true or false")
        _check(self.output_dtype in OUTPUT_DTYPES, "output_dtype", self.output_dtype,
               f"one of {', '.join(OUTPUT_DTYPES)}")
        _check(isinstance(self.amp, bool), "amp", self.amp, "true or false")
        _check(_is_int(self.prefetch) and self.prefetch >= 1, "prefetch", self.prefetch,
               "an integer >= 1")

    @property
    def nodata(self) -> float:
        """The nodata value written for pixels without valid input."""
        return NODATA[self.output_dtype]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PredictConfig:
        """Build from :meth:`to_dict`'s output; unknown keys are rejected by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BadInputError(f"unknown prediction setting(s) {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(known))}")
        return cls(**data)
