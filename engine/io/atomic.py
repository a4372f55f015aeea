"""Atomic outputs: write to a temporary file next to the target, then rename it."""

from __future__ import annotations

import errno
import filecmp
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from engine.errors import OutputWriteError
from engine.io.paths import exists_message

__all__ = ["atomic_output", "copy_if_different", "temporary_prefix", "remove_stale_temporaries",
           "write_failure_message", "removing_if_left_empty"]

logger = logging.getLogger(__name__)

# Sidecar files GDAL/SQLite may create next to a temporary output.
_SIDECARS = ("", ".aux.xml", "-journal", "-wal", "-shm")
#: Marks a temporary output: ``.<name>.partial.<host>.<pid>.<random><suffix>``, so that a
#: later run recognises the ones a killed run left and removes them.
TEMPORARY_MARK = "partial"
# Below this much free space (bytes) a failed write is put down to a full disk.
_FULL_DISK_BYTES = 1 << 20
_FULL_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_FULL_DISK_TEXTS = ("no space left", "disk is full", "disk full", "quota exceeded")
# Longer GDAL messages (a whole SQL script) are cut to their end.
_MAX_REASON_CHARS = 160


def temporary_prefix(final: str) -> str:
    """The start of the names of this process's temporary files for ``final``."""
    return f".{os.path.basename(final)}.{TEMPORARY_MARK}.{socket.gethostname()}.{os.getpid()}."


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_temporaries(final: str) -> list[str]:
    """Remove the temporary files of ``final`` that ended processes of this host left.

    Temporaries of running processes (another run writing the same output) and of other
    hosts (a shared folder) are kept.

    Returns
    -------
    list of str
        The removed files.
    """
    folder, name = os.path.split(os.path.abspath(final))
    pattern = re.compile(rf"^\.{re.escape(name)}\.{TEMPORARY_MARK}\.(?P<host>.+)\.(?P<pid>\d+)\.")
    host = socket.gethostname()
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError as err:  # the caller's own checks report an unusable folder
        logger.debug("cannot list %s for stale temporaries: %s", folder, err)
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or match["host"] != host or _process_alive(int(match["pid"])):
            continue
        try:
            os.remove(entry.path)
            removed.append(entry.path)
        except FileNotFoundError:
            continue  # removed meanwhile by another run
        except OSError as err:
            logger.warning("could not remove the stale temporary file %s: %s", entry.path, err)
    if removed:
        logger.info("removed temporary files of ended runs: %s", ", ".join(removed))
    return removed


def _remove_quietly(path: str) -> None:
    for suffix in _SIDECARS:
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
        except OSError as err:  # e.g. permission lost meanwhile: say so, do not hide it
            logger.warning("could not remove temporary file %s: %s", path + suffix, err)


def _reason(err: BaseException) -> str:
    text = (err.strerror if isinstance(err, OSError) and err.strerror else str(err)).strip()
    text = " ".join(text.split())
    if not text:
        return f"GDAL gave no reason ({type(err).__name__})"
    if len(text) > _MAX_REASON_CHARS:  # GDAL ends with the cause: "... failed: disk is full"
        text = f"... {text[-_MAX_REASON_CHARS:]}"
    return text


def write_failure_message(path: str, err: BaseException) -> str:
    """Say why ``path`` could not be written, and what to do.

    A full disk or quota (by its error number, its text, or less than 1 MiB left in the
    folder) is named as such; an error without text says so and gives the free space.
    Call it before the temporary file is removed, while the disk is still as full.
    """
    folder = os.path.dirname(os.path.abspath(path))
    reason = _reason(err)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    code = getattr(err, "errno", None)
    full = (code in _FULL_DISK_ERRNOS or any(t in reason.lower() for t in _FULL_DISK_TEXTS)
            or (free is not None and free < _FULL_DISK_BYTES))
    if full:
        return (f"cannot write {path}: the disk holding {folder} is full ({reason}); free some "
                "space or choose another folder")
    if code == errno.EFBIG:
        return (f"cannot write {path}: the file is larger than this file system or process "
                f"may write ({reason}); choose another folder")
    if free is not None and reason.startswith("GDAL gave no reason"):
        reason += f"; {free / 1e6:.0f} MB free in {folder}"
    return f"cannot write {path}: {reason}"


class _CloseFailures:
    """Catches the errors of GDAL datasets that fail to close while an output is written.

    A GDAL dataset is closed (its last blocks and header written) by its destructor,
    where an error cannot propagate: Python would print "Exception ignored" and go on.
    Here such errors are kept instead, so that the output is refused; other unraisable
    errors go to the previous hook.
    """

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self._previous = sys.unraisablehook

    def __enter__(self) -> _CloseFailures:
        self._previous = sys.unraisablehook
        sys.unraisablehook = self._hook
        return self

    def _hook(self, unraisable: Any) -> None:
        name = getattr(unraisable.object, "__name__", "")
        if name.startswith("delete_") and isinstance(unraisable.exc_value, RuntimeError):
            self.errors.append(unraisable.exc_value)  # a SWIG (GDAL/OGR) destructor
        else:
            self._previous(unraisable)

    def __exit__(self, *exc: object) -> None:
        sys.unraisablehook = self._previous

    def raise_first(self) -> None:
        """Raise the first kept error, if any."""
        if self.errors:
            raise self.errors[0]


@contextmanager
def atomic_output(path: str, *, overwrite: bool, suffix: str) -> Iterator[str]:
    """Yield a temporary path next to ``path``; on success move it to ``path``.

    The temporary name carries this host and process (:func:`temporary_prefix`); those
    that ended processes left for ``path`` are removed first
    (:func:`remove_stale_temporaries`). On any error the temporary file is removed and
    GDAL or OS errors become :class:`OutputWriteError` (:func:`write_failure_message`);
    a GDAL dataset that fails to close counts as an error. Nothing is ever left
    half-written under ``path``.
    """
    final = os.path.abspath(path)
    if os.path.exists(final) and not overwrite:
        raise OutputWriteError(exists_message(path))
    parent = os.path.dirname(final)
    if not os.path.isdir(parent):
        raise OutputWriteError(f"cannot write {path}: the folder {parent} does not exist")
    remove_stale_temporaries(final)
    try:
        handle, tmp = tempfile.mkstemp(prefix=temporary_prefix(final), suffix=suffix,
                                       dir=parent)
    except OSError as err:
        raise OutputWriteError(
            f"cannot write {path}: {err.strerror}; choose a folder you can write to"
        ) from err
    os.close(handle)
    os.remove(tmp)  # the drivers create the file themselves
    with _CloseFailures() as failures:
        try:
            yield tmp
            failures.raise_first()
            os.replace(tmp, final)
        except (RuntimeError, OSError) as err:
            message = write_failure_message(path, err)  # while the disk is as full
            _discard(tmp, err)
            raise OutputWriteError(message) from err
        except BaseException as err:
            _discard(tmp, err)
            raise


def _discard(tmp: str, err: BaseException) -> None:
    # The frames of the traceback may hold the last reference to the GDAL dataset being
    # written; clearing their locals closes it now, before its file is removed.
    traceback.clear_frames(err.__traceback__)
    _remove_quietly(tmp)


def copy_if_different(source: str, target: str) -> bool:
    """Make ``target`` a copy of ``source`` (atomically) unless it already is one.

    Returns
    -------
    bool
        True when ``target`` was missing or different and has been written.
    """
    if os.path.isfile(target) and filecmp.cmp(source, target, shallow=False):
        return False
    with atomic_output(target, overwrite=True, suffix=os.path.splitext(target)[1]) as tmp:
        shutil.copyfile(source, tmp)
    return True


@contextmanager
def removing_if_left_empty(folder: str | os.PathLike, *, enabled: bool = True) -> Iterator[None]:
    """Remove ``folder`` when the block fails and leaves it empty, unless it existed before.

    For folders a run creates before it has anything to put in them (the rounds folder
    of ``train``): a run that fails early leaves nothing behind.
    """
    existed = os.path.exists(folder)
    try:
        yield
    except BaseException:
        if enabled and not existed and os.path.isdir(folder) and not os.listdir(folder):
            try:
                os.rmdir(folder)
            except OSError as err:  # filled or removed meanwhile: say so, keep the error
                logger.warning("could not remove the empty folder %s: %s", folder, err)
        raise
