"""The sha256 of a file (engine.io.digest)."""

from __future__ import annotations

import hashlib

import numpy as np

from engine.io.digest import file_sha256


def test_file_sha256_reads_a_file_larger_than_one_block(tmp_path) -> None:
    data = np.random.default_rng(0).bytes(3 * (1 << 20) + 17)  # 3 blocks and a bit
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert file_sha256(path) == file_sha256(str(path)) == hashlib.sha256(data).hexdigest()
