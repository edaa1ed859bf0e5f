"""The /chart picture drawn with matplotlib: a pure function of the model, for a worker thread.

:func:`render_png` is CPU-bound (a few hundred milliseconds) and is called through
``asyncio.to_thread``, so the bot keeps answering meanwhile. It uses no gettext: every word
comes ready in the :class:`~bot.views.chart.model.TurnoverChart`; only the axis numbers are
formatted here, by Babel with the chart's explicit locale. It draws on a private ``Figure``
with the Agg canvas, never pyplot's global state, so renders in several threads cannot mix.
matplotlib is imported on the first render, not when the bot starts.

Belarusian, Kazakh and unattributed statistics are told apart by colour, marker, line style and
bar hatching, so they read in grey and for colour-blind readers; a qualified value is hollow.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.domain.models import Reporter
from bot.views import format as fmt
from bot.views.chart.model import GrowthPanel, TurnoverChart, ValuePanel, reporter_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Names the picture in the file_id cache; bump the suffix when the drawing changes, so that
#: pictures of the old look already uploaded to Telegram are not reused.
CHART_ID = "turnover-v1"

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 10.0, 150  # 1200 × 1500 px: sharp on a phone, well under 1 MB


@dataclass(frozen=True)
class _Style:
    color: str
    marker: str
    linestyle: Literal["-", "--", ":"]
    hatch: str | None
    dodge: float  # years: Belarusian and Kazakh points of one year sit side by side
    label_above: bool


# Okabe–Ito colours, which colour-blind readers tell apart; they also differ in lightness (orange
# light, blue middle, near-black dark), and marker, line style and hatching differ too, for grey.
_STYLES: dict[Reporter | None, _Style] = {
    Reporter.BELARUS: _Style("#E69F00", "s", "-", None, -0.14, True),
    Reporter.KAZAKHSTAN: _Style("#0072B2", "o", "--", "///", 0.14, False),
    None: _Style("#222222", "D", ":", "...", 0.0, True),
}
_TEXT = "#222222"
_MUTED = "#555555"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


def build_figure(chart: TurnoverChart) -> Figure:
    """The matplotlib Figure of ``chart`` (not yet rendered; tests look at its texts).

    The layout is fixed, in fractions of the figure, with margins wide enough for the longest
    labels of the four languages: matplotlib's automatic layout would cost as much again as
    drawing the picture.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    texts = chart.texts
    fig.text(0.5, 0.988, texts.title, ha="center", va="top", fontsize=16, fontweight="bold", color=_TEXT)
    fig.text(0.5, 0.955, _wrap(texts.subtitle, 100), ha="center", va="top", fontsize=9, color=_MUTED)
    _legend(fig, chart)
    fig.text(0.012, 0.008, _wrap(texts.sources, 130), ha="left", va="bottom", fontsize=7.5, color=_MUTED)

    growth = bool(chart.growth_panels)
    top_grid = fig.add_gridspec(
        2, 2, left=0.115, right=0.975, top=0.855, bottom=0.37 if growth else 0.06, hspace=0.42, wspace=0.34,
        height_ratios=[1.35, 1],
    )  # fmt: skip
    turnover, *exports = chart.value_panels
    _value_axes(fig.add_subplot(top_grid[0, :]), turnover, chart)
    for column, panel in enumerate(exports):
        ax = fig.add_subplot(top_grid[1, column])
        _value_axes(ax, panel, chart)
        ax.set_xlabel(texts.year_axis, fontsize=8.5, color=_MUTED)
    if growth:
        _growth_panels_draw(fig, chart)
    return fig


def render_png(chart: TurnoverChart) -> bytes:
    """The PNG of ``chart``: CPU-bound, call it in a worker thread."""
    fig = build_figure(chart)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _legend(fig: Figure, chart: TurnoverChart) -> None:
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # (line, bar) pairs, drawn side by side by HandlerTuple; the type stubs know single artists only.
    handles: list[Any] = []
    labels = []
    for reporter in chart.reporters:
        style = _STYLES[reporter]
        line = Line2D(
            [], [], color=style.color, marker=style.marker, linestyle=style.linestyle, linewidth=1.8
        )
        patch = Patch(facecolor=style.color, edgecolor=style.color, hatch=style.hatch, hatchcolor="white")
        handles.append((line, patch))
        labels.append(chart.texts.reporters[reporter_key(reporter)])
    if chart.has_bounded:
        line = Line2D([], [], color=_MUTED, marker="o", markerfacecolor="white", linestyle="none")
        patch = Patch(facecolor="white", edgecolor=_MUTED, linewidth=1.2)
        handles.append((line, patch))
        labels.append(chart.texts.hollow)
    fig.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.93),
        ncols=2,
        fontsize=8.5,
        frameon=False,
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.6)},
        handlelength=3.2,
        columnspacing=1.6,
    )


def _money_axis(ax: Axes, locale: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.money(value, locale)))


def _style_axes(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8, colors=_TEXT)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def _value_axes(ax: Axes, panel: ValuePanel, chart: TurnoverChart) -> None:
    import numpy as np
    from matplotlib.ticker import FixedLocator

    years = np.arange(chart.first_year, chart.last_year + 1)
    _style_axes(ax)
    ax.set_title(panel.title, fontsize=10.5, fontweight="bold", color=_TEXT, loc="left")
    ax.set_ylabel(chart.texts.value_axis, fontsize=8.5, color=_MUTED)
    ax.set_xlim(chart.first_year - 1.0, chart.last_year + 0.6)
    ax.xaxis.set_major_locator(FixedLocator(years.tolist()))
    ax.set_xticklabels([str(year) for year in years])
    top = max((p.value for s in panel.series for p in s.points), default=0.0)
    if not panel.series:
        ax.text(0.5, 0.5, chart.texts.no_values, transform=ax.transAxes, ha="center", va="center", fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        return
    ax.set_ylim(0, top * 1.28)
    _money_axis(ax, chart.locale)
    for series in panel.series:
        style = _STYLES[series.reporter]
        # One slot per calendar year, NaN where this series has no figure: matplotlib breaks the
        # line there, so a missing year is a gap and never an interpolation.
        values = np.full(len(years), np.nan)
        for point in series.points:
            slot = point.year - chart.first_year
            if np.isnan(values[slot]):  # a second figure for a year is still drawn, unconnected
                values[slot] = point.value
        ax.plot(
            years + style.dodge,
            values,
            color=style.color,
            linestyle=style.linestyle,
            linewidth=1.8,
            gid=series.gid,
            zorder=2,
        )
        for bounded in (False, True):
            chosen = [p for p in series.points if p.bounded is bounded]
            if not chosen:
                continue
            ax.plot(
                [p.year + style.dodge for p in chosen],
                [p.value for p in chosen],
                linestyle="none",
                marker=style.marker,
                markersize=7,
                markeredgewidth=1.8,
                color=style.color,
                markerfacecolor="white" if bounded else style.color,
                gid=f"{series.gid}:{'bounded' if bounded else 'exact'}",
                zorder=3,
            )
        for point in series.points:
            ax.annotate(
                point.label,
                (point.year + style.dodge, point.value),
                xytext=(0, 7 if style.label_above else -7),
                textcoords="offset points",
                ha="center",
                va="bottom" if style.label_above else "top",
                fontsize=7.5,
                color=_TEXT,
                zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.5},
            )


def _growth_panels_draw(fig: Figure, chart: TurnoverChart) -> None:
    panels = chart.growth_panels
    fig.text(0.012, 0.296, chart.texts.growth_heading, fontsize=10.5, fontweight="bold", color=_TEXT)
    widths = [max(len(panel.groups), 1.4) for panel in panels]
    grid = fig.add_gridspec(
        1, len(panels), left=0.115, right=0.975, top=0.24, bottom=0.085, wspace=0.08, width_ratios=widths
    )
    values = [bar.value for panel in panels for g in panel.groups for bar in g.bars]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 10.0
    first: Axes | None = None
    for index, panel in enumerate(panels):
        ax = fig.add_subplot(grid[0, index], sharey=first)
        first = first or ax
        _growth_axes(ax, panel, chart, wrap=int(widths[index] * 16))
        ax.set_ylim(low - (0.2 * span if low < 0 else 0), high + 0.22 * span)
        if index == 0:
            ax.set_ylabel(chart.texts.growth_axis, fontsize=8.5, color=_MUTED)
        else:
            ax.tick_params(axis="y", labelleft=False)


def _growth_axes(ax: Axes, panel: GrowthPanel, chart: TurnoverChart, *, wrap: int) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    _style_axes(ax)
    ax.set_title(_wrap(panel.title, wrap), fontsize=9.5, color=_TEXT)
    ax.axhline(0, color=_MUTED, linewidth=0.8)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.percent(value, chart.locale)))
    if not panel.groups:
        ax.text(0.5, 0.5, chart.texts.no_values, transform=ax.transAxes, ha="center", va="center", fontsize=9)
        ax.set_xticks([])
        return
    width = 0.36
    for position, group in enumerate(panel.groups):
        count = len(group.bars)
        for slot, bar in enumerate(group.bars):
            style = _STYLES[bar.reporter]
            x = position + (slot - (count - 1) / 2) * width
            ax.bar(
                x,
                bar.value,
                width * 0.9,
                color="white" if bar.bounded else style.color,
                edgecolor=style.color,
                hatch=style.hatch,
                hatchcolor=style.color if bar.bounded else "white",
                linewidth=1.6,
                gid=f"{panel.period_key}:{group.flow.value}:{reporter_key(bar.reporter) or 'any'}",
            )
            ax.annotate(
                bar.label,
                (x, bar.value),
                xytext=(0, 3 if bar.value >= 0 else -3),
                textcoords="offset points",
                ha="center",
                va="bottom" if bar.value >= 0 else "top",
                fontsize=8,
                color=_TEXT,
            )
    ax.set_xticks(range(len(panel.groups)), [_wrap(g.title, max(wrap // 2, 14)) for g in panel.groups])
    ax.tick_params(axis="x", length=0, labelsize=8)
    ax.set_xlim(-0.6, len(panel.groups) - 0.4)
