"""The installable plugin (``make plugin-zip``, built from the last commit) carries its
licence: LICENSE (GPL-3.0-or-later) and THIRD_PARTY_NOTICES.md beside metadata.txt, which
names the licence; pyproject.toml declares the same licence (PEP 639) and version."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import zipfile

import pytest

from .conftest import ROOT

PREFIX = "road_extraction/"


def metadata_value(text: str, key: str) -> str:
    return next(line.split("=", 1)[1] for line in text.splitlines()
                if line.startswith(f"{key}="))


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> zipfile.ZipFile:
    """The zip ``make plugin-zip`` writes (into a temporary folder)."""
    if shutil.which("make") is None or shutil.which("git") is None \
            or not (ROOT / ".git").exists():
        pytest.skip("make plugin-zip needs make and a git checkout")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(["make", "--no-print-directory", "plugin-zip", f"DIST_DIR={out}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [path] = out.glob("road_extraction-*.zip")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_the_plugin_zip_holds_the_licence_and_the_notices(plugin_zip):
    names = set(plugin_zip.namelist())
    assert {f"{PREFIX}LICENSE", f"{PREFIX}THIRD_PARTY_NOTICES.md",
            f"{PREFIX}metadata.txt", f"{PREFIX}__init__.py"} <= names
    licence = plugin_zip.read(f"{PREFIX}LICENSE").decode("utf-8")
    assert licence.split()[:6] == ["GNU", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]
    assert "END OF TERMS AND CONDITIONS" in licence  # the full text, not a stub
    notices = plugin_zip.read(f"{PREFIX}THIRD_PARTY_NOTICES.md").decode("utf-8")
    for needed in ("CC BY-SA 4.0", "BSD-3-Clause", "MIT", "Apache-2.0", "ImageNet"):
        assert needed in notices
    about = metadata_value(plugin_zip.read(f"{PREFIX}metadata.txt").decode("utf-8"), "about")
    assert "GPL-3.0-or-later" in about


def test_pyproject_declares_the_licence_and_the_plugin_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert set(project["license-files"]) == {"LICENSE", "THIRD_PARTY_NOTICES.md"}
    metadata = (ROOT / "metadata.txt").read_text(encoding="utf-8")
    assert project["version"] == metadata_value(metadata, "version")
