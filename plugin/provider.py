"""The Processing provider "Road extraction" (id ``roadextraction``)."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS
from .algorithms.base import icon_path
from .engine_env import EngineChecker
from .settings import plugin_dir

__all__ = ["RoadExtractionProvider"]


class RoadExtractionProvider(QgsProcessingProvider):
    """Registers the algorithms; owns the memory of which engine environments passed."""

    def __init__(self) -> None:
        super().__init__()
        self.engine_checker = EngineChecker(plugin_dir())

    def id(self) -> str:
        return "roadextraction"

    def name(self) -> str:
        return QCoreApplication.translate("RoadExtraction", "Road extraction")

    def longName(self) -> str:
        return QCoreApplication.translate(
            "RoadExtraction", "Road extraction (PyTorch engine)")

    def icon(self) -> QIcon:
        return QIcon(str(icon_path()))

    def svgIconPath(self) -> str:
        return str(icon_path())

    def loadAlgorithms(self) -> None:
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())

    def supportedOutputRasterLayerExtensions(self) -> list[str]:
        # The engine writes GeoTIFF only (tiled, compressed, with overviews).
        return ["tif"]

    def defaultRasterFileExtension(self) -> str:
        return "tif"
