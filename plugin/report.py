"""The HTML report of a training run: one row of validation metrics per round."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["metrics_by_round", "training_report_html", "write_training_report"]

Event = dict[str, Any]


def metrics_by_round(events: Iterable[Event]) -> tuple[list[str], dict[int, dict[str, Any]]]:
    """The metric names (in the order first seen) and ``{round: {name: value}}``."""
    names: list[str] = []
    rounds: dict[int, dict[str, Any]] = {}
    for event in events:
        if event.get("event") != "metric" or event.get("round") is None:
            continue
        name = str(event["name"])
        if name not in names:
            names.append(name)
        rounds.setdefault(int(event["round"]), {})[name] = event.get("value")
    return names, rounds


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:.4f}" if isinstance(value, float) else html.escape(str(value))


def training_report_html(events: list[Event], done: Event, *, title: str) -> str:
    """The report as an HTML page (metrics table, best round, stop reason, files)."""
    names, rounds = metrics_by_round(events)
    best = done.get("best_round")
    header = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = []
    for r in sorted(rounds):
        style = ' style="font-weight:bold;background:#e8f4e8"' if r == best else ""
        cells = "".join(f"<td>{_cell(rounds[r].get(n))}</td>" for n in names)
        rows.append(f"<tr{style}><td>{r}</td>{cells}</tr>")
    facts = {"model": done.get("model"), "best round": best, "rounds run": done.get("rounds"),
             "stopped because": done.get("stop_reason"),
             "seconds": round(float(done.get("elapsed_s", 0.0)), 1)}
    items = "".join(f"<li>{html.escape(k)}: {html.escape(str(v))}</li>"
                    for k, v in facts.items())
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            "</title></head><body>"
            f"<h2>{html.escape(title)}</h2><ul>{items}</ul>"
            "<p>Validation scores on the held-out part of the labeled area, per round "
            "(the best round, by IoU, is highlighted and is the model written):</p>"
            "<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
            f"<tr><th>round</th>{header}</tr>{''.join(rows)}</table></body></html>")


def write_training_report(path: str | Path, events: list[Event], done: Event, *,
                          title: str = "Road model training") -> None:
    """Write :func:`training_report_html` to ``path`` (UTF-8)."""
    Path(path).write_text(training_report_html(events, done, title=title), encoding="utf-8")
