"""Stopping an evaluation wherever it is, within a fraction of a second of a cancel.

``predict`` and ``extract`` check for a cancel at chosen points (before each layer, between
written rows), because they write files that must not be left half-done. An evaluation
writes nothing, and its long steps are deep in code that has no such points: the
vectorisation of a 2048 px block of a dense prediction (seconds in skeleton clean-up and
spur pruning), the graphs' construction, APLS. So while :func:`stop_when_asked` is active,
a watcher thread polls ``should_stop`` and, once it turns true, raises
:class:`~engine.errors.CancelledError` in the evaluating thread itself, which Python
delivers at its next bytecode. A single call into compiled code (a GEOS buffer, a scipy
Dijkstra batch) runs to its end first, so the callers keep those calls short (the
centerline scores cut dense tiles smaller, :mod:`engine.metrics.centerline`).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import CancelledError

__all__ = ["POLL_S", "stop_when_asked"]

#: How often (seconds) the watcher asks whether to stop.
POLL_S = 0.1
# CPython's call that makes another thread raise an exception at its next bytecode.
_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


@contextmanager
def stop_when_asked(should_stop: Callable[[], bool]) -> Iterator[None]:
    """Raise CancelledError in this thread, wherever it is, once ``should_stop()`` is true.

    Only for work that writes nothing: the error may arrive between any two bytecodes.
    It is sent once (sending it again could reach the thread after the block, if the first
    arrived in this function's own clean-up); should code in between catch it, it is
    raised at the block's end instead. None is left pending after the block.

    Raises
    ------
    CancelledError
        ``should_stop()`` turned true while the block ran.
    """
    target = threading.get_ident()
    finished = threading.Event()
    fired = threading.Event()

    def watch() -> None:
        while not finished.wait(POLL_S):
            if should_stop():
                fired.set()
                _set_async_exc(target, CancelledError)
                return

    watcher = threading.Thread(target=watch, name="evaluate-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
        # A cancel sent as the block ended and not yet delivered is withdrawn (NULL), then
        # raised below: none reaches the code after the block.
        _set_async_exc(target, ctypes.py_object())
    if fired.is_set():  # the block ended (or swallowed the error) after the cancel
        raise CancelledError("the run was cancelled")
