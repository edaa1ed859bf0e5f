"""/chart: turnover and exports as a picture, in the reader's language.

Two halves. :func:`turnover_chart` decides what to draw and puts every label into the reader's
language; it uses aiogram's gettext context, so it runs in the event loop. :func:`render_png`
draws that with matplotlib and is meant for a worker thread: it knows no gettext (context
variables do not follow a call into a thread), only the locale Babel formats numbers in, and
it uses a private ``Figure`` with the Agg canvas, never pyplot's global state.

What the picture promises: every figure sits at its own year and nothing is interpolated (a
year without a figure is a gap in the line); Belarusian, Kazakh and unattributed statistics are
separate series told apart by colour, marker, line style and bar hatching, so they read in grey
and for colour-blind readers; a value the source qualifies ("over", "about") is drawn hollow.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuAction, MenuCb
from bot.domain.models import Bound, Flow, Reporter, Source, TradeFigure
from bot.views import format as fmt
from bot.views.common import Rendered, bold, italic, quote
from bot.views.turnover import flow_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Names the picture in the file_id cache; bump the suffix when the drawing changes, so that
#: pictures of the old look already uploaded to Telegram are not reused.
CHART_ID = "turnover-v1"

VALUE_FLOWS = (Flow.TURNOVER, Flow.EXPORT_BY_TO_KZ, Flow.EXPORT_KZ_TO_BY)
REPORTERS: tuple[Reporter | None, ...] = (Reporter.BELARUS, Reporter.KAZAKHSTAN, None)
MAX_GROWTH_PANELS = 3


# -- what to draw ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One annual value on a line."""

    year: int
    value: float
    bounded: bool  # the source said "over", "about" or "under": drawn hollow
    label: str  # "over $1.2B", in the reader's locale
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    """One flow as one reporter's statistics give it, year by year."""

    flow: Flow
    reporter: Reporter | None
    points: tuple[Point, ...]  # by year

    @property
    def gid(self) -> str:
        """What the drawn line is called in the figure (tests find it by this)."""
        return f"{self.flow.value}:{self.reporter.value if self.reporter else 'any'}"


@dataclass(frozen=True)
class ValuePanel:
    flow: Flow
    title: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Bar:
    reporter: Reporter | None
    value: float
    bounded: bool
    label: str  # "about +20%"
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class BarGroup:
    flow: Flow
    title: str
    bars: tuple[Bar, ...]  # Belarusian statistics first


@dataclass(frozen=True)
class GrowthPanel:
    """Growth on the same months a year before, for one period."""

    period_key: str
    title: str  # "January – August 2025"
    groups: tuple[BarGroup, ...]


@dataclass(frozen=True)
class ChartTexts:
    """Every word on the picture, already in the reader's language."""

    title: str
    subtitle: str
    value_axis: str
    year_axis: str
    growth_heading: str
    growth_axis: str
    reporters: dict[str, str]  # Reporter value, or "" for statistics not attributed
    hollow: str
    no_values: str
    sources: str


@dataclass(frozen=True)
class TurnoverChart:
    """Everything the picture shows: plain data, safe to hand to a worker thread."""

    locale: str
    first_year: int
    last_year: int
    value_panels: tuple[ValuePanel, ...]
    growth_panels: tuple[GrowthPanel, ...]
    texts: ChartTexts
    outlets: tuple[str, ...]

    @property
    def reporters(self) -> tuple[Reporter | None, ...]:
        """The reporters that appear anywhere, in legend order."""
        shown = {s.reporter for panel in self.value_panels for s in panel.series}
        shown |= {bar.reporter for p in self.growth_panels for g in p.groups for bar in g.bars}
        return tuple(r for r in REPORTERS if r in shown)

    @property
    def has_bounded(self) -> bool:
        points = (p.bounded for panel in self.value_panels for s in panel.series for p in s.points)
        bars = (b.bounded for panel in self.growth_panels for g in panel.groups for b in g.bars)
        return any(points) or any(bars)


def year_span(first: int, last: int) -> str:
    return f"{first}–{last}" if first != last else str(first)


def reporter_key(reporter: Reporter | None) -> str:
    return reporter.value if reporter else ""


def _reporter_names() -> dict[str, str]:
    return {
        Reporter.BELARUS.value: _("Belarusian statistics"),
        Reporter.KAZAKHSTAN.value: _("Kazakh statistics"),
        "": _("Statistics not specified"),
    }


_RANK = {reporter: rank for rank, reporter in enumerate(REPORTERS)}


def _value_panel(flow: Flow, annual: Sequence[TradeFigure], locale: str) -> ValuePanel:
    series = []
    for reporter in REPORTERS:
        own = sorted((f for f in annual if f.flow is flow and f.reporter == reporter), key=lambda f: f.period)
        points = tuple(
            Point(
                year=f.period.year,
                value=f.value_usd,
                bounded=f.value_bound is not Bound.EXACT,
                label=fmt.bounded(fmt.money(f.value_usd, locale), f.value_bound),
                source_ids=f.source_ids,
            )
            for f in own
            if f.value_usd is not None
        )
        if points:
            series.append(Series(flow=flow, reporter=reporter, points=points))
    return ValuePanel(flow=flow, title=flow_title(flow), series=tuple(series))


def _growth_panels(figures: Sequence[TradeFigure], locale: str) -> tuple[GrowthPanel, ...]:
    """The periods of the latest year that has growth rates, oldest first (at most three)."""
    growth = [f for f in figures if f.growth_pct is not None and f.flow in VALUE_FLOWS]
    if not growth:
        return ()
    latest = max(f.period.year for f in growth)
    periods = sorted({f.period for f in growth if f.period.year == latest}, key=lambda p: (p.end, p.start))
    panels = []
    for period in periods[-MAX_GROWTH_PANELS:]:
        groups = []
        for flow in VALUE_FLOWS:
            own = sorted(
                (f for f in growth if f.period == period and f.flow is flow), key=lambda f: _RANK[f.reporter]
            )
            bars = tuple(
                Bar(
                    reporter=f.reporter,
                    value=f.growth_pct,
                    bounded=f.growth_bound is not Bound.EXACT,
                    label=fmt.bounded(fmt.percent(f.growth_pct, locale), f.growth_bound),
                    source_ids=f.source_ids,
                )
                for f in own
                if f.growth_pct is not None
            )
            if bars:
                groups.append(BarGroup(flow=flow, title=flow_title(flow), bars=bars))
        panels.append(
            GrowthPanel(period_key=period.key, title=fmt.period(period, locale), groups=tuple(groups))
        )
    return tuple(panels)


def turnover_chart(
    figures: Sequence[TradeFigure], sources: Sequence[Source], locale: str
) -> TurnoverChart | None:
    """What the chart shows for ``figures`` (every period in the data); None if nothing to draw.

    Whole years carry the values; a part of a year (January–August) is never put on the annual
    line as if it were a year: its growth rates get a panel of their own.
    """
    annual = [
        f for f in figures if f.period.is_full_year and f.value_usd is not None and f.flow in VALUE_FLOWS
    ]
    growth_panels = _growth_panels(figures, locale)
    if not annual and not growth_panels:
        return None
    years = [f.period.year for f in annual] or [f.period.year for f in figures]
    value_panels = tuple(_value_panel(flow, annual, locale) for flow in VALUE_FLOWS)

    drawn = [sid for panel in value_panels for s in panel.series for p in s.points for sid in p.source_ids]
    drawn += [sid for panel in growth_panels for g in panel.groups for b in g.bars for sid in b.source_ids]
    by_id = {source.id: source for source in sources}
    outlets = tuple(dict.fromkeys(by_id[sid].outlet for sid in drawn if sid in by_id))

    first, last = min(years), max(years)
    texts = ChartTexts(
        title=_("Belarus–Kazakhstan trade"),
        subtitle=_(
            "Annual values in US dollars, {years}. A year with no published figure is left blank."
        ).format(years=year_span(first, last)),
        value_axis=_("US dollars"),
        year_axis=_("Year"),
        growth_heading=_("Growth on the same months a year before"),
        growth_axis=_("Change, percent"),
        reporters=_reporter_names(),
        hollow=_("Hollow: the source says “over” or “about”"),
        no_values=_("No values published"),
        sources=_("Sources: {outlets}").format(outlets=", ".join(outlets)),
    )
    return TurnoverChart(
        locale=locale,
        first_year=first,
        last_year=last,
        value_panels=value_panels,
        growth_panels=growth_panels,
        texts=texts,
        outlets=outlets,
    )


# -- the message around the picture ------------------------------------------------------------

CAPTION_LIMIT = 1024  # Telegram's limit on a photo caption, after entity parsing


def chart_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📊 Turnover"), callback_data=MenuCb(action=MenuAction.TURNOVER))
    builder.button(text=_("📚 Sources"), callback_data=MenuCb(action=MenuAction.SOURCES))
    return builder.as_markup()


def render_chart_caption(chart: TurnoverChart) -> Rendered:
    """The caption under the photo (HTML, within Telegram's 1,024 characters) and its buttons."""
    lines = [f"📈 {bold(chart.texts.title)}"]
    lines.append(
        quote(
            _("Turnover and exports each way by year, {years}.").format(
                years=year_span(chart.first_year, chart.last_year)
            )
        )
    )
    if chart.growth_panels:
        periods = ", ".join(panel.title for panel in chart.growth_panels)
        lines.append(quote(_("Growth on the same months a year before: {periods}").format(periods=periods)))
    lines.append(
        italic(
            _(
                "Belarusian and Kazakh statistics are drawn separately. Hollow markers: the source "
                "says “over” or “about”. A year with no published figure is left blank."
            )
        )
    )
    lines.append("")
    outlets = ", ".join(chart.outlets)
    footer = _("Every publication with its link: /sources")
    lines.append(f"{bold(_('Sources'))}: {quote(outlets)}")
    lines.append(quote(footer))
    text = "\n".join(lines)
    if len(text) > CAPTION_LIMIT:  # a much larger dataset: the sources stay one tap away
        text = "\n".join([*lines[:-3], "", quote(footer)])
    return Rendered(text, chart_keyboard())


def render_no_chart() -> Rendered:
    return Rendered(_("No trade figures are loaded yet. Please try again later."))


# -- drawing (worker thread) -------------------------------------------------------------------

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
