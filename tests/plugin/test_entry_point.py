"""classFactory works headless (iface=None), without the plugin's GUI and without torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loads the repository folder as a plugin package, as QGIS does, in a clean interpreter with
# a headless QgsApplication (as qgis_process has).
SCRIPT = f"""
import importlib.util, sys
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
spec = importlib.util.spec_from_file_location(
    "road_extraction", {str(ROOT / "__init__.py")!r},
    submodule_search_locations=[{str(ROOT)!r}])
pkg = importlib.util.module_from_spec(spec)
sys.modules["road_extraction"] = pkg
spec.loader.exec_module(pkg)
plugin = pkg.classFactory(None)
plugin.initProcessing()
plugin.initGui()
registry = QgsApplication.processingRegistry()
print("ALGS", sorted(a.id() for a in registry.providerById("roadextraction").algorithms()))
plugin.unload()
print("AFTER", registry.providerById("roadextraction"))
# qgis/__init__.py of QGIS 3.22 imports qgis.gui itself, so only the plugin's own GUI module
# and torch are checked here.
loaded = [m for m in ("torch", "torchvision", "road_extraction.plugin.settings_dialog")
          if m in sys.modules]
print("LOADED", loaded)
"""


def test_class_factory_loads_headless_without_torch_or_gui():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stdout
    assert "AFTER None" in proc.stdout
    assert ("ALGS ['roadextraction:evaluate_extraction', 'roadextraction:extract_roads', "
            "'roadextraction:install_engine', 'roadextraction:train_model', "
            "'roadextraction:vectorize_probability']") in proc.stdout
