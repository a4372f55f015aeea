"""Tests of the pipeline threads: ordered read-ahead, errors passed on, clean stops."""

from __future__ import annotations

import itertools
import threading

import pytest

from engine.predict.threads import OrderedWorker, Prefetcher


def test_prefetcher_yields_the_items_in_order():
    with Prefetcher(lambda: iter(range(10)), depth=2) as items:
        assert list(items) == list(range(10))


def test_prefetcher_raises_the_producer_error_in_the_consumer():
    def produce():
        yield 1
        raise OSError("disk gone")

    with Prefetcher(produce, depth=1) as items, pytest.raises(OSError, match="disk gone"):
        list(items)


def test_prefetcher_close_stops_a_producer_that_never_ends():
    prefetcher = Prefetcher(lambda: itertools.count(), depth=2)
    assert next(iter(prefetcher)) == 0
    prefetcher.close()
    assert not [t for t in threading.enumerate() if t.name == "predict-reader"]


def test_ordered_worker_runs_calls_in_order_and_raises_their_errors():
    seen: list[int] = []
    worker = OrderedWorker(depth=2, name="test-worker")
    for i in range(5):
        worker.submit(seen.append, i)

    def fail() -> None:
        raise RuntimeError("write failed")

    worker.submit(fail)
    with pytest.raises(RuntimeError, match="write failed"):
        worker.close()
    assert seen == list(range(5))
