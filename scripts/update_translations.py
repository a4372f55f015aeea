"""Refresh i18n/*.ts from the plugin's tr() strings, then compile them to .qm (lrelease).

Why not pylupdate5: it files a bare ``tr("...")`` call under the enclosing class's name,
while every string of this plugin is translated in one context, "RoadExtraction" (see
plugin/dock/common.py). This script reads the sources with ``ast``: ``tr("...")``,
``self.tr("...")`` and ``QCoreApplication.translate("RoadExtraction", "...")``; it keeps
existing translations, marks new strings unfinished and drops vanished ones as obsolete.
Usage: python scripts/update_translations.py [--no-compile]  (needs lrelease from
Debian's qttools5-dev-tools to compile).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "RoadExtraction"
LANGUAGES = ("en", "de")
SOURCES = [ROOT / "__init__.py", *sorted((ROOT / "plugin").rglob("*.py"))]


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _message(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "tr" and call.args:
        return _string(call.args[0])
    if name == "translate" and len(call.args) >= 2 and _string(call.args[0]) == CONTEXT:
        return _string(call.args[1])
    return None


def extract(paths: list[Path]) -> dict[str, str]:
    """Every translatable string -> its first location (path:line)."""
    found: dict[str, str] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = _message(node) if isinstance(node, ast.Call) else None
            if text is not None:
                found.setdefault(text, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def read_ts(path: Path) -> dict[str, tuple[str, str]]:
    """source -> (translation, type attribute) of an existing .ts file."""
    if not path.exists():
        return {}
    out = {}
    for message in ET.parse(path).getroot().iter("message"):
        translation = message.find("translation")
        out[message.findtext("source")] = (translation.text or "",
                                          translation.get("type", ""))
    return out


def write_ts(path: Path, language: str, strings: dict[str, str]) -> None:
    """Write the catalogue; English is its own translation."""
    old = read_ts(path)
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source, where in sorted(strings.items()):
        message = ET.SubElement(context, "message")
        file, line = where.rsplit(":", 1)
        ET.SubElement(message, "location", filename=f"../{file}", line=line)
        ET.SubElement(message, "source").text = source
        text, kind = old.get(source, ("", "unfinished"))
        if language == "en":
            text, kind = source, ""
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if kind or not text:
            translation.set("type", kind or "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                    encoding="utf-8")


def main(argv: list[str]) -> int:
    strings = extract(SOURCES)
    for language in LANGUAGES:
        write_ts(ROOT / "i18n" / f"road_extraction_{language}.ts", language, strings)
    print(f"{len(strings)} strings in {len(LANGUAGES)} catalogues")
    if "--no-compile" in argv:
        return 0
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    ts = [str(ROOT / "i18n" / f"road_extraction_{lang}.ts") for lang in LANGUAGES]
    return subprocess.run([lrelease, *ts], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
