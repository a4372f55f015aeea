"""Tests of engine.io.atomic: temporary names, stale temporaries, messages of failed writes."""

from __future__ import annotations

import errno
import os
import re
import socket
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from engine.errors import OutputWriteError
from engine.io.atomic import atomic_output
from engine.io.geotiff import write_raster

UTM_GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)


def _write(path, **kwargs) -> None:
    write_raster(str(path), np.ones((8, 8), np.uint8), geotransform=UTM_GT,
                 crs_wkt="EPSG:32631", **kwargs)


def _dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_atomic_output_names_its_temporary_after_this_host_and_process(tmp_path):
    with atomic_output(str(tmp_path / "out.tif"), overwrite=False, suffix=".tif") as tmp:
        name = os.path.basename(tmp)
        open(tmp, "wb").close()
    expected = rf"^\.out\.tif\.partial\.{re.escape(socket.gethostname())}\.{os.getpid()}\."
    assert re.match(expected, name) and name.endswith(".tif")


def test_atomic_output_removes_stale_temporaries_of_ended_processes(tmp_path):
    host = socket.gethostname()
    stale = tmp_path / f".out.tif.partial.{host}.{_dead_pid()}.abc123.tif"
    kept = {
        "running": tmp_path / f".out.tif.partial.{host}.{os.getppid()}.def456.tif",
        "other host": tmp_path / f".out.tif.partial.elsewhere.{_dead_pid()}.ghi789.tif",
        "other output": tmp_path / f".other.tif.partial.{host}.{_dead_pid()}.jkl012.tif",
    }
    for path in [stale, stale.with_name(stale.name + ".aux.xml"), *kept.values()]:
        path.write_bytes(b"left behind")
    _write(tmp_path / "out.tif")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["out.tif", *(p.name for p in kept.values())])


@pytest.mark.parametrize(("code", "text"), [
    (errno.ENOSPC, "No space left on device"),  # a full disk
    (errno.EDQUOT, "Disk quota exceeded"),  # a full quota
])
def test_atomic_output_says_the_disk_is_full(tmp_path, monkeypatch, code, text):
    def full(*args, **kwargs):
        raise OSError(code, text)

    monkeypatch.setattr("engine.io.geotiff._write_gtiff", full)
    with pytest.raises(OutputWriteError, match=rf"out\.tif: the disk .* is full .*{text}.*"
                                               "free some space or choose another folder"):
        _write(tmp_path / "out.tif")
    assert os.listdir(tmp_path) == []


def test_atomic_output_names_a_failure_without_a_reason(tmp_path, monkeypatch):
    def silent(*args, **kwargs):
        raise RuntimeError("")

    monkeypatch.setattr("engine.io.geotiff._write_gtiff", silent)
    with pytest.raises(OutputWriteError, match=r"out\.tif: GDAL gave no reason \(RuntimeError\)"
                                               r".* MB free in "):
        _write(tmp_path / "out.tif")


def test_atomic_output_shortens_a_long_gdal_message(tmp_path, monkeypatch):
    def wordy(*args, **kwargs):
        raise RuntimeError("sqlite3_exec(CREATE TABLE " + "x" * 5000 + ") failed: database "
                           "or disk is full")

    monkeypatch.setattr("engine.io.geotiff._write_gtiff", wordy)
    with pytest.raises(OutputWriteError, match="database or disk is full") as caught:
        _write(tmp_path / "out.tif")
    assert len(str(caught.value)) < 500


def test_atomic_output_refuses_a_file_that_failed_to_close(tmp_path):
    def delete_Dataset():  # noqa: N802 - the name of GDAL's dataset destructor
        return None

    final = tmp_path / "out.tif"
    with pytest.raises(OutputWriteError, match="IO error writing directory"):
        with atomic_output(str(final), overwrite=False, suffix=".tif") as tmp:
            open(tmp, "wb").close()
            # What Python does when a GDAL dataset's destructor raises: it cannot propagate.
            sys.unraisablehook(SimpleNamespace(
                exc_type=RuntimeError, exc_value=RuntimeError("TIFFWriteDirectorySec:IO "
                                                              "error writing directory"),
                exc_traceback=None, err_msg=None, object=delete_Dataset))
    assert os.listdir(tmp_path) == []


def test_atomic_output_leaves_other_unraisable_errors_to_python(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    other = SimpleNamespace(exc_type=ValueError, exc_value=ValueError("x"), exc_traceback=None,
                            err_msg=None, object=print)
    with atomic_output(str(tmp_path / "out.bin"), overwrite=False, suffix=".bin") as tmp:
        open(tmp, "wb").close()
        sys.unraisablehook(other)
    assert seen == [other] and sys.unraisablehook == seen.append
    assert os.listdir(tmp_path) == ["out.bin"]


def test_atomic_output_refusal_names_the_cli_option(tmp_path):
    (tmp_path / "out.tif").write_bytes(b"x")
    with pytest.raises(OutputWriteError, match=r"out\.tif already exists; pass --overwrite"):
        with atomic_output(str(tmp_path / "out.tif"), overwrite=False, suffix=".tif"):
            pass

