"""The engine runner: line delivery, events, errors and cancel, on fake processes."""

from __future__ import annotations

import sys
import textwrap
import time

import pytest
from road_extraction.plugin.runner import (
    EngineCancelledError,
    EngineRunError,
    EngineRunner,
    run_process,
)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def fake_engine(tmp_path, body: str) -> EngineRunner:
    """A plugin folder whose ``engine`` package runs ``body`` (sys.argv as the real one)."""
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "__init__.py").write_text("")
    (tmp_path / "engine" / "__main__.py").write_text(
        "import json, sys, time\n"
        "def emit(**e):\n    print(json.dumps(e), flush=True)\n" + textwrap.dedent(body))
    return EngineRunner(sys.executable, tmp_path, grace_s=1.0)


def test_run_process_delivers_lines_in_order_and_keeps_stderr():
    out, err = [], []
    outcome = run_process(python("""
        import sys
        for i in range(3):
            print(i, flush=True)
        print("oops", file=sys.stderr)
        sys.exit(3)
        """), on_stdout=out.append, on_stderr=err.append)
    assert out == ["0", "1", "2"]
    assert err == ["oops"] and outcome.stderr_tail == ("oops",)
    assert outcome.returncode == 3 and not outcome.cancelled


def test_run_process_polls_stop_often_and_terminates():
    # The child handles SIGTERM by exiting 130, as the engine does.
    asked: list[float] = []

    def stop():
        if time.monotonic() - start > 0.5:
            asked.append(time.monotonic())
            return True
        return False

    start = time.monotonic()
    outcome = run_process(python("""
        import signal, sys, time
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
        print("ready", flush=True)
        time.sleep(60)
        """), on_stdout=lambda s: None, should_stop=stop)
    assert outcome.cancelled and outcome.returncode == 130
    assert time.monotonic() - asked[0] < 1.0
    assert asked[0] - start < 0.5 + 0.25  # should_stop polled at least every 0.2 s


def test_run_process_kills_a_process_that_ignores_sigterm():
    start = time.monotonic()
    outcome = run_process(python("""
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(60)
        """), on_stdout=lambda s: None, should_stop=lambda: time.monotonic() - start > 0.3,
        grace_s=0.5)
    assert outcome.cancelled and outcome.returncode == -9
    assert time.monotonic() - start < 3.0


def test_run_process_stops_the_process_when_a_callback_raises():
    def boom(line):
        raise RuntimeError("callback failed")

    start = time.monotonic()
    with pytest.raises(RuntimeError, match="callback failed"):
        run_process(python("""
            import time
            print("x", flush=True)
            time.sleep(60)
            """), on_stdout=boom)
    assert time.monotonic() - start < 5.0


def test_engine_runner_returns_done_and_forwards_events(tmp_path):
    runner = fake_engine(tmp_path, """
        emit(event="progress", stage="s", done=1, total=2, fraction=0.5, elapsed_s=0.1)
        print("not an event")
        emit(event="metric", name="iou", value=0.5, round=1)
        emit(event="done", elapsed_s=0.2, argv=sys.argv[1:])
        """)
    events, texts = [], []
    result = runner.run("train", ["--x", "1"], on_event=events.append, on_text=texts.append)
    assert [e["event"] for e in events] == ["progress", "metric", "done"]
    assert texts == ["not an event"]
    assert result.done["argv"] == ["train", "--x", "1", "--progress", "json"]
    assert result.of_kind("metric")[0]["value"] == 0.5


def test_engine_runner_raises_with_the_error_event_message(tmp_path):
    runner = fake_engine(tmp_path, """
        emit(event="error", message="--image x.tif does not exist", type="RasterReadError",
             exit_code=2)
        sys.exit(2)
        """)
    with pytest.raises(EngineRunError, match="x.tif does not exist") as info:
        runner.run("predict", [])
    assert info.value.exit_code == 2 and info.value.error_type == "RasterReadError"


def test_engine_runner_raises_with_stderr_tail_on_a_crash(tmp_path):
    runner = fake_engine(tmp_path, """
        import skimage_that_is_missing
        """)
    with pytest.raises(EngineRunError, match="exit status 1") as info:
        runner.run("train", [])
    assert info.value.missing_module == "skimage_that_is_missing"
    assert "ModuleNotFoundError" in info.value.message


def test_engine_runner_cancel_raises_cancelled(tmp_path):
    runner = fake_engine(tmp_path, """
        import signal
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
        emit(event="progress", stage="s", done=0, total=1, fraction=0.0, elapsed_s=0.0)
        time.sleep(60)
        """)
    seen = []
    with pytest.raises(EngineCancelledError):
        runner.run("train", [], on_event=seen.append, should_stop=lambda: bool(seen))


def test_engine_runner_missing_interpreter_is_a_run_error(tmp_path):
    runner = EngineRunner(tmp_path / "no" / "python", tmp_path)
    with pytest.raises(EngineRunError, match="cannot start"):
        runner.run("info", [])
