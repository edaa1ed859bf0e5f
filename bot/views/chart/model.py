"""What the /chart picture shows, every word already in the reader's language.

:func:`turnover_chart` turns trade figures into a :class:`TurnoverChart`: plain frozen data
(values, which are qualified, which sources) with every label translated through aiogram's
gettext and every number formatted by Babel. The drawing (:mod:`bot.views.chart.drawing`) then
needs no i18n at all: it is a pure function of this model, so it runs in a worker thread, and
the bench and tests can call it without a reader's context.

What the picture promises: every figure sits at its own year and nothing is interpolated (a
year without a figure is a gap in the line); a part of a year (January–August) is never put on
the annual line; Belarusian, Kazakh and unattributed statistics are separate series; a value
the source qualifies ("over", "about") is marked as such. What would be a panel with a single
point (a flow known for one year only, a period with one growth rate) is a line of text instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from aiogram.utils.i18n import gettext as _

from bot.domain.models import Bound, Flow, Period, Reporter, Source, TradeFigure
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
    # Drawn joined to the previous point: the year before, from the same outlet. Figures from
    # different outlets (Kazinform's "over $1B" for 2021, ctv.by's "over $1.2B" for 2022) are
    # not one series, and a line between them would say they were.
    joined: bool = False


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
    """A flow's annual values: lines, or a note where every value falls in one year."""

    flow: Flow
    title: str
    series: tuple[Series, ...]
    note: str = ""  # "2018: $783.7M (Belarusian statistics), …": written instead of drawn


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
    usd_found: bool  # some figure of the period has a value in US dollars (drawn nowhere)


@dataclass(frozen=True)
class GrowthNote:
    """A period with a single growth rate: one line of text, not a panel with one bar."""

    period_key: str
    title: str  # "January – September 2025"
    text: str  # "Trade turnover: about +20% (As stated in the source)"
    usd_found: bool
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChartTexts:
    """Every word on the picture, already in the reader's language."""

    title: str
    subtitle: str
    growth_heading: str
    reporters: dict[str, str]  # Reporter value, or "" for statistics not attributed
    hollow: str
    no_values: str
    newest_source: str  # "Newest source: November 4, 2025", or "" when no source has a date


@dataclass(frozen=True)
class TurnoverChart:
    """Everything the picture shows: plain data, safe to hand to a worker thread."""

    locale: str
    first_year: int
    last_year: int
    value_panels: tuple[ValuePanel, ...]
    growth_panels: tuple[GrowthPanel, ...]
    growth_notes: tuple[GrowthNote, ...]
    texts: ChartTexts
    outlets: tuple[str, ...]
    bot_username: str = ""  # without the "@"; set by :func:`signed`

    @property
    def footer(self) -> str:
        """The last line of the picture, so that a forwarded chart says where it came from."""
        by = f"@{self.bot_username}" if self.bot_username else ""
        return " · ".join(part for part in (by, self.texts.newest_source) if part)

    @property
    def growth_periods(self) -> tuple[GrowthPanel | GrowthNote, ...]:
        """The periods of the growth rates, panels and notes together, oldest first."""
        both: list[GrowthPanel | GrowthNote] = [*self.growth_panels, *self.growth_notes]
        return tuple(sorted(both, key=lambda p: Period.from_key(p.period_key)))

    @property
    def charted(self) -> tuple[ValuePanel, ...]:
        """The value panels drawn as lines (the others are notes)."""
        return tuple(panel for panel in self.value_panels if panel.series and not panel.note)

    @property
    def reporters(self) -> tuple[Reporter | None, ...]:
        """The reporters drawn anywhere (lines or bars), in legend order."""
        shown = {s.reporter for panel in self.charted for s in panel.series}
        shown |= {bar.reporter for p in self.growth_panels for g in p.groups for bar in g.bars}
        return tuple(r for r in REPORTERS if r in shown)

    @property
    def has_bounded(self) -> bool:
        points = (p.bounded for panel in self.charted for s in panel.series for p in s.points)
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
        "": _("As stated in the source"),
    }


_RANK = {reporter: rank for rank, reporter in enumerate(REPORTERS)}


def _value_panel(
    flow: Flow, annual: Sequence[TradeFigure], outlets: Mapping[str, str], locale: str
) -> ValuePanel:
    """``outlets``: each source id's outlet, which tells the points of one series."""
    series = []
    for reporter in REPORTERS:
        own = sorted((f for f in annual if f.flow is flow and f.reporter == reporter), key=lambda f: f.period)
        points: list[Point] = []
        for f in own:
            if f.value_usd is None:
                continue
            named = {outlets.get(sid, sid) for sid in f.source_ids}
            before = points[-1] if points else None
            joined = (
                before is not None
                and before.year == f.period.year - 1
                and bool(named & {outlets.get(sid, sid) for sid in before.source_ids})
            )
            points.append(
                Point(
                    year=f.period.year,
                    value=f.value_usd,
                    bounded=f.value_bound is not Bound.EXACT,
                    label=fmt.bounded(fmt.money(f.value_usd, locale), f.value_bound),
                    source_ids=f.source_ids,
                    joined=joined,
                )
            )
        if points:
            series.append(Series(flow=flow, reporter=reporter, points=tuple(points)))
    years = {point.year for s in series for point in s.points}
    note = ""
    if len(years) == 1:  # a line needs two years: one year's values read better as words
        values = ", ".join(_value_with_reporter(p.label, s.reporter) for s in series for p in s.points)
        note = f"{years.pop()}: {values}"
    return ValuePanel(flow=flow, title=flow_title(flow), series=tuple(series), note=note)


def _value_with_reporter(value: str, reporter: Reporter | None) -> str:
    return _("{value} ({reporter})").format(value=value, reporter=_reporter_names()[reporter_key(reporter)])


def _growth(
    figures: Sequence[TradeFigure], locale: str
) -> tuple[tuple[GrowthPanel, ...], tuple[GrowthNote, ...]]:
    """The periods of the latest year that has growth rates, oldest first (at most three): a
    panel of bars each, or a note where a period has a single rate."""
    growth = [f for f in figures if f.growth_pct is not None and f.flow in VALUE_FLOWS]
    if not growth:
        return (), ()
    latest = max(f.period.year for f in growth)
    periods = sorted({f.period for f in growth if f.period.year == latest}, key=lambda p: (p.end, p.start))
    panels: list[GrowthPanel] = []
    notes: list[GrowthNote] = []
    for period in periods[-MAX_GROWTH_PANELS:]:
        usd_found = any(f.period == period and f.value_usd is not None for f in figures)
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
        title = fmt.period(period, locale)
        if len(groups) == 1 and len(groups[0].bars) == 1:
            [group] = groups
            [bar] = group.bars
            text = f"{group.title}: {_value_with_reporter(bar.label, bar.reporter)}"
            notes.append(GrowthNote(period.key, title, text, usd_found, bar.source_ids))
        else:
            panels.append(GrowthPanel(period.key, title, tuple(groups), usd_found))
    return tuple(panels), tuple(notes)


def _newest(sources: Sequence[Source]) -> Source | None:
    """The source with the latest date; a date given as a month or a year counts as its start."""
    dated = [source for source in sources if source.date]
    return max(dated, key=lambda s: tuple(int(part) for part in (s.date or "").split("-")), default=None)


def signed(chart: TurnoverChart, bot_username: str | None) -> TurnoverChart:
    """``chart`` with the bot's @username in its footer."""
    return replace(chart, bot_username=bot_username or "")


def turnover_chart(
    figures: Sequence[TradeFigure], sources: Sequence[Source], locale: str
) -> TurnoverChart | None:
    """What the chart shows for ``figures`` (every period in the data); None if nothing to draw.

    Whole years carry the values; a part of a year (January–August) is never put on the annual
    line as if it were a year: its growth rates get a panel of their own. The footer names the
    newest source behind what is drawn; :func:`signed` adds the bot's @username.
    """
    annual = [
        f for f in figures if f.period.is_full_year and f.value_usd is not None and f.flow in VALUE_FLOWS
    ]
    growth_panels, growth_notes = _growth(figures, locale)
    if not annual and not growth_panels and not growth_notes:
        return None
    years = [f.period.year for f in annual] or [f.period.year for f in figures]
    outlet_of = {source.id: source.outlet for source in sources}
    value_panels = tuple(_value_panel(flow, annual, outlet_of, locale) for flow in VALUE_FLOWS)

    drawn = [sid for panel in value_panels for s in panel.series for p in s.points for sid in p.source_ids]
    drawn += [sid for panel in growth_panels for g in panel.groups for b in g.bars for sid in b.source_ids]
    drawn += [sid for note in growth_notes for sid in note.source_ids]
    by_id = {source.id: source for source in sources}
    behind = [by_id[sid] for sid in dict.fromkeys(drawn) if sid in by_id]
    outlets = tuple(dict.fromkeys(source.outlet for source in behind))
    newest = _newest(behind)

    first, last = min(years), max(years)
    texts = ChartTexts(
        title=_("Belarus–Kazakhstan trade"),
        subtitle=_("Annual values in US dollars, {years}").format(years=year_span(first, last)),
        growth_heading=_("Growth on the same months a year before"),
        reporters=_reporter_names(),
        hollow=_("Hollow: “over” or “about”"),
        no_values=_("Not found in our sources"),
        newest_source=(  # no-break spaces: a date is not broken across two lines
            _("Newest source: {date}").format(date=fmt.date(newest.date, locale).replace(" ", "\u00a0"))
            if newest
            else ""
        ),
    )
    return TurnoverChart(
        locale=locale,
        first_year=first,
        last_year=last,
        value_panels=value_panels,
        growth_panels=growth_panels,
        growth_notes=growth_notes,
        texts=texts,
        outlets=outlets,
    )
