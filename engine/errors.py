"""Exception hierarchy of the engine; imports nothing heavy so the plugin may use it."""

from __future__ import annotations

__all__ = [
    "EngineError",
    "BadInputError",
    "RasterReadError",
    "VectorReadError",
    "LabelsOutsideRasterError",
    "ModelLoadError",
    "OutputWriteError",
    "CancelledError",
    "MissingDependencyError",
]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose.

    ``exit_code`` is what the CLI returns for it: 2 for input the user can fix,
    1 for a failure inside the engine.
    """

    exit_code = 1


class BadInputError(EngineError, ValueError):
    """An argument, file or configuration value that the engine cannot use."""

    exit_code = 2


class RasterReadError(BadInputError):
    """A raster that is missing, unreadable or unusable (no CRS, all nodata, ...)."""


class VectorReadError(BadInputError):
    """A vector file that is missing, unreadable or holds unusable geometries."""


class LabelsOutsideRasterError(VectorReadError):
    """Label geometries that do not overlap the raster they should label."""


class ModelLoadError(BadInputError):
    """A model file that is missing, corrupt, or incompatible with the input."""


class OutputWriteError(BadInputError):
    """An output that cannot be written (exists, no permission, disk full)."""


class CancelledError(EngineError):
    """The run was asked to stop; nothing half-written is left under a final name."""

    exit_code = 130


class MissingDependencyError(EngineError):
    """A Python package the engine needs is not installed.

    Parameters
    ----------
    package : str
        The import name that failed.
    install_command : str
        The command that installs it.
    """

    def __init__(self, package: str, install_command: str) -> None:
        super().__init__(
            f"the Python package {package!r} is missing; install it with: {install_command}"
        )
        self.package = package
        self.install_command = install_command
