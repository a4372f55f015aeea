"""Worker threads of the prediction pipeline: a bounded read-ahead and an ordered writer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["Prefetcher", "OrderedWorker"]

T = TypeVar("T")

#: Seconds a blocked producer waits before it looks again whether it should stop.
_POLL_S = 0.1


class Prefetcher(Generic[T]):
    """Runs a producer in a thread, at most ``depth`` items ahead of the consumer.

    Iterating yields the producer's items in order; an exception in the producer is
    raised in the consumer. Use it as a context manager: leaving stops the thread even
    when the consumer gave up early (an error, a cancel).

    Parameters
    ----------
    produce : callable returning an iterator
        Called in the worker thread, so resources it opens (a GDAL dataset) belong to it.
    depth : int
        Most finished items waiting for the consumer, >= 1.
    on_wait : callable, optional
        Called every 0.1 s while the consumer waits for an item (a slow read); it may
        raise to stop waiting, e.g. ``Reporter.check_cancelled``.
    """

    def __init__(self, produce: Callable[[], Iterator[T]], *, depth: int,
                 on_wait: Callable[[], None] | None = None) -> None:
        self._on_wait = on_wait
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(produce,),
                                        name="predict-reader", daemon=True)
        self._thread.start()

    def _run(self, produce: Callable[[], Iterator[T]]) -> None:
        try:
            for item in produce():
                if not self._put(("item", item)):
                    return
            self._put(("end", None))
        except BaseException as err:  # handed to the consumer, which re-raises it
            self._put(("error", err))

    def _put(self, message: tuple[str, object]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(message, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _get(self) -> tuple[str, object]:
        while True:
            try:
                return self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                if self._on_wait is not None:
                    self._on_wait()

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._get()
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]

    def close(self) -> None:
        """Stop the producer and wait for its thread to end."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                pass
        self._thread.join()

    def __enter__(self) -> Prefetcher[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class OrderedWorker:
    """Runs submitted calls one after another in one thread, at most ``depth`` queued.

    An exception of a call is raised by the next :meth:`submit` or by :meth:`close`.
    """

    def __init__(self, *, depth: int, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending: list[Future] = []
        self._depth = depth

    def submit(self, call: Callable[..., object], *args: object) -> None:
        """Queue ``call(*args)``; blocks while ``depth`` calls are waiting."""
        finished = [f for f in self._pending if f.done()]
        for future in finished:
            future.result()  # raises the call's error here, in the submitting thread
        self._pending = [f for f in self._pending if f not in finished]
        while len(self._pending) >= self._depth:
            self._pending.pop(0).result()
        self._pending.append(self._executor.submit(call, *args))

    def close(self) -> None:
        """Wait for every queued call and raise the first error."""
        try:
            while self._pending:
                self._pending.pop(0).result()
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop the calls not started yet and wait for the running one to end."""
        self._pending = []
        self._executor.shutdown(wait=True, cancel_futures=True)
