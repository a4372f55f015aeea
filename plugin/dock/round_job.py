"""What one dock round runs: the engine's train, extract and label-next argument lists, and
its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Prediction", "RoundJob", "RoundOutputs", "label_next_tile_px", "run_model_path"]

#: The dock's training run inside the labels' folder: the engine keeps each round beside it.
RUN_FOLDER = "road_rounds"
#: Tiles of "where to label next": at most the pseudo-label tile, at least the engine's
#: smallest model input, and small enough that a raster holds this many tiles a side.
MAX_TILE_PX, MIN_TILE_PX, TILES_A_SIDE = 256, 32, 8


def run_model_path(folder: Path) -> Path:
    """The model of the dock's run (the best round); rounds live in ``model.pt.rounds/``."""
    return folder / RUN_FOLDER / "model.pt"


def label_next_tile_px(width_px: int, height_px: int) -> int:
    """The "where to label next" tile for a raster: a multiple of 32 px, 32-256, with
    about eight tiles along the raster's shorter side. On the bundled sample (600 px, most
    of it labeled) 256 px tiles left 4 candidates, none less than 10 % labeled; 64 px tiles
    leave 19 of 81."""
    side = min(width_px, height_px) // TILES_A_SIDE
    return max(MIN_TILE_PX, min(MAX_TILE_PX, side // 32 * 32))


@dataclass(frozen=True)
class Prediction:
    """What ``extract`` wrote for one raster."""

    name: str  # the raster's layer name
    probability: Path
    roads: Path  # GeoPackage with the layers ``roads`` and ``centerlines``


@dataclass(frozen=True)
class RoundOutputs:
    """The files a finished round produced."""

    round_index: int  # 1-based
    model: Path  # MODEL.rounds/round_NNN.pt
    predictions: tuple[Prediction, ...]  # one per predicted raster, training rasters first
    label_next: Path | None  # GeoPackage of the tiles to label next (None when none)
    label_next_tiles: int = 0  # tiles in that layer
    tile_px: int = 256  # their side
    best_round: int | None = None  # the round the run keeps as its model
    metrics: dict[str, float | None] = field(default_factory=dict)  # validation metrics


@dataclass(frozen=True)
class RoundJob:
    """Inputs of one round; ``round_index`` is the engine's round number (1-based)."""

    round_index: int
    run_model: Path  # --out of the run; --resume continues it
    images: tuple[str, ...]  # training rasters
    unlabeled: tuple[str, ...]
    roads: str  # road labels file
    aoi: str
    road_width_m: float
    profile: str
    device: str
    init_model: str | None = None  # only for the first round of a run
    config: str | None = None  # JSON/TOML overrides (advanced; the tests' tiny config)
    semi_supervised: bool = False  # --semi-supervised: pseudo-labels from round 2
    names: dict[str, str] = field(default_factory=dict)  # raster source -> layer name
    label_next_image: str | None = None  # raster of "where to label next" (default: first)
    tile_px: int = 256  # tile of the "where to label next" layer
    top_k: int = 10  # tiles kept in that layer
    run_round: int = 1  # which round of the run the user started (Run N rounds): k ...
    run_rounds: int = 1  # ... of n

    @property
    def round_model(self) -> Path:
        """The model file the engine keeps for this round."""
        return self.run_model.with_name(self.run_model.name + ".rounds") / \
            f"round_{self.round_index:03d}.pt"

    @property
    def out_dir(self) -> Path:
        """The folder of this round's extracted layers."""
        return self.run_model.parent / f"round_{self.round_index:03d}"

    @property
    def predicted(self) -> tuple[str, ...]:
        """Every raster the round predicts: the training rasters, then the unlabeled ones."""
        return tuple(dict.fromkeys((*self.images, *self.unlabeled)))

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
        if self.semi_supervised:
            args.append("--semi-supervised")
        return args

    @property
    def may_pseudo_label(self) -> bool:
        """Whether the engine may pseudo-label before this round's training: from round 2,
        with --semi-supervised, or when a settings file (which may turn them on) is given."""
        return self.round_index > 1 and (self.semi_supervised or bool(self.config))

    def extract_dir(self, index: int) -> Path:
        """The folder of the ``index``-th predicted raster's outputs."""
        return self.out_dir / f"{index + 1:02d}_{Path(self.predicted[index]).stem}"

    def extract_args(self, index: int) -> list[str]:
        """Arguments of ``python -m engine extract`` on the ``index``-th predicted raster;
        no --threshold: the engine uses the one calibrated on the hold-out."""
        return ["--model", str(self.round_model), "--image", self.predicted[index],
                "--out-dir", str(self.extract_dir(index)), "--device", self.device,
                "--overwrite"]

    def prediction(self, index: int) -> Prediction:
        """The files ``extract`` writes for the ``index``-th predicted raster."""
        image = self.predicted[index]
        stem, folder = Path(image).stem, self.extract_dir(index)
        return Prediction(self.names.get(image, stem), folder / f"{stem}_prob.tif",
                          folder / f"{stem}_roads.gpkg")

    @property
    def label_next_path(self) -> Path:
        """The GeoPackage ``label-next`` writes (layer ``label_next``)."""
        return self.out_dir / "label_next.gpkg"

    def label_next_args(self) -> list[str]:
        """Arguments of ``python -m engine label-next``: the round model's most disagreeing
        tiles of the labeled raster, leaving out the labeled ones."""
        image = self.label_next_image or self.images[0]
        return ["--model", str(self.round_model), "--image", image, "--out",
                str(self.label_next_path), "--tile", str(self.tile_px), "--top",
                str(self.top_k), "--roads", self.roads, "--aoi", self.aoi, "--road-width",
                str(self.road_width_m), "--width-field", "width", "--device", self.device,
                "--overwrite"]
