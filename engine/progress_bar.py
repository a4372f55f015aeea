"""An event sink for people: tqdm bars on stderr and a per-round metrics table on stdout."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm import tqdm

from .events import Event

__all__ = ["BarSink"]

#: Metrics printed in the per-round table, in this order.
TABLE_METRICS = ("iou", "f1", "precision", "recall", "relaxed_f1", "loss")


class BarSink:
    """Draws one progress bar per stage and prints each round's validation scores."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._bar: tqdm | None = None
        self._stage: str | None = None
        self._round_metrics: dict[int, dict[str, Any]] = {}
        self._header_printed = False

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _progress(self, event: Event) -> None:
        if event["stage"] != self._stage or self._bar is None:
            self._close_bar()
            self._stage = event["stage"]
            self._bar = tqdm(total=event["total"], desc=event["stage"], file=self.err,
                             dynamic_ncols=True, leave=False)
        self._bar.n = event["done"]
        if "loss" in event:
            shown = {"loss": f"{event['loss']:.3f}"}
            # A step without a contrastive term shows none, rather than a made-up 0.
            if event.get("loss_contrastive") is not None:
                shown["contrast"] = f"{event['loss_contrastive']:.3f}"
            self._bar.set_postfix(shown, refresh=False)
        self._bar.refresh()

    def _metric(self, event: Event) -> None:
        rnd = event.get("round")
        if rnd is None:
            return
        row = self._round_metrics.setdefault(rnd, {})
        row[event["name"]] = event["value"]
        if all(k in row for k in TABLE_METRICS) and not row.get("_printed"):
            row["_printed"] = True
            self._close_bar()
            if not self._header_printed:
                print("round " + " ".join(f"{k:>10}" for k in TABLE_METRICS), file=self.out)
                self._header_printed = True
            cells = " ".join("       n/a" if row[k] is None else f"{row[k]:>10.4f}"
                             for k in TABLE_METRICS)
            print(f"{rnd:>5} {cells}", file=self.out, flush=True)

    def emit(self, event: Event) -> None:
        """Show an event."""
        kind = event["event"]
        if kind == "progress":
            self._progress(event)
        elif kind == "metric":
            self._metric(event)
        elif kind == "warning":
            tqdm.write(f"warning: {event['message']}", file=self.err)
        elif kind == "artifact":
            self._close_bar()
        elif kind in ("done", "error"):
            self._close_bar()
