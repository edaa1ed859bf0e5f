"""Value labels beside their points, placed where they cover the least of what is drawn.

At 17 pt a label such as "более 1,2 млрд $" is 150 pt wide, three years of the axis, so labels
of neighbouring years would collide if each simply sat above its point. A label longer than
``WIDTH_PT`` breaks after its qualifier ("более" / "1,2 млрд $": Babel's no-break spaces keep
the number whole). Each label then tries a few spots: above or below first, as its series
prefers, then the other, then above or below reaching to one side, then left and right, then
a line further out, each a little dearer than the one before. The labels together take the spots that cover least: of markers, of each
other, of other points' surroundings (a label next to someone else's marker reads as that
marker's). A label is kept inside its panel by moving it sideways.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from bot.views.chart.phone import BODY_PT, text_height, wrap
from bot.views.chart.styles import TEXT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

GAP_PT = 9.0  # from a point's centre to its label
MARKER_PT = 7.0  # half a marker's size, with a margin
NEAR_PT = 14.0  # half the surroundings of another point that a label keeps clear of
WIDTH_PT = 100.0  # a longer label takes two lines
CLEAR_PT = 10.0  # how much nearer its own point than any other a label must be


@dataclass(frozen=True)
class ValueLabel:
    text: str
    x: float  # data coordinates
    y: float
    above: bool  # tried above the point first, else below


@dataclass(frozen=True)
class _Spot:
    dx: float  # points
    dy: float
    ha: Literal["left", "center", "right"]
    va: Literal["bottom", "top", "center"]


_ABOVE = _Spot(0, GAP_PT, "center", "bottom")
_BELOW = _Spot(0, -GAP_PT, "center", "top")
_SPOTS_AFTER = (  # with what each costs (pt²) before it covers anything
    (_Spot(GAP_PT, GAP_PT, "right", "bottom"), 40.0),  # above, reaching left of the point
    (_Spot(-GAP_PT, GAP_PT, "left", "bottom"), 40.0),  # above, reaching right
    (_Spot(GAP_PT, -GAP_PT, "right", "top"), 40.0),
    (_Spot(-GAP_PT, -GAP_PT, "left", "top"), 40.0),
    (_Spot(-GAP_PT, 0, "right", "center"), 150.0),
    (_Spot(GAP_PT, 0, "left", "center"), 150.0),
    (_Spot(0, GAP_PT + BODY_PT * 1.3, "center", "bottom"), 600.0),
    (_Spot(0, -GAP_PT - BODY_PT * 1.3, "center", "top"), 600.0),
)


def label_text(text: str) -> str:
    """``text`` as it is drawn: on two lines when longer than ``WIDTH_PT``."""
    return wrap(text, WIDTH_PT, BODY_PT)


def headroom(labels: Sequence[ValueLabel]) -> float:
    """The room above the highest point for a label (points)."""
    return GAP_PT + max((text_height(label_text(label.text), BODY_PT) for label in labels), default=0.0) + 4


def place_labels(ax: Axes, labels: Sequence[ValueLabel], renderer: RendererBase, px_per_pt: float) -> None:
    """Annotate ``ax`` with ``labels``; the axes' limits must be set already.

    Every (label, spot) pair is measured once; a beam search then picks one spot per label,
    the labels' overlaps with each other included in the cost.
    """
    frame = ax.get_window_extent(renderer)
    points = [(float(x), float(y)) for x, y in ax.transData.transform([(lb.x, lb.y) for lb in labels])]
    texts, options = [], []
    for index, label in enumerate(labels):
        text = ax.annotate(
            label_text(label.text),
            (label.x, label.y),
            textcoords="offset points",
            xytext=(0, 0),
            fontsize=BODY_PT,
            color=TEXT,
            zorder=4,
            parse_math=False,
            annotation_clip=False,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.5},
        )
        first, second = (_ABOVE, _BELOW) if label.above else (_BELOW, _ABOVE)
        spots = ((first, 0.0), (second, 1.0), *_SPOTS_AFTER)
        texts.append(text)
        options.append(
            [_measure(text, spot, price, index, points, frame, renderer, px_per_pt) for spot, price in spots]
        )
    beam: list[tuple[float, list[_Option]]] = [(0.0, [])]
    for choices in options:
        grown = [
            (
                cost + option.cost + sum(_overlap(option.box, other.box) for other in chosen) * 100,
                [*chosen, option],
            )
            for cost, chosen in beam
            for option in choices
        ]
        beam = sorted(grown, key=lambda entry: entry[0])[:BEAM]
    for text, option in zip(texts, beam[0][1], strict=True):
        _put(text, option.spot, option.shift)


BEAM = 48  # placements kept at each step of the search


class _Box(NamedTuple):
    """A rectangle in pixels (plain floats: the search compares thousands of them)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, half: float) -> _Box:
        return cls(x - half, y - half, x + half, y + half)


@dataclass(frozen=True)
class _Option:
    spot: _Spot
    shift: float  # points sideways, to stay inside the panel
    box: _Box
    cost: float  # what it covers on its own, in px² times each obstacle's weight


def _put(text: Annotation, spot: _Spot, shift: float) -> None:
    text.set_horizontalalignment(spot.ha)
    text.set_verticalalignment(spot.va)
    text.xyann = (spot.dx + shift, spot.dy)


def _overlap(one: _Box, other: _Box) -> float:
    width = min(one.x1, other.x1) - max(one.x0, other.x0)
    height = min(one.y1, other.y1) - max(one.y0, other.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _distance(box: _Box, x: float, y: float) -> float:
    return math.hypot(max(box.x0 - x, 0.0, x - box.x1), max(box.y0 - y, 0.0, y - box.y1))


def _measure(
    text: Annotation,
    spot: _Spot,
    price: float,
    index: int,
    points: Sequence[tuple[float, float]],
    frame: Bbox,
    renderer: RendererBase,
    px_per_pt: float,
) -> _Option:
    """``text`` at ``spot``: moved sideways into the panel, and what that costs. Covering a
    marker costs most, then another point's surroundings; a label not clearly nearer its own
    point than any other would be read as the other's; a spot outside the panel costs most."""
    _put(text, spot, 0.0)
    extent = text.get_window_extent(renderer).padded(2 * px_per_pt)  # its white background, and air
    shift = max(frame.x0 - extent.x0, 0.0) + min(frame.x1 - extent.x1, 0.0)
    box = _Box(extent.x0 + shift, extent.y0, extent.x1 + shift, extent.y1)
    marker, near = MARKER_PT * px_per_pt, NEAR_PT * px_per_pt
    cost = price * px_per_pt**2
    own = _distance(box, *points[index])
    for other, (x, y) in enumerate(points):
        cost += 10 * _overlap(box, _Box.around(x, y, marker))
        if other != index:
            cost += _overlap(box, _Box.around(x, y, near))
            if _distance(box, x, y) < own + CLEAR_PT * px_per_pt:
                cost += 5000 * px_per_pt**2
    outside = max(frame.y0 - box.y0, 0.0) + max(box.y1 - frame.y1 - 4 * px_per_pt, 0.0)
    return _Option(spot, shift / px_per_pt, box, cost + outside * frame.width)
