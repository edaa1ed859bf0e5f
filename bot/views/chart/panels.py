"""The two kinds of panel on the picture: annual values as lines, growth rates as bars.

Both are blocks of the one-column layout (:mod:`bot.views.chart.drawing`): they know their
height in points before the figure exists and draw themselves at a given top.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.views.chart.labels import ValueLabel, headroom, place_labels
from bot.views.chart.model import GrowthPanel, TurnoverChart, ValuePanel
from bot.views.chart.phone import BODY_PT, HEADING_PT, INNER_PT, MARGIN_PT, text_height, text_width, wrap
from bot.views.chart.styles import MUTED, STYLES, TEXT, Page, reporter_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase

__all__ = ["GrowthBlock", "GrowthScale", "ValueBlock"]


class ValueBlock:
    """A flow's annual values: one line per reporter, every point labelled with its value.

    No value axis: every point carries its value, and the axis starts at zero, so the heights
    compare honestly; the width the axis labels would take ("1,2 млрд $" is 95 pt) goes to the
    years instead.
    """

    def __init__(self, panel: ValuePanel, chart: TurnoverChart, *, tall: bool) -> None:
        self.panel, self.chart = panel, chart
        self.title = wrap(panel.title, INNER_PT, HEADING_PT, bold=True)
        self.title_height = text_height(self.title, HEADING_PT) + 2
        self.axes_height = (150.0 if tall else 115.0) if panel.series else 0.0
        ticks = BODY_PT * 1.4 + 6 if panel.series else text_height(chart.texts.no_values, BODY_PT)
        self.height = self.title_height + self.axes_height + ticks + 8

    def draw(self, page: Page, top: float) -> None:
        fig, chart = page.fig, self.chart
        x, y = page.point(MARGIN_PT, top)
        fig.text(
            x,
            y,
            self.title,
            ha="left",
            va="top",
            fontsize=HEADING_PT,
            fontweight="bold",
            color=TEXT,
            parse_math=False,
        )
        if not self.panel.series:
            x, y = page.point(MARGIN_PT, top + self.title_height)
            fig.text(x, y, chart.texts.no_values, ha="left", va="top", fontsize=BODY_PT, color=MUTED)
            return
        ax = fig.add_axes(page.rect(MARGIN_PT, top + self.title_height, INNER_PT, self.axes_height))
        self._axes(ax)
        self._lines(ax)
        self._labels(ax, fig.canvas.get_renderer(), fig.dpi / 72)  # type: ignore[attr-defined]

    def _axes(self, ax: Axes) -> None:
        from matplotlib.ticker import FixedLocator, NullLocator

        first, last = self.chart.first_year, self.chart.last_year
        ax.set_xlim(first - 0.5, last + 0.5)
        highest = max(p.value for s in self.panel.series for p in s.points)
        room = headroom(self._value_labels())
        ax.set_ylim(0, highest * self.axes_height / (self.axes_height - room))
        ax.set_yticks([])  # every point carries its value
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.spines["bottom"].set_color(MUTED)
        # Every year gets a tick; its number is written where the numbers fit side by side.
        slot = INNER_PT / (last - first + 1)
        step = math.ceil((text_width(str(last), BODY_PT) + 6) / slot)
        ax.xaxis.set_major_locator(
            FixedLocator([y for y in range(first, last + 1) if (last - y) % step == 0])
        )
        ax.xaxis.set_minor_locator(FixedLocator(list(range(first, last + 1))) if step > 1 else NullLocator())
        ax.xaxis.set_major_formatter(lambda value, _pos: str(round(value)))
        ax.tick_params(axis="x", labelsize=BODY_PT, colors=TEXT, length=5)

    def _lines(self, ax: Axes) -> None:
        import numpy as np

        years = np.arange(self.chart.first_year, self.chart.last_year + 1)
        for series in self.panel.series:
            style = STYLES[reporter_key(series.reporter)]
            # One slot per calendar year, NaN where this series has no figure: matplotlib breaks
            # the line there, so a missing year is a gap and never an interpolation. A point not
            # joined to the year before (another outlet's figure) gets a NaN half a year before it.
            values = np.full(len(years), np.nan)
            for point in series.points:
                slot = point.year - self.chart.first_year
                if np.isnan(values[slot]):  # a second figure for a year is still drawn, unconnected
                    values[slot] = point.value
            xs: list[float] = []
            ys: list[float] = []
            joined = {point.year for point in series.points if point.joined}
            for year, value in zip(years.tolist(), values.tolist(), strict=True):
                if year not in joined and xs and not math.isnan(ys[-1]) and not math.isnan(value):
                    xs.append(year - 0.5)
                    ys.append(math.nan)
                xs.append(float(year))
                ys.append(float(value))
            ax.plot(
                np.array(xs, dtype=float) + style.dodge,
                ys,
                color=style.color,
                linestyle=style.linestyle,
                linewidth=2.2,
                gid=series.gid,
                zorder=2,
            )
            for bounded in (False, True):
                chosen = [p for p in series.points if p.bounded is bounded]
                if chosen:
                    ax.plot(
                        [p.year + style.dodge for p in chosen],
                        [p.value for p in chosen],
                        linestyle="none",
                        marker=style.marker,
                        markersize=9,
                        markeredgewidth=2,
                        color=style.color,
                        markerfacecolor="white" if bounded else style.color,
                        gid=f"{series.gid}:{'bounded' if bounded else 'exact'}",
                        zorder=3,
                    )

    def _value_labels(self) -> list[ValueLabel]:
        return [
            ValueLabel(point.label, point.year + style.dodge, point.value, style.label_above)
            for series in self.panel.series
            for style in [STYLES[reporter_key(series.reporter)]]
            for point in series.points
        ]

    def _labels(self, ax: Axes, renderer: RendererBase, px_per_pt: float) -> None:
        place_labels(ax, self._value_labels(), renderer, px_per_pt)


class GrowthScale:
    """One scale for the bars of every period, leaving room beside them for their labels."""

    def __init__(self, panels: Sequence[GrowthPanel]) -> None:
        bars = [bar for panel in panels for group in panel.groups for bar in group.bars]
        low = min([0.0, *(bar.value for bar in bars)])
        high = max([0.0, *(bar.value for bar in bars)])
        right = max((text_width(b.label, BODY_PT) + 10 for b in bars if b.value >= 0), default=0.0)
        left = max((text_width(b.label, BODY_PT) + 10 for b in bars if b.value < 0), default=0.0)
        per_pt = ((high - low) or 10.0) / max(INNER_PT - left - right, 60.0)
        self.xlim = (low - left * per_pt, high + right * per_pt)


class GrowthBlock:
    """One period's growth rates: each flow's name, then a bar per reporter with its value."""

    ROW_PT, BAR_PT = 20.0, 15.0

    def __init__(self, panel: GrowthPanel, scale: GrowthScale) -> None:
        self.panel, self.scale = panel, scale
        self.title = wrap(panel.title, INNER_PT, BODY_PT, bold=True)
        self.title_height = text_height(self.title, BODY_PT)
        self.rows: list[tuple[float, str | None, int, int]] = []  # top, flow name or None, group, bar
        top = 0.0
        for g, group in enumerate(panel.groups):
            name = wrap(group.title, INNER_PT, BODY_PT)
            self.rows.append((top, name, g, -1))
            top += text_height(name, BODY_PT)
            for b in range(len(group.bars)):
                self.rows.append((top, None, g, b))
                top += self.ROW_PT
            top += 2
        self.axes_height = top
        self.height = self.title_height + self.axes_height + 8

    def draw(self, page: Page, top: float) -> None:
        from matplotlib.transforms import blended_transform_factory

        x, y = page.point(MARGIN_PT, top)
        page.fig.text(
            x,
            y,
            self.title,
            ha="left",
            va="top",
            fontsize=BODY_PT,
            fontweight="bold",
            color=TEXT,
            parse_math=False,
        )
        ax = page.fig.add_axes(page.rect(MARGIN_PT, top + self.title_height, INNER_PT, self.axes_height))
        ax.set_xlim(*self.scale.xlim)
        ax.set_ylim(self.axes_height, 0)  # points from the panel's top, downwards
        ax.set_axis_off()
        ax.set_xticks([])
        ax.set_yticks([])
        names = blended_transform_factory(ax.transAxes, ax.transData)
        for row_top, name, g, b in self.rows:
            group = self.panel.groups[g]
            if name is not None:
                ax.text(
                    0,
                    row_top,
                    name,
                    transform=names,
                    ha="left",
                    va="top",
                    fontsize=BODY_PT,
                    color=TEXT,
                    parse_math=False,
                )
                continue
            bar = group.bars[b]
            style = STYLES[reporter_key(bar.reporter)]
            middle = row_top + self.ROW_PT / 2
            ax.barh(
                middle,
                bar.value,
                self.BAR_PT,
                left=0,
                color="white" if bar.bounded else style.color,
                edgecolor=style.color,
                hatch=style.hatch,
                hatchcolor=style.color if bar.bounded else "white",
                linewidth=1.6,
                gid=f"{self.panel.period_key}:{group.flow.value}:{reporter_key(bar.reporter) or 'any'}",
            )
            ax.vlines(0, row_top, row_top + self.ROW_PT, color=MUTED, linewidth=1)
            ax.annotate(
                bar.label,
                (bar.value, middle),
                xytext=(6 if bar.value >= 0 else -6, 0),
                textcoords="offset points",
                ha="left" if bar.value >= 0 else "right",
                va="center",
                fontsize=BODY_PT,
                color=TEXT,
                parse_math=False,
            )
