"""A small QPainter plot of the validation metrics per round (IoU, F1, relaxed F1)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QPointF, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QPainter, QPen
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from .common import tr

__all__ = ["MetricsPlot"]

#: (metric key, colour) of each curve.
CURVES = (("iou", QColor(31, 119, 180)), ("f1", QColor(214, 39, 40)),
          ("relaxed_f1", QColor(44, 160, 44)))
#: Margins around the plot area, in pixels (left, top, right, bottom).
MARGIN = (28, 8, 8, 34)


class MetricsPlot(QWidget):
    """Draws one line per metric over rounds 1..N, scores from 0 to 1."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rounds: list[dict[str, float | None]] = []
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(240, 150)

    def set_rounds(self, rounds: list[dict[str, float | None]]) -> None:
        """Show these metrics, one dict per round."""
        self.rounds = [dict(r) for r in rounds]
        self.update()

    def _area(self) -> QRectF:
        left, top, right, bottom = MARGIN
        return QRectF(left, top, self.width() - left - right, self.height() - top - bottom)

    def _point(self, area: QRectF, index: int, value: float) -> QPointF:
        steps = max(len(self.rounds) - 1, 1)
        x = area.left() + area.width() * (index / steps if len(self.rounds) > 1 else 0.5)
        return QPointF(x, area.bottom() - area.height() * max(0.0, min(1.0, value)))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt hook
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        area = self._area()
        self._draw_axes(painter, area)
        for key, colour in CURVES:
            self._draw_curve(painter, area, key, colour)
        self._draw_legend(painter, area)
        painter.end()

    def _draw_axes(self, painter: QPainter, area: QRectF) -> None:
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawRect(area)
        for value in (0.0, 0.5, 1.0):
            y = area.bottom() - area.height() * value
            painter.drawText(QRectF(0, y - 7, MARGIN[0] - 3, 14),
                             Qt.AlignRight | Qt.AlignVCenter, f"{value:g}")
        for index in range(len(self.rounds)):
            x = self._point(area, index, 0.0).x()
            painter.drawText(QRectF(x - 10, area.bottom() + 1, 20, 12), Qt.AlignCenter,
                             str(index + 1))
        if not self.rounds:
            painter.drawText(area, Qt.AlignCenter, tr("No round yet"))

    def _draw_curve(self, painter: QPainter, area: QRectF, key: str, colour: QColor) -> None:
        painter.setPen(QPen(colour, 2))
        points = [self._point(area, i, r[key]) for i, r in enumerate(self.rounds)
                  if r.get(key) is not None]
        for a, b in zip(points[:-1], points[1:], strict=True):
            painter.drawLine(a, b)
        painter.setBrush(colour)
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)

    def _draw_legend(self, painter: QPainter, area: QRectF) -> None:
        names = {"iou": tr("IoU"), "f1": tr("F1"), "relaxed_f1": tr("relaxed F1")}
        x = area.left()
        for key, colour in CURVES:
            painter.setPen(QPen(colour, 2))
            painter.drawText(QRectF(x, area.bottom() + 16, 120, 16), Qt.AlignLeft, names[key])
            x += painter.fontMetrics().horizontalAdvance(names[key]) + 12
