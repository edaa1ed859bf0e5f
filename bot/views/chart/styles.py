"""What the drawing shares: each reporter's look, the colours, and the page in points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.domain.models import Reporter
from bot.views.chart.model import reporter_key
from bot.views.chart.phone import PHONE_WIDTH_PT

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MUTED", "STYLES", "TEXT", "Page", "Style", "reporter_key"]


@dataclass(frozen=True)
class Style:
    color: str
    marker: str
    linestyle: Literal["-", "--", ":"]
    hatch: str | None
    dodge: float  # years: Belarusian and Kazakh points of one year sit side by side
    label_above: bool  # where its value labels go first


# Okabe–Ito colours, which colour-blind readers tell apart; they also differ in lightness (orange
# light, blue middle, near-black dark), and marker, line style and hatching differ too, for grey.
# Keyed by reporter_key: "BY", "KZ", or "" for statistics not attributed.
STYLES: dict[str, Style] = {
    reporter_key(Reporter.BELARUS): Style("#E69F00", "s", "-", None, -0.14, True),
    reporter_key(Reporter.KAZAKHSTAN): Style("#0072B2", "o", "--", "///", 0.14, False),
    reporter_key(None): Style("#222222", "D", ":", "...", 0.0, True),
}
TEXT = "#222222"
MUTED = "#555555"  # 7.5:1 on white


@dataclass(frozen=True)
class Page:
    """The figure, addressed in points from its top-left corner (the layout's own units)."""

    fig: Figure
    height: float  # points

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Figure fractions of the point ``x`` pt from the left, ``y`` pt from the top."""
        return x / PHONE_WIDTH_PT, 1.0 - y / self.height

    def size(self, width: float, height: float) -> tuple[float, float]:
        return width / PHONE_WIDTH_PT, height / self.height

    def rect(self, left: float, top: float, width: float, height: float) -> tuple[float, float, float, float]:
        """An axes' rectangle (left, bottom, width, height) in figure fractions."""
        return (
            left / PHONE_WIDTH_PT,
            1.0 - (top + height) / self.height,
            width / PHONE_WIDTH_PT,
            height / self.height,
        )
