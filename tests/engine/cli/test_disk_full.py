"""A write that fails for lack of space: exit 2, a reason, no traceback, nothing left."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.events import parse_event

ROOT = Path(__file__).resolve().parents[3]
#: Bytes a process may write to one file: less than either output needs.
LIMIT_BYTES = 4096


def _file_size_limit() -> None:
    """In the child: files may not grow past LIMIT_BYTES (EFBIG, as a full small disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))


@pytest.mark.parametrize("command", ["predict", "vectorize"])
def test_cli_write_failure_exits_2_with_a_reason_and_no_traceback(tmp_path, scene_factory,
                                                                 cli_model, command):
    scene = scene_factory(tmp_path / "scene", size_px=512, seed=4)
    out = tmp_path / ("prob.tif" if command == "predict" else "roads.gpkg")
    args = (["predict", "--model", str(cli_model), "--image", str(scene["image"]), "--device",
             "cpu"] if command == "predict" else ["vectorize", "--prob", str(scene["truth"])])
    proc = subprocess.run([sys.executable, "-m", "engine", *args, "--out", str(out),
                           "--progress", "json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=_file_size_limit)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    error = [parse_event(line) for line in proc.stdout.splitlines()][-1]
    assert error["event"] == "error" and error["message"].startswith(f"cannot write {out}: ")
    assert len(error["message"]) > len(f"cannot write {out}: ") + 10  # a reason follows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene"]
