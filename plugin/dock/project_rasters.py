"""The dock's checked training and unlabeled rasters, saved in the project.

They are facts of one project (layer ids), so they live in its file (QgsProject entries of
the scope "RoadExtraction", lists of layer ids) and not in QgsSettings (dock_options.py):
stored on every change, checked again when the project is read or a dock opens on it.
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QObject

from .raster_list import RasterList

__all__ = ["ProjectRasters", "SCOPE", "TRAINING_KEY", "UNLABELED_KEY"]

#: The project-file scope of the plugin's entries.
SCOPE = "RoadExtraction"
#: Entry keys: the ids of the checked training and unlabeled rasters.
TRAINING_KEY = "training_rasters"
UNLABELED_KEY = "unlabeled_rasters"


class ProjectRasters(QObject):
    """Keeps the checked rasters of ``training`` and ``unlabeled`` in ``project``."""

    def __init__(self, project: QgsProject, training: RasterList, unlabeled: RasterList,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.lists = {TRAINING_KEY: training, UNLABELED_KEY: unlabeled}
        self._restoring = False
        for rasters in self.lists.values():
            rasters.selection_changed.connect(self.store)

    def store(self) -> None:
        """Write what is checked now; an entry that would not change is not written (so
        that checking the stored rasters again leaves the project unmodified)."""
        if self._restoring:
            return
        for key, rasters in self.lists.items():
            ids = rasters.checked_ids()
            stored, _ = self.project.readListEntry(SCOPE, key)
            if list(stored) != ids:
                self.project.writeEntry(SCOPE, key, ids)

    def restore(self) -> None:
        """Check the rasters the project stored (layers no longer in it are left out); with
        nothing stored, what is checked stays."""
        stored = {key: self.project.readListEntry(SCOPE, key) for key in self.lists}
        if not any(found for _, found in stored.values()):
            return
        self._restoring = True  # one list set, the other not yet: nothing to write
        try:
            for key, rasters in self.lists.items():
                rasters.set_checked(list(stored[key][0]))
        finally:
            self._restoring = False
