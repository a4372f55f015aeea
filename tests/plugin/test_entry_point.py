"""classFactory works headless (iface=None), without QGIS's GUI and without torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loads the repository folder as a plugin package, as QGIS does, in a clean interpreter.
SCRIPT = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "road_extraction", {str(ROOT / "__init__.py")!r},
    submodule_search_locations=[{str(ROOT)!r}])
pkg = importlib.util.module_from_spec(spec)
sys.modules["road_extraction"] = pkg
spec.loader.exec_module(pkg)
plugin = pkg.classFactory(None)
plugin.initProcessing()
plugin.initGui()
plugin.unload()
loaded = [m for m in ("torch", "torchvision", "qgis.gui") if m in sys.modules]
print("LOADED", loaded)
"""


def test_class_factory_loads_headless_without_torch_or_gui():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stdout
