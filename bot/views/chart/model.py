"""What the /chart picture shows, every word already in the reader's language.

:func:`turnover_chart` turns trade figures into a :class:`TurnoverChart`: plain frozen data
(values, which are qualified, which sources) with every label translated through aiogram's
gettext and every number formatted by Babel. The drawing (:mod:`bot.views.chart.drawing`) then
needs no i18n at all: it is a pure function of this model, so it runs in a worker thread, and
the bench and tests can call it without a reader's context.

What the picture promises: every figure sits at its own year and nothing is interpolated (a
year without a figure is a gap in the line); a part of a year (January–August) is never put on
the annual line; Belarusian, Kazakh and unattributed statistics are separate series; a value
the source qualifies ("over", "about") is marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _

from bot.domain.models import Bound, Flow, Reporter, Source, TradeFigure
from bot.views import format as fmt
from bot.views.turnover import flow_title

VALUE_FLOWS = (Flow.TURNOVER, Flow.EXPORT_BY_TO_KZ, Flow.EXPORT_KZ_TO_BY)
REPORTERS: tuple[Reporter | None, ...] = (Reporter.BELARUS, Reporter.KAZAKHSTAN, None)
MAX_GROWTH_PANELS = 3


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
