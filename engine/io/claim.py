"""Claims on outputs: one run at a time writes a given output.

Two runs given the same output would both find it missing at start, both write it, and
the later rename would silently replace the earlier result. A run therefore claims each
of its outputs when it starts: an exclusive ``flock`` on a hidden file beside the output,
``.<name>.claim``, which holds the claiming process's id and host. The kernel releases the
lock when the process ends in any way (SIGKILL included), so a claim file left behind by
a killed run holds no lock and does not stop the next run; a run that ends normally
removes its claim files.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from engine.errors import OutputWriteError

__all__ = ["CLAIM_SUFFIX", "claim_path", "claimed_outputs"]

logger = logging.getLogger(__name__)

#: The end of a claim file's name: ``.<output name>.claim`` beside the output.
CLAIM_SUFFIX = ".claim"
# Errors of file systems that do not lock (some network mounts): no claim is possible.
_NO_LOCKS = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS)
# The holder's line is read back at most this long.
_MAX_HOLDER_BYTES = 256


def claim_path(output: str | os.PathLike) -> Path:
    """The claim file of ``output``: ``.<name>.claim`` in the output's folder."""
    out = Path(output).absolute()
    return out.with_name(f".{out.name}{CLAIM_SUFFIX}")


@contextmanager
def claimed_outputs(outputs: Mapping[str, str | os.PathLike]) -> Iterator[None]:
    """Hold an exclusive claim on every output for the block.

    Parameters
    ----------
    outputs : mapping of option name to path
        E.g. ``{"--out": "prob.tif"}``; the option names the output in a refusal. Each
        output's folder must exist (the callers' output checks come first).

    Raises
    ------
    OutputWriteError
        Another running process holds the claim of one of the outputs; the message names
        the output and that process (its id and host). Claims already taken are released.
    """
    with ExitStack() as stack:
        for option, path in outputs.items():
            stack.enter_context(_claim(option, path))
        yield


@contextmanager
def _claim(option: str, output: str | os.PathLike) -> Iterator[None]:
    """Claim one output for the block; remove its claim file at the end."""
    path = claim_path(output)
    fd = _locked(option, output, path)
    if fd is None:  # a file system without locks: said in a warning, the run goes on
        yield
        return
    try:
        _record_holder(fd)
        yield
    finally:
        _release(fd, path)


def _locked(option: str, output: str | os.PathLike, path: Path) -> int | None:
    """An open descriptor of ``path`` holding its exclusive lock (None without locks)."""
    while True:
        fd = _open(option, output, path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputWriteError(
                f"{option} {output} is being written by another run ({holder}); wait until "
                "that run ends, or choose another output name") from None
        except OSError as err:
            os.close(fd)
            if err.errno not in _NO_LOCKS:
                raise OutputWriteError(f"cannot claim {option} {output}: {err.strerror} "
                                       f"({path})") from err
            logger.warning("the folder of %s does not support file locks (%s): another run "
                           "writing it at the same time would not be noticed", output,
                           err.strerror)
            return None
        if _is_current(fd, path):
            return fd
        # The previous holder removed the file between our open and our lock: the lock
        # is on a file nobody else will look at; claim the file now at that name.
        os.close(fd)


def _open(option: str, output: str | os.PathLike, path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError as err:
        raise OutputWriteError(f"cannot write {option} {output}: the folder {path.parent} "
                               "does not exist; create it first") from err
    except OSError as err:
        raise OutputWriteError(f"cannot write {option} {output}: {err.strerror} ({path}); "
                               "choose a folder you can write to") from err


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path`` (not removed or replaced meanwhile)."""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _record_holder(fd: int) -> None:
    """Write this process's id and host into the claim, for the message of a refused run."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)


def _holder(fd: int) -> str:
    """Who holds the claim, as its file says."""
    try:
        text = os.pread(fd, _MAX_HOLDER_BYTES, 0).decode(errors="replace").split()
    except OSError as err:  # the refusal stands; only its detail is lost
        logger.debug("cannot read the claim's holder: %s", err)
        text = []
    if len(text) >= 2 and text[0].isdigit():
        return f"process {text[0]} on {text[1]}"
    return "a process that has just started"  # it has locked but not yet written its id


def _release(fd: int, path: Path) -> None:
    """Remove the claim file, then drop the lock (closing the file releases it)."""
    try:
        os.unlink(path)  # still holding the lock: no other run has it in between
    except FileNotFoundError:
        logger.warning("the claim file %s was removed while this run held it", path)
    except OSError as err:  # e.g. the folder became read-only: a stale file, no harm
        logger.warning("could not remove the claim file %s: %s", path, err)
    finally:
        os.close(fd)
