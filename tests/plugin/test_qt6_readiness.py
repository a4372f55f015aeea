"""QGIS 4 (Qt 6) readiness of the plugin's code: scoped enums, no API that Qt 6 removed, and
metadata that admits QGIS 4.

PyQt6 only knows scoped enums (``Qt.AlignmentFlag.AlignLeft``, not ``Qt.AlignLeft``); PyQt5
5.15 and QGIS 3.22 accept both. The scan resolves every ``Name.Attr`` of a class the module
imports from qgis / qgis.PyQt and reports the ones that are enum members: the unscoped uses.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from .conftest import ROOT

#: The plugin's Python files (QGIS loads these; the engine runs outside QGIS).
SOURCES = [ROOT / "__init__.py", *sorted((ROOT / "plugin").rglob("*.py"))]
#: Names Qt 6 removed or moved, as they appear in source, with what to use instead.
REMOVED = {
    r"\bexec_\(": "exec()",
    r"\bprint_\(": "print()",
    r"\bQRegExp\w*": "QRegularExpression",
    r"\bQDesktopWidget\b": "QScreen",
    r"\bQTextCodec\b": "Python's codecs",
    r"\bQStringRef\b": "str",
    r"\bQMatrix\b": "QTransform",
    r"\.setMargin\(": "setContentsMargins()",
    r"fontMetrics\(\)\.width\(": "horizontalAdvance()",
    r"\bQApplication\.desktop\(": "QScreen",
    r"\bMidButton\b": "MiddleButton",
    r"\bQVariant\.(?!Type\b)\w+|\bQVariant\.Type\.\w+": "plugin/qt_compat.py's field types",
    r"QtWidgets import[^)]*\bQ(Action|ActionGroup|Shortcut|FileSystemModel|UndoCommand)\b":
        "plugin/qt_compat.py (QtGui in Qt 6)",
}
#: The one module allowed to name Qt-5-only API, behind a version check.
COMPAT = ROOT / "plugin" / "qt_compat.py"


def imported_classes(tree: ast.Module) -> dict[str, object]:
    """Local name -> object of every ``from qgis... import X`` in a module."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if isinstance(value, type):
                    found[alias.asname or alias.name] = value
    return found


def is_enum_member(value: object) -> bool:
    """True for a value of a sip-wrapped enum (PyQt5 / QGIS 3), not for the enum type."""
    return isinstance(value, int) and type(type(value)).__name__ == "enumtype"


def unscoped_enums(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = imported_classes(tree)
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in classes
            and is_enum_member(getattr(classes[node.value.id], node.attr, None))]


def removed_names(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(ROOT)}: {match.group(0)!r} (use {instead})"
            for pattern, instead in REMOVED.items() for match in re.finditer(pattern, text)]


def test_the_scan_finds_unscoped_enums_and_removed_names(tmp_path, monkeypatch):
    sample = tmp_path / "sample.py"
    sample.write_text("from qgis.PyQt.QtCore import Qt\nfrom qgis.core import Qgis\n"
                      "a = Qt.AlignLeft\nb = Qt.AlignmentFlag.AlignLeft\nc = Qgis.Info\n"
                      "d = Qgis.MessageLevel\ndialog.exec_()\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert [hit.split(": ")[1] for hit in unscoped_enums(sample)] == ["Qt.AlignLeft",
                                                                      "Qgis.Info"]
    assert len(removed_names(sample)) == 1


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_uses_scoped_enums_only(path):
    assert unscoped_enums(path) == []


@pytest.mark.parametrize("path", [p for p in SOURCES if p != COMPAT],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_uses_no_api_that_qt6_removed(path):
    assert removed_names(path) == []


def test_metadata_admits_qgis_4():
    metadata = dict(line.split("=", 1) for line in
                    (ROOT / "metadata.txt").read_text(encoding="utf-8").splitlines()
                    if "=" in line and not line.startswith("#"))
    assert metadata["qgisMinimumVersion"] == "3.22"
    assert metadata["qgisMaximumVersion"] == "4.99"
    assert metadata["supportsQt6"] in ("True", "yes")
