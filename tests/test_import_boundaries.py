"""The engine never imports Qt or qgis; the plugin never imports torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_OR_QGIS = ("qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")
TORCH = ("torch", "torchvision")


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a source file imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_imported_modules_sees_nested_and_from_imports(tmp_path):
    # The checker itself must catch imports inside functions, or the tests below prove nothing.
    f = tmp_path / "m.py"
    f.write_text("def g():\n    import torch.nn\n    from qgis.core import QgsProject\n")
    assert imported_modules(f) == {"torch", "qgis"}


@pytest.mark.parametrize("path", sources("engine"), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_module_imports_no_qt_or_qgis(path):
    assert not imported_modules(path) & set(QT_OR_QGIS)


@pytest.mark.parametrize("path", sources("plugin") + [ROOT / "__init__.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_module_imports_no_torch(path):
    assert not imported_modules(path) & set(TORCH)


def test_engine_modules_the_plugin_may_use_load_without_torch():
    code = ("import sys; import engine.events, engine.errors; "
            "bad = [m for m in ('torch', 'numpy', 'osgeo') if m in sys.modules]; "
            "sys.exit(f'loaded {bad}' if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout
