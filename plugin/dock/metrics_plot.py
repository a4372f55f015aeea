"""A small QPainter plot of the validation metrics per round (IoU, F1, relaxed F1)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QPointF, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QPainter, QPen
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from .common import tr
from .run_history import RunHistory
from .scores import METRICS, metric_names

__all__ = ["MetricsPlot"]

#: Colour of each curve, by metric key.
COLOURS = {"iou": QColor(31, 119, 180), "f1": QColor(214, 39, 40),
           "relaxed_f1": QColor(44, 160, 44)}
#: Margins around the plot area, in pixels (left, top, right, bottom).
MARGIN = (28, 8, 8, 34)


class MetricsPlot(QWidget):
    """Draws one line per metric over the run's rounds, scores from 0 to 1; the axis is
    labelled with the engine's round numbers and the best round is marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = RunHistory()
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt hook
        return QSize(240, 150)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt hook
        return QSize(160, 140)

    def set_history(self, history: RunHistory) -> None:
        """Show these rounds."""
        self.history = history
        self.update()

    def round_labels(self) -> list[str]:
        """The labels of the round axis, left to right."""
        return [str(r.round_index) for r in self.history.rounds]

    def _area(self) -> QRectF:
        left, top, right, bottom = MARGIN
        return QRectF(left, top, self.width() - left - right, self.height() - top - bottom)

    def _x(self, area: QRectF, index: int) -> float:
        count = len(self.history.rounds)
        return area.left() + area.width() * (index / (count - 1) if count > 1 else 0.5)

    def _point(self, area: QRectF, index: int, value: float) -> QPointF:
        return QPointF(self._x(area, index),
                       area.bottom() - area.height() * max(0.0, min(1.0, value)))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt hook
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        area = self._area()
        self._draw_axes(painter, area)
        self._draw_best(painter, area)
        for key in METRICS:
            self._draw_curve(painter, area, key, COLOURS[key])
        self._draw_legend(painter, area)
        painter.end()

    def _draw_axes(self, painter: QPainter, area: QRectF) -> None:
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawRect(area)
        for value in (0.0, 0.5, 1.0):
            y = area.bottom() - area.height() * value
            painter.drawText(QRectF(0, y - 7, MARGIN[0] - 3, 14),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{value:g}")
        for index, label in enumerate(self.round_labels()):
            x = self._x(area, index)
            painter.drawText(QRectF(x - 10, area.bottom() + 1, 20, 12),
                             Qt.AlignmentFlag.AlignCenter, label)
        if not self.history.rounds:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, tr("No round yet"))

    def _best_index(self) -> int | None:
        rounds = [r.round_index for r in self.history.rounds]
        best = self.history.best_round
        return rounds.index(best) if best in rounds else None

    def _draw_best(self, painter: QPainter, area: QRectF) -> None:
        """A dashed line at the best round, whose axis label is bold."""
        index = self._best_index()
        if index is None:
            return
        x = self._x(area, index)
        painter.setPen(QPen(self.palette().text().color(), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawText(QRectF(x - 10, area.bottom() + 1, 20, 12),
                         Qt.AlignmentFlag.AlignCenter, self.round_labels()[index])
        font.setBold(False)
        painter.setFont(font)

    def _draw_curve(self, painter: QPainter, area: QRectF, key: str, colour: QColor) -> None:
        painter.setPen(QPen(colour, 2))
        points = [self._point(area, i, r.metrics[key])
                  for i, r in enumerate(self.history.rounds)
                  if r.metrics.get(key) is not None]
        for a, b in zip(points[:-1], points[1:], strict=True):
            painter.drawLine(a, b)
        painter.setBrush(colour)
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)

    def _draw_legend(self, painter: QPainter, area: QRectF) -> None:
        names = metric_names()
        x, y = area.left(), area.bottom() + 16
        for key in METRICS:
            painter.setPen(QPen(COLOURS[key], 2))
            painter.drawText(QRectF(x, y, 120, 16), Qt.AlignmentFlag.AlignLeft, names[key])
            x += painter.fontMetrics().horizontalAdvance(names[key]) + 12
        if self._best_index() is not None:  # the dashed line's key
            painter.setPen(QPen(self.palette().text().color(), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, y + 2), QPointF(x, y + 13))
            painter.drawText(QRectF(x + 4, y, 120, 16), Qt.AlignmentFlag.AlignLeft,
                             tr("best"))
