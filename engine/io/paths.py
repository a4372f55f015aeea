"""Paths before any work: the files an input is made of, outputs that may be written."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from osgeo import gdal

from engine.errors import BadInputError, OutputWriteError

__all__ = [
    "LAYER_OPTION",
    "split_layer",
    "input_files",
    "check_input_file",
    "exists_message",
    "refuse_inputs",
    "check_output_file",
    "check_output_folder",
    "check_outputs",
]

gdal.UseExceptions()

#: The OGR/QGIS way of naming one layer of a vector file: ``path|layername=NAME``.
LAYER_OPTION = "layername"
# Datasets made of datasets (a VRT of VRTs) are followed this deep at most.
_MAX_DEPTH = 8

#: An input option: its name (e.g. "--image") and one path, several, or None.
Inputs = Mapping[str, "str | Path | Sequence[str | Path] | None"]


def split_layer(path: str | Path) -> tuple[str, str | None]:
    """Split ``file|layername=NAME`` into the file and the layer name (None when absent).

    Raises
    ------
    BadInputError
        Something other than ``layername=NAME`` after the ``|``.
    """
    text = str(path)
    if "|" not in text:
        return text, None
    file, _, option = text.partition("|")
    key, sep, name = option.partition("=")
    if key.strip().lower() != LAYER_OPTION or not sep or not name.strip():
        raise BadInputError(f"{text!r}: after '|' only '{LAYER_OPTION}=NAME' is understood, "
                            f"e.g. {file}|{LAYER_OPTION}=roads")
    return file, name.strip()


def _is_virtual(path: str) -> bool:
    # GDAL virtual file systems (/vsizip/, /vsicurl/, ...) are checked by GDAL itself.
    return path.startswith("/vsi")


def _members(path: str) -> list[str]:
    """The files GDAL says a dataset is made of; none when GDAL cannot open it."""
    try:
        ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError:  # not a dataset (a model or configuration file): only itself
        return []
    return [] if ds is None else list(ds.GetFileList() or [])


def input_files(path: str | Path) -> list[str]:
    """The file ``path`` names and every file it is made of, as absolute real paths.

    GDAL's file list of the dataset is followed recursively: a VRT gives its sources
    (and a VRT of VRTs theirs), a shapefile its .dbf, .shx and .prj. A ``|layername=``
    suffix is dropped. Paths that do not exist are returned as they are.
    """
    seen: dict[str, None] = {}
    pending = [(split_layer(path)[0], 0)]
    while pending:
        item, depth = pending.pop()
        real = item if _is_virtual(item) else os.path.realpath(item)
        if real in seen:
            continue
        seen[real] = None
        if depth < _MAX_DEPTH and os.path.isfile(real):
            pending.extend((member, depth + 1) for member in _members(real))
    return list(seen)


def check_input_file(path: str | Path, what: str, *,
                     error: type[BadInputError] = BadInputError) -> str:
    """Raise ``error`` unless ``path`` is a readable file; return the file's path.

    Parameters
    ----------
    path : str or Path
        A ``|layername=`` suffix is allowed (and dropped); /vsi paths are left to GDAL.
    what : str
        How the message names the file, e.g. "model file" or "raster".
    error : subclass of BadInputError
        The error raised, e.g. ModelLoadError.
    """
    file = split_layer(path)[0]
    if _is_virtual(file):
        return file
    if not os.path.exists(file):
        raise error(f"{what} {file} does not exist; check the path")
    if os.path.isdir(file):
        raise error(f"{what} {file} is a folder, not a file; give the file itself")
    if not os.access(file, os.R_OK):
        raise error(f"{what} {file} cannot be read (no permission); check its permissions")
    return file


def exists_message(path: str | Path) -> str:
    """The refusal of an existing output, with the way to replace it."""
    return (f"{path} already exists; pass --overwrite (overwrite=True in Python) to replace "
            "it, or choose another name")


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)


def _listed(paths: str | Path | Sequence[str | Path] | None) -> list[str]:
    if paths is None:
        return []
    if isinstance(paths, str | Path):
        return [str(paths)]
    return [str(p) for p in paths if p]


def refuse_inputs(outputs: Mapping[str, str | Path], inputs: Inputs) -> None:
    """Refuse any output that is an input or one of the files an input is made of.

    Parameters
    ----------
    outputs : mapping of option name to path
        E.g. ``{"--out": "prob.tif"}``.
    inputs : mapping of option name to a path, paths or None
        Rasters, vectors (``|layername=`` allowed), models, configuration files.

    Raises
    ------
    OutputWriteError
        Naming the output, the input and, for a VRT or the like, the file it is made of.
    """
    made_of = [(option, path, input_files(path))
               for option, paths in inputs.items() for path in _listed(paths)]
    for out_option, out in outputs.items():
        for in_option, path, files in made_of:
            hit = next((f for f in files if _same_file(str(out), f)), None)
            if hit is None:
                continue
            source = split_layer(path)[0]
            via = "" if _same_file(hit, source) else f", which reads {hit}"
            raise OutputWriteError(
                f"{out_option} {out} would overwrite the input {in_option} {source}{via}; "
                "choose another output name (an input is never overwritten)")


def check_output_file(path: str | Path, *, option: str, overwrite: bool) -> None:
    """Refuse an output file that cannot be written: its folder is missing or read-only,
    it is a folder, or it exists and ``overwrite`` is False."""
    out = Path(path)
    parent = out.absolute().parent
    if not parent.is_dir():
        raise OutputWriteError(f"cannot write {option} {out}: the folder {parent} does not "
                               "exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputWriteError(f"cannot write {option} {out}: the folder {parent} is not "
                               "writable; choose a folder you can write to")
    if out.is_dir():
        raise OutputWriteError(f"{option} {out} is a folder; give a file name")
    if out.exists() and not overwrite:
        raise OutputWriteError(f"{option} {exists_message(out)}")


def check_output_folder(path: str | Path, *, option: str, create: bool) -> None:
    """Refuse an output folder that is a file, is not writable, or is missing when it
    may not be created (``create`` False); with ``create``, its nearest existing parent
    must be writable."""
    folder = Path(path).absolute()
    if folder.exists() and not folder.is_dir():
        raise OutputWriteError(f"{option} {path} is a file, not a folder; give a folder")
    if not folder.exists() and not create:
        raise OutputWriteError(f"{option} {path} is not a folder; create it first")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise OutputWriteError(f"cannot create {option} {path}: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputWriteError(f"cannot write into {option} {path}: {existing} is not "
                               "writable; choose a folder you can write to")


def check_outputs(outputs: Mapping[str, str | Path], inputs: Inputs, *,
                  overwrite: bool) -> None:
    """:func:`refuse_inputs`, then :func:`check_output_file` of each output."""
    refuse_inputs(outputs, inputs)
    for option, out in outputs.items():
        check_output_file(out, option=option, overwrite=overwrite)
