"""Claims on outputs: a second run is refused while the first holds its output, never after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import OutputWriteError
from engine.io.claim import claim_path, claimed_outputs

ROOT = Path(__file__).resolve().parents[3]

# Holds the claim of argv[1] until killed, after saying so on stdout.
_HOLDER = """
import sys, time
from engine.io.claim import claimed_outputs
with claimed_outputs({"--out": sys.argv[1]}):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_claim_is_refused_naming_the_output_and_the_holder(tmp_path):
    out = tmp_path / "prob.tif"
    with claimed_outputs({"--out": out}):
        # flock locks belong to open files: a second claim in this process conflicts too.
        with pytest.raises(OutputWriteError) as caught, claimed_outputs({"--out": out}):
            pass
    message = str(caught.value)
    assert f"--out {out}" in message and "another run" in message
    assert f"process {os.getpid()}" in message


def test_the_claim_file_is_removed_when_the_run_ends_or_fails(tmp_path):
    out = tmp_path / "roads.gpkg"
    with claimed_outputs({"--out": out}):
        assert claim_path(out).is_file()
        assert claim_path(out).name == ".roads.gpkg.claim"
    assert not claim_path(out).exists()
    with pytest.raises(RuntimeError), claimed_outputs({"--out": out}):
        raise RuntimeError("the run failed")
    assert not claim_path(out).exists()
    assert list(tmp_path.iterdir()) == []


def test_a_leftover_claim_file_without_a_lock_does_not_block(tmp_path):
    out = tmp_path / "m.pt"
    claim_path(out).write_text("99999999 elsewhere\n")  # a killed run's file
    with claimed_outputs({"--out": out}):
        assert claim_path(out).read_text().split()[0] == str(os.getpid())
    assert not claim_path(out).exists()


def test_claims_taken_before_a_refused_one_are_released(tmp_path):
    first, second = tmp_path / "a_prob.tif", tmp_path / "a_roads.gpkg"
    with claimed_outputs({"second": second}):
        with pytest.raises(OutputWriteError, match="a_roads.gpkg"), \
                claimed_outputs({"first": first, "second": second}):
            pass
        assert not claim_path(first).exists()
        with claimed_outputs({"first": first}):  # free again
            pass


def test_the_claim_of_a_killed_run_is_gone_with_it(tmp_path):
    out = tmp_path / "prob.tif"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputWriteError, match=f"process {holder.pid} "), \
                claimed_outputs({"--out": out}):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
        holder.stdout.close()
    assert claim_path(out).exists()  # left behind, but no process holds it now
    with claimed_outputs({"--out": out}):
        pass
    assert not claim_path(out).exists()
