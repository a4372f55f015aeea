"""The ``synth`` sub-command: a generated scene with its true roads."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..events import Reporter
from .common import add_common, claimed

__all__ = ["add_synth", "run_synth"]


def add_synth(sub: Any) -> argparse.ArgumentParser:
    """Register ``synth``."""
    p = sub.add_parser("synth", help="write a generated scene with its true roads")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", type=int, default=512, metavar="PX")
    p.add_argument("--style", choices=("suburban", "rural"), default="suburban")
    p.add_argument("--bands", type=int, choices=(1, 3, 4), default=3)
    p.add_argument("--dtype", choices=("uint8", "uint16", "float32"), default="uint8")
    p.add_argument("--overwrite", action="store_true")
    add_common(p)
    return p


def run_synth(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Generate and write the scene."""
    import numpy as np

    from ..errors import OutputWriteError
    from ..io.atomic import removing_if_left_empty
    from ..synth import SceneConfig, generate_scene, write_scene
    from ..synth.writer import check_scene_outputs

    config = SceneConfig(size_px=args.size, style=args.style, bands=args.bands,
                         dtype=args.dtype)
    outputs = check_scene_outputs(args.out, overwrite=args.overwrite, option="--out")
    # The claims lie in the folder, made now; a run that fails leaves no empty one behind.
    with removing_if_left_empty(args.out):
        try:
            Path(args.out).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputWriteError(f"cannot create --out {args.out}: {err.strerror}") from err
        with claimed({f"--out ({kind})": path for kind, path in outputs.items()}):
            reporter.progress("generating scene", 0, 1)
            scene = generate_scene(config, rng=np.random.default_rng(args.seed))
            paths = write_scene(scene, args.out, overwrite=args.overwrite)
    reporter.progress("generating scene", 1, 1)
    for kind, path in paths.items():
        reporter.artifact(kind, str(path))
    return {"files": {k: str(v) for k, v in paths.items()}}
