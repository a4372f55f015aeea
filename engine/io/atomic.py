"""Atomic outputs: write to a temporary file next to the target, then rename it."""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import OutputWriteError

__all__ = ["atomic_output"]

logger = logging.getLogger(__name__)

# Sidecar files GDAL/SQLite may create next to a temporary output.
_SIDECARS = ("", ".aux.xml", "-journal", "-wal", "-shm")


def _remove_quietly(path: str) -> None:
    for suffix in _SIDECARS:
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
        except OSError as err:  # e.g. permission lost meanwhile: say so, do not hide it
            logger.warning("could not remove temporary file %s: %s", path + suffix, err)


@contextmanager
def atomic_output(path: str, *, overwrite: bool, suffix: str) -> Iterator[str]:
    """Yield a temporary path next to ``path``; on success move it to ``path``.

    On any error the temporary file is removed and GDAL or OS errors become
    :class:`OutputWriteError`. Nothing is ever left half-written under ``path``.
    """
    final = os.path.abspath(path)
    if os.path.exists(final) and not overwrite:
        raise OutputWriteError(f"{path} already exists; pass overwrite=True to replace it")
    parent = os.path.dirname(final)
    if not os.path.isdir(parent):
        raise OutputWriteError(f"cannot write {path}: the folder {parent} does not exist")
    try:
        handle, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(final)}.", suffix=suffix, dir=parent
        )
    except OSError as err:
        raise OutputWriteError(
            f"cannot write {path}: {err.strerror}; choose a folder you can write to"
        ) from err
    os.close(handle)
    os.remove(tmp)  # the drivers create the file themselves
    try:
        yield tmp
        os.replace(tmp, final)
    except (RuntimeError, OSError) as err:
        _discard(tmp, err)
        raise OutputWriteError(f"cannot write {path}: {err}") from err
    except BaseException as err:
        _discard(tmp, err)
        raise


def _discard(tmp: str, err: BaseException) -> None:
    # The frames of the traceback may hold the last reference to the GDAL dataset being
    # written; clearing their locals closes it now, before its file is removed.
    traceback.clear_frames(err.__traceback__)
    _remove_quietly(tmp)
