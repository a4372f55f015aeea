"""What one dock round runs: the engine's train, extract and label-next argument lists, and
its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RoundJob", "RoundOutputs", "run_model_path"]

#: The dock's training run inside the working folder: the engine keeps each round beside it.
RUN_FOLDER = "road_rounds"


def run_model_path(folder: Path) -> Path:
    """The model of the dock's run (the best round); rounds live in ``model.pt.rounds/``."""
    return folder / RUN_FOLDER / "model.pt"


@dataclass(frozen=True)
class RoundOutputs:
    """The files a finished round produced."""

    round_index: int  # 1-based
    model: Path  # MODEL.rounds/round_NNN.pt
    probability: Path
    roads: Path  # GeoPackage with the layers ``roads`` and ``centerlines``
    label_next: Path | None  # GeoPackage of the tiles to label next (None when not computed)
    metrics: dict[str, float | None] = field(default_factory=dict)  # validation metrics


@dataclass(frozen=True)
class RoundJob:
    """Inputs of one round; ``round_index`` is the engine's round number (1-based)."""

    round_index: int
    run_model: Path  # --out of the run; --resume continues it
    images: tuple[str, ...]
    unlabeled: tuple[str, ...]
    roads: str  # road centerlines (GeoPackage table, as "path|layername=...")
    aoi: str
    road_width_m: float
    profile: str
    device: str
    init_model: str | None = None  # only for the first round of a run
    config: str | None = None  # JSON/TOML overrides (advanced; the tests' tiny config)
    tile_px: int = 256  # tile of the "where to label next" layer
    top_k: int = 10  # tiles kept in that layer

    @property
    def round_model(self) -> Path:
        """The model file the engine keeps for this round."""
        return self.run_model.with_name(self.run_model.name + ".rounds") / \
            f"round_{self.round_index:03d}.pt"

    @property
    def out_dir(self) -> Path:
        """The folder of this round's extracted layers."""
        return self.run_model.parent / f"round_{self.round_index:03d}"

    def train_args(self) -> list[str]:
        """Arguments of ``python -m engine train`` for this round."""
        args: list[str] = []
        for image in self.images:
            args += ["--image", image]
        args += ["--roads", self.roads, "--aoi", self.aoi, "--road-width",
                 str(self.road_width_m), "--width-field", "width", "--out", str(self.run_model),
                 "--rounds", str(self.round_index), "--profile", self.profile,
                 "--device", self.device, "--resume"]
        if self.unlabeled:
            args += ["--unlabeled", *self.unlabeled]
        if self.init_model and self.round_index == 1:
            args += ["--init", self.init_model]
        if self.config:
            args += ["--config", self.config]
        return args

    def extract_args(self) -> list[str]:
        """Arguments of ``python -m engine extract`` on the first training raster."""
        return ["--model", str(self.round_model), "--image", self.images[0], "--out-dir",
                str(self.out_dir), "--device", self.device, "--overwrite"]

    @property
    def label_next_path(self) -> Path:
        """The GeoPackage ``label-next`` writes (layer ``label_next``)."""
        return self.out_dir / "label_next.gpkg"

    def label_next_args(self) -> list[str]:
        """Arguments of ``python -m engine label-next``: the round model's most disagreeing
        tiles of the first training raster, leaving out the labeled ones."""
        return ["--model", str(self.round_model), "--image", self.images[0], "--out",
                str(self.label_next_path), "--tile", str(self.tile_px), "--top",
                str(self.top_k), "--roads", self.roads, "--aoi", self.aoi, "--road-width",
                str(self.road_width_m), "--width-field", "width", "--device", self.device,
                "--overwrite"]

    def extract_outputs(self) -> tuple[Path, Path]:
        """The probability raster and the roads GeoPackage ``extract`` writes."""
        stem = Path(self.images[0]).stem
        return self.out_dir / f"{stem}_prob.tif", self.out_dir / f"{stem}_roads.gpkg"
