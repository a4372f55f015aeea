"""Where the labels (and the rounds trained on them) live, and moving them with the project."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from qgis.core import QgsProject

from .common import is_unsaved_folder, tr
from .label_layers import LabelLayers, label_gpkg
from .round_job import RUN_FOLDER

__all__ = ["copy_geopackage", "labels_note", "move_labels"]

#: Files SQLite keeps beside a GeoPackage while it is open.
SQLITE_SIDECARS = ("-wal", "-shm")


def labels_note(labels: LabelLayers) -> str:
    """Says where the labels are kept, and why there when the project is not saved."""
    text = tr("Labels: {}").format(labels.path)
    if is_unsaved_folder(labels.path.parent):
        text += "\n" + tr("The project is not saved, so they are kept in QGIS's profile "
                          "folder; save the project to keep them beside it.")
    return text


def _relocate(source: str, old: Path, new: Path) -> str | None:
    """``source`` with the file ``old`` (or a file under the folder ``old``) replaced by
    ``new``; None when the source is elsewhere."""
    path, _, rest = source.partition("|")
    try:
        relative = Path(path).relative_to(old)
    except ValueError:
        return None
    return str(new / relative if relative.parts else new) + (f"|{rest}" if rest else "")


def copy_geopackage(source: Path, target: Path) -> None:
    """Copy a GeoPackage with SQLite's backup: a file copy would miss what saved edits left
    in its write-ahead log (``-wal``) while QGIS holds it open."""
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as err:
        raise OSError(tr("Cannot copy {} to {}: {}").format(source, target, err)) from err


def _check_free(targets: list[Path]) -> None:
    taken = [str(t) for t in targets if t.exists()]
    if taken:
        raise OSError(tr("Cannot move the labels: {} exist(s) already; move or delete "
                         "it first.").format(", ".join(taken)))


def move_labels(labels: LabelLayers, folder: Path,
                project: QgsProject) -> tuple[LabelLayers, list[str]]:
    """Move the labels' GeoPackage and the rounds' folder into ``folder``; every layer of the
    project that reads them is pointed at the new files (same layers, styles and names).

    The edits must be saved first. Returns the moved labels and the old files that could not
    be removed (a file still open elsewhere). Raises OSError when a file there would be
    replaced or a file cannot be copied; nothing is removed before the copies exist.
    """
    old_gpkg, old_runs = labels.path, labels.path.parent / RUN_FOLDER
    new_gpkg, new_runs = label_gpkg(folder), folder / RUN_FOLDER
    moves = [(old_gpkg, new_gpkg)] + ([(old_runs, new_runs)] if old_runs.exists() else [])
    _check_free([new for _, new in moves])
    folder.mkdir(parents=True, exist_ok=True)
    copy_geopackage(old_gpkg, new_gpkg)
    if old_runs.exists():
        shutil.copytree(old_runs, new_runs)
    for layer in project.mapLayers().values():
        for old, new in moves:
            source = _relocate(layer.source(), old, new)
            if source is not None:
                layer.setDataSource(source, layer.name(), layer.providerType())
                break
    moved = LabelLayers(labels.centerlines, labels.polygons, labels.areas, path=new_gpkg)
    return moved, _remove([old for old, _ in moves])


def _remove(paths: list[Path]) -> list[str]:
    """Remove the old copies; the ones that cannot be removed are returned, not raised:
    the move itself has succeeded."""
    left = []
    for old in paths:
        try:
            if old.is_dir():
                shutil.rmtree(old)
                continue
            for path in (old, *(old.with_name(old.name + s) for s in SQLITE_SIDECARS)):
                path.unlink(missing_ok=True)
        except OSError as err:
            left.append(f"{old} ({err})")
    return left
