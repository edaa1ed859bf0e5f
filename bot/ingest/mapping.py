"""Comtrade rows → trade figures with their own sources. Pure: no I/O, no clock.

Each country reports both flows of its trade with the other, so every flow comes twice, once
from each side (mirror statistics), and both are kept, each with its reporter:

    reporter KZ, flow X  →  export_kz_to_by            Kazakhstan's own exports
    reporter KZ, flow M  →  export_by_to_kz, mirror    Kazakhstan's imports from Belarus: the
                                                       Kazakh side's view of Belarusian exports
    reporter BY, flow X  →  export_by_to_kz            Belarus's own exports
    reporter BY, flow M  →  export_kz_to_by, mirror    the Belarusian view of Kazakh exports
    X + M of one reporter → turnover, computed

HS chapter rows (AG2) become :class:`ChapterFigure` per period, reporter, direction and chapter.
Every figure names its source: one per reporter and year, e.g. ``comtrade-kz-2024``, outlet
"UN Comtrade", title "Kazakhstan's report", with the date the data was retrieved.

``diff(old, new)`` tells which figures a fetch brings anew, which it revises and which it leaves
as they were, for idempotent loads and revision alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bot.domain.models import Flow, Period, Reporter
from bot.ingest.rows import REPORTER_CODES, ComtradeRow

OUTLET = "UN Comtrade"
SOURCE_URL = "https://comtradeplus.un.org/"
_COUNTRY = {Reporter.KAZAKHSTAN: "Kazakhstan", Reporter.BELARUS: "Belarus"}
_PAIRS: dict[tuple[int, int], Reporter] = {
    (REPORTER_CODES[Reporter.KAZAKHSTAN], REPORTER_CODES[Reporter.BELARUS]): Reporter.KAZAKHSTAN,
    (REPORTER_CODES[Reporter.BELARUS], REPORTER_CODES[Reporter.KAZAKHSTAN]): Reporter.BELARUS,
}
# (reporter, Comtrade flow) → the bot's flow, and whether it is the reporter's imports.
_FLOWS: dict[tuple[Reporter, str], tuple[Flow, bool]] = {
    (Reporter.KAZAKHSTAN, "X"): (Flow.EXPORT_KZ_TO_BY, False),
    (Reporter.KAZAKHSTAN, "M"): (Flow.EXPORT_BY_TO_KZ, True),
    (Reporter.BELARUS, "X"): (Flow.EXPORT_BY_TO_KZ, False),
    (Reporter.BELARUS, "M"): (Flow.EXPORT_KZ_TO_BY, True),
}


class MappingError(ValueError):
    """The rows contradict each other (two values for one figure). One line."""


@dataclass(frozen=True)
class OfficialSource:
    """A reporter's data for one year as UN Comtrade published it, on the day it was read."""

    id: str  # "comtrade-kz-2024"
    outlet: str  # "UN Comtrade"
    title: str  # "Kazakhstan's report"
    reporter: Reporter
    year: int
    retrieved: dt.date
    url: str

    @property
    def citation(self) -> str:
        """ "UN Comtrade, Kazakhstan's report, retrieved 2026-11-29" (English, for logs and CLI)."""
        return f"{self.outlet}, {self.title}, retrieved {self.retrieved.isoformat()}"


@dataclass(frozen=True)
class OfficialFigure:
    """One flow in one period as one reporter's statistics give it, in US dollars.

    ``mirror``: measured as the reporter's imports, i.e. its view of the partner's exports.
    ``computed``: not published as such but summed by us (turnover = exports + imports).
    """

    period: Period
    reporter: Reporter
    flow: Flow
    value_usd: float
    mirror: bool
    computed: bool
    source_id: str

    @property
    def key(self) -> tuple[str, Reporter, Flow]:
        return (self.period.key, self.reporter, self.flow)


@dataclass(frozen=True)
class ChapterFigure:
    """One direction's trade in one HS chapter ("27": mineral fuels) in one period."""

    period: Period
    reporter: Reporter
    flow: Flow  # EXPORT_BY_TO_KZ or EXPORT_KZ_TO_BY
    chapter: str  # "01".."97"; "99" where a reporter files goods not specified by kind
    value_usd: float
    mirror: bool
    source_id: str

    @property
    def key(self) -> tuple[str, Reporter, Flow, str]:
        return (self.period.key, self.reporter, self.flow, self.chapter)


@dataclass(frozen=True)
class OfficialStatistics:
    """What a set of rows says, ready for the store."""

    figures: tuple[OfficialFigure, ...]
    chapters: tuple[ChapterFigure, ...]
    sources: tuple[OfficialSource, ...]
    ignored: int  # rows about other partners, flows (re-exports…), breakdowns or HS levels


def source_for(reporter: Reporter, year: int, retrieved: dt.date) -> OfficialSource:
    """The source of ``reporter``'s figures for ``year`` (annual and monthly alike)."""
    return OfficialSource(
        id=f"comtrade-{reporter.value.lower()}-{year}",
        outlet=OUTLET,
        title=f"{_COUNTRY[reporter]}'s report",
        reporter=reporter,
        year=year,
        retrieved=retrieved,
        url=SOURCE_URL,
    )


def _period(row: ComtradeRow) -> Period:
    if row.is_annual:
        return Period(year=row.ref_year)
    return Period(year=row.ref_year, start=row.ref_month, end=row.ref_month)


def map_rows(rows: Iterable[ComtradeRow], retrieved: dt.date) -> OfficialStatistics:
    """Trade figures, chapter figures and their sources from Comtrade rows.

    Rows that are not Belarus–Kazakhstan exports or imports in the classic breakdown, at the
    TOTAL or chapter level, are counted in ``ignored``. Two rows giving different values for
    the same figure raise :class:`MappingError`; exact repeats are taken once.
    """
    totals: dict[tuple[Period, Reporter, Flow], tuple[float, bool]] = {}
    chapters: dict[tuple[Period, Reporter, Flow, str], tuple[float, bool]] = {}
    ignored = 0
    for row in rows:
        reporter = _PAIRS.get((row.reporter_code, row.partner_code))
        flow_info = _FLOWS.get((reporter, row.flow_code)) if reporter is not None else None
        is_total = row.cmd_code == "TOTAL"
        is_chapter = len(row.cmd_code) == 2 and row.aggr_level in (None, 2)
        if reporter is None or flow_info is None or not row.is_classic_total or not (is_total or is_chapter):
            ignored += 1
            continue
        flow, mirror = flow_info
        period = _period(row)
        if is_total:
            _put(totals, (period, reporter, flow), (row.primary_value, mirror), row)
        else:
            _put(chapters, (period, reporter, flow, row.cmd_code), (row.primary_value, mirror), row)

    figures: list[OfficialFigure] = []
    years: set[tuple[Reporter, int]] = set()
    for (period, reporter, flow), (value, mirror) in totals.items():
        source = source_for(reporter, period.year, retrieved)
        figures.append(OfficialFigure(period, reporter, flow, value, mirror, False, source.id))
        years.add((reporter, period.year))
    for (period, reporter, flow), (value, _mirror) in list(totals.items()):
        if flow is not Flow.EXPORT_BY_TO_KZ:
            continue
        other = totals.get((period, reporter, Flow.EXPORT_KZ_TO_BY))
        if other is not None:
            source = source_for(reporter, period.year, retrieved)
            figures.append(
                OfficialFigure(period, reporter, Flow.TURNOVER, value + other[0], False, True, source.id)
            )
    chapter_figures = []
    for (period, reporter, flow, chapter), (value, mirror) in chapters.items():
        source = source_for(reporter, period.year, retrieved)
        chapter_figures.append(ChapterFigure(period, reporter, flow, chapter, value, mirror, source.id))
        years.add((reporter, period.year))

    figures.sort(key=lambda f: (f.period, f.reporter.value, f.flow.value))
    chapter_figures.sort(key=lambda c: (c.period, c.reporter.value, c.flow.value, c.chapter))
    sources = [source_for(reporter, year, retrieved) for reporter, year in sorted(years)]
    return OfficialStatistics(tuple(figures), tuple(chapter_figures), tuple(sources), ignored)


_K = TypeVar("_K", bound=Hashable)


def _put(found: dict[_K, tuple[float, bool]], key: _K, value: tuple[float, bool], row: ComtradeRow) -> None:
    previous = found.get(key)
    if previous is not None and not _same_value(previous[0], value[0]):
        raise MappingError(
            f"two values for reporter {row.reporter_code}, flow {row.flow_code}, period "
            f"{row.period}, cmdCode {row.cmd_code}: {previous[0]:.2f} and {value[0]:.2f}"
        )
    found[key] = value


def _same_value(a: float, b: float) -> bool:
    # Comtrade gives dollars with cents at most; float noise below a cent is no revision.
    return abs(a - b) < 0.005


class _Keyed(Protocol):
    @property
    def key(self) -> Hashable: ...

    @property
    def value_usd(self) -> float: ...


_T = TypeVar("_T", bound=_Keyed)


@dataclass(frozen=True)
class Diff(Generic[_T]):
    """How ``new`` figures compare with ``old`` ones, matched by ``key``."""

    new: tuple[_T, ...]  # no figure with that key before
    revised: tuple[tuple[_T, _T], ...]  # (old, new): the value changed
    unchanged: tuple[_T, ...]  # the new figures whose value is the old one
    absent: tuple[_T, ...]  # old figures the new set does not mention (a narrower fetch)

    @property
    def changes(self) -> bool:
        """Whether loading ``new`` would change anything (absent figures stay)."""
        return bool(self.new or self.revised)


def diff(old: Iterable[_T], new: Iterable[_T]) -> Diff[_T]:
    """Compare figures (or chapter figures) by key and value. Keys must be unique per side."""
    before = _by_key(old, "old")
    after = _by_key(new, "new")
    added, revised, unchanged = [], [], []
    for key, figure in after.items():
        previous = before.get(key)
        if previous is None:
            added.append(figure)
        elif _same_value(previous.value_usd, figure.value_usd):
            unchanged.append(figure)
        else:
            revised.append((previous, figure))
    absent = [figure for key, figure in before.items() if key not in after]
    return Diff(tuple(added), tuple(revised), tuple(unchanged), tuple(absent))


def _by_key(items: Iterable[_T], side: str) -> dict[Hashable, _T]:
    found: dict[Hashable, _T] = {}
    for item in items:
        if item.key in found:
            raise ValueError(f"two {side} figures share the key {item.key!r}")
        found[item.key] = item
    return found


__all__ = [
    "OUTLET",
    "ChapterFigure",
    "Diff",
    "MappingError",
    "OfficialFigure",
    "OfficialSource",
    "OfficialStatistics",
    "diff",
    "map_rows",
    "source_for",
]
