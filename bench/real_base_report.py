"""Tables and pictures of ``bench.real_base``: zero-shot scores of real base models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

from .real_tiles_report import _overlay

__all__ = ["table", "plot_model", "write_report"]

SITE_TITLES = {"epfl": "EPFL test tiles", "mass": "Massachusetts test cuts",
               "rotterdam": "Rotterdam (the sample)", "atlanta": "Atlanta test rows"}


def _load(root: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((root / "scores").glob("*.json"))]


def table(records: list[dict[str, Any]]) -> str:
    """One row per (model, site, pixel-size factor)."""
    lines = ["| model | site | pixel x | IoU | relaxed F1 | APLS | precision | recall | "
             "marked road (truth) | threshold |", "| --- " * 10 + "|"]
    order = {name: k for k, name in enumerate(SITE_TITLES)}
    for r in sorted(records, key=lambda r: (r["model"], order.get(r["site"], 9), r["factor"])):
        s = r["scores"]
        lines.append(
            f"| {r['model']} | {SITE_TITLES.get(r['site'], r['site'])} ({r['tiles']}) | "
            f"{r['factor']:g} | {s['iou']:.3f} | {s['relaxed_f1']:.3f} | {s['apls']:.3f} | "
            f"{s['precision']:.3f} | {s['recall']:.3f} | {s['marked_road_share']:.1%} "
            f"({s['true_road_share']:.1%}) | {s['threshold']:.2f} |")
    return "\n".join(lines)


def _tiles(root: Path, model: str, site: str, count: int) -> list[tuple[str, str, Path]]:
    """(image, truth, probability) of up to ``count`` tiles of a site, spread over it."""
    work = root / "work" / f"{Path(model).stem}_{site}_x1"
    probs = sorted(work.glob("*_prob.tif"))
    chosen = probs[:: max(1, len(probs) // count)][:count]
    sites = json.loads((root / "sites.json").read_text()) if (root / "sites.json").exists() \
        else {}
    by_name = {t["name"]: t for t in sites.get(f"{site}_{_bands(model)}", [])}
    out = []
    for prob in chosen:
        tile = by_name.get(prob.name.removesuffix("_prob.tif"))
        if tile:
            out.append((tile["image"], tile["truth"], prob))
    return out


def _bands(model: str) -> int:
    return 1 if "1band" in model else 3


def _rgb(path: str) -> np.ndarray:
    """The image as 8-bit RGB (engine.preview's 2-98 % stretch of the valid pixels)."""
    from engine.preview import stretch_to_rgb

    ds = gdal.Open(path)
    data = ds.ReadAsArray()
    return stretch_to_rgb(data[None] if data.ndim == 2 else data,
                          ds.GetRasterBand(1).GetMaskBand().ReadAsArray() > 0)


def plot_model(root: Path, records: list[dict[str, Any]], model: str, path: Path) -> bool:
    """Rows of zero-shot tiles: image, truth (yellow, dimmed where not scored) and the road
    map (red) at the model's threshold; False when no prediction is kept."""
    from .ablation_report import _pyplot

    rows = []
    for r in records:
        if r["model"] == model and r["factor"] == 1.0:
            count = 2 if r["tiles"] > 1 else 1
            rows += [(r, t) for t in _tiles(root, model, r["site"], count)]
    if not rows:
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(len(rows), 3, figsize=(10, 3.4 * len(rows)), squeeze=False)
    for ax_row, (record, (image_path, truth_path, prob_path)) in zip(axes, rows, strict=True):
        image = _rgb(image_path)
        truth = gdal.Open(truth_path).ReadAsArray()
        prob = gdal.Open(str(prob_path)).ReadAsArray()
        road = (prob != 255) & (prob / 254.0 >= record["scores"]["threshold"])
        shown = _overlay(image, truth == 1, (255, 220, 0))
        shown[truth == 255] = (shown[truth == 255] * 0.45).astype(np.uint8)
        s = record["scores"]
        panels = [(image, f"{SITE_TITLES[record['site']]}: {prob_path.name[:-9]}"),
                  (shown, "truth (yellow; dimmed: not scored)"),
                  (_overlay(image, road, (255, 30, 30)),
                   f"zero-shot, p >= {s['threshold']:.2f} (site IoU {s['iou']:.2f}, "
                   f"relaxed F1 {s['relaxed_f1']:.2f})")]
        for ax, (data, title) in zip(ax_row, panels, strict=True):
            ax.imshow(data)
            ax.set_title(title, fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle(f"{model}: no label of these images seen", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return True


def write_report(root: Path, out: Path) -> str:
    """The table as Markdown, and a picture per model in ``out``."""
    records = _load(root)
    out.mkdir(parents=True, exist_ok=True)
    text = [table(records)]
    for model in sorted({r["model"] for r in records}):
        picture = out / f"real_base_{Path(model).stem}.png"
        if plot_model(root, records, model, picture):
            text.append(f"\n![{model}]({picture.name})")
    return "\n".join(text)


def _sources(meta: dict[str, Any]) -> list[str]:
    """Markdown lines: each licence with the images trained under it and their files."""
    by_licence: dict[str, list[dict[str, Any]]] = {}
    for image in meta["training_data"]["images"]:
        by_licence.setdefault(image["licence"] or "no licence recorded", []).append(image)
    lines = []
    for licence, images in by_licence.items():
        pixels = sorted({i["pixel_size_m"] for i in images})
        lines.append(f"- **{licence}**: {len(images)} images at "
                     f"{' and '.join(f'{p:g} m' for p in pixels)}, "
                     f"{sum(i['labelled_pixels_trained'] for i in images):,} labelled pixels "
                     "trained on. Files (sha256):")
        files = sorted({(f["name"], f["sha256"]) for i in images for f in i["files"]})
        lines += [f"  - `{name}` {digest}" for name, digest in files]
    return lines


def model_card(models: dict[int, Path], records: list[dict[str, Any]]) -> str:
    """The README beside bundled base models: what each learned from (licence, credit,
    file hashes), how it was made, its threshold and its zero-shot scores."""
    from engine.model_file import read_model_file

    text = ["# Base road models", "",
            "Road models that give a first road map before any label is drawn (the dock's",
            "*First guess*, `python -m engine extract --model base`, Processing's base-model",
            "option) and a starting point for `train --init auto`. Made by `python -m",
            "bench.real_base` (bench/RESULTS.md, section 9); each file's metadata holds the",
            "same record.", ""]
    for bands, path in sorted(models.items()):
        meta = read_model_file(path)[1]
        record = meta["pretrain"]
        threshold = meta.get("decision_threshold", {})
        text += [f"## `base_{bands}band.pt` ({'panchromatic' if bands == 1 else 'RGB'})", "",
                 f"- Network: {meta['architecture']['arch']} encoder from ImageNet "
                 "(torchvision's weights, BSD-3-Clause; ImageNet's terms apply to what they "
                 "learned) with a U-Net decoder.",
                 f"- Trained {record['steps']} steps on {record['machine']}, "
                 f"{record['threads']} thread(s), {record['seconds'] / 60:.0f} min; engine "
                 f"commit {record['engine_commit']}; seed {record['seed']}.",
                 f"- Pixel sizes learned: {meta['pixel_size_range_m'][0]:g}-"
                 f"{meta['pixel_size_range_m'][1]:g} m; each raster is normalised by its own "
                 "2-98 % percentiles.",
                 f"- Decision threshold {threshold.get('value')} (rule "
                 f"{threshold.get('rule')}), chosen on held-out tiles of the training "
                 "images (never trained on).", "", "Learned from (credit each source):", ""]
        text += _sources(meta)
        rows = [r for r in records if r["model"] == path.name]
        if rows:
            text += ["", "Zero-shot scores (images never trained on):", "", table(rows)]
        text.append("")
    text += ["## Licence of the models", "",
             "A model trained on CC BY-SA 4.0 labels (the SpaceNet images) is shared alike: "
             "CC BY-SA 4.0, with the credits above (SpaceNet; MassGIS; OpenStreetMap "
             "contributors, ODbL 1.0).", ""]
    return "\n".join(text)
