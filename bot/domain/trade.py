"""The arithmetic of trade figures: balances and grouping, free of any I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from bot.domain.models import Bound, Flow, Period, Reporter, TradeFigure

FLOW_ORDER = (Flow.TURNOVER, Flow.EXPORT_BY_TO_KZ, Flow.EXPORT_KZ_TO_BY, Flow.BALANCE)


def balance(exports_by: float, exports_kz: float) -> tuple[float, Reporter | None]:
    """Belarus's exports to Kazakhstan minus Kazakhstan's to Belarus, and whom it favours."""
    difference = exports_by - exports_kz
    if difference > 0:
        return difference, Reporter.BELARUS
    if difference < 0:
        return -difference, Reporter.KAZAKHSTAN
    return 0.0, None


def derived_balances(figures: tuple[TradeFigure, ...]) -> tuple[TradeFigure, ...]:
    """Balances computed from both export flows of one reporter, where the data has no balance.

    Only exact values are used: "over $700 m" minus anything is not a number.
    """
    derived = []
    reporters = {figure.reporter for figure in figures}
    for reporter in sorted(reporters, key=lambda r: r or ""):
        own = [f for f in figures if f.reporter == reporter]
        if any(f.flow is Flow.BALANCE for f in own):
            continue
        by_kz = next((f for f in own if f.flow is Flow.EXPORT_BY_TO_KZ and _exact_value(f)), None)
        kz_by = next((f for f in own if f.flow is Flow.EXPORT_KZ_TO_BY and _exact_value(f)), None)
        if by_kz is None or kz_by is None or by_kz.value_usd is None or kz_by.value_usd is None:
            continue
        value, favours = balance(by_kz.value_usd, kz_by.value_usd)
        derived.append(
            replace(
                by_kz,
                flow=Flow.BALANCE,
                value_usd=value,
                growth_pct=None,
                favours=favours,
                note=None,
                source_ids=tuple(dict.fromkeys(by_kz.source_ids + kz_by.source_ids)),
            )
        )
    return tuple(derived)


def latest_level(by_period: Mapping[Period, tuple[TradeFigure, ...]]) -> tuple[TradeFigure, ...]:
    """The turnover figures in US dollars of the newest whole year that has any (of the newest
    part of a year when no whole year has one); ``by_period`` maps periods to their figures."""
    valued = {
        period: tuple(f for f in figures if f.flow is Flow.TURNOVER and f.value_usd is not None)
        for period, figures in by_period.items()
    }
    candidates = [period for period, found in valued.items() if found]
    if not candidates:
        return ()
    newest = max(candidates, key=lambda p: (p.is_full_year, p))
    return valued[newest]


def _exact_value(figure: TradeFigure) -> bool:
    return figure.value_usd is not None and figure.value_bound is Bound.EXACT


def by_flow(figures: tuple[TradeFigure, ...]) -> dict[Flow, list[TradeFigure]]:
    """Figures grouped by flow in reading order; Belarusian statistics before Kazakh ones."""
    grouped: dict[Flow, list[TradeFigure]] = {flow: [] for flow in FLOW_ORDER}
    for figure in figures:
        grouped[figure.flow].append(figure)
    rank = {Reporter.BELARUS: 0, Reporter.KAZAKHSTAN: 1, None: 2}
    for flow_figures in grouped.values():
        flow_figures.sort(key=lambda f: rank[f.reporter])
    return {flow: found for flow, found in grouped.items() if found}


def mirror_gap(figures: tuple[TradeFigure, ...]) -> bool:
    """Whether Belarusian and Kazakh statistics both speak of the same flow."""
    for flow in FLOW_ORDER:
        reporters = {f.reporter for f in figures if f.flow is flow}
        if {Reporter.BELARUS, Reporter.KAZAKHSTAN} <= reporters:
            return True
    return False


def pick_period(periods: Mapping[Period, int], year: int) -> Period | None:
    """The most informative period of ``year``: the one whose figures cover the most flows,
    then the one reaching furthest into the year.

    ``periods`` maps each period with data to the number of flows it has figures for. So
    January–August 2025 (turnover, both exports, the balance) is chosen over January–
    September 2025, for which the sources give only the turnover growth.
    """
    of_year = [p for p in periods if p.year == year]
    return max(of_year, key=lambda p: (periods[p], p)) if of_year else None


def headline_period(periods: Mapping[Period, int]) -> Period | None:
    """What /turnover shows with no argument: the most informative period of the latest year."""
    return pick_period(periods, max(p.year for p in periods)) if periods else None


_QUERY_FORMATS = (
    re.compile(r"^(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<start>\d{1,2})\.\.(?P<end>\d{1,2})$"),
    re.compile(r"^(?P<year>\d{4})[-/.](?P<end>\d{1,2})$"),
    re.compile(r"^(?P<end>\d{1,2})[-/.](?P<year>\d{4})$"),
)


def parse_period(text: str) -> Period:
    """What a reader may type after /turnover: ``2024``, ``2025-08`` or ``08.2025`` (January to
    August), ``2025-01..08``. Raises ValueError for anything else, including impossible months."""
    cleaned = text.strip().lower()
    for pattern in _QUERY_FORMATS:
        match = pattern.match(cleaned)
        if match:
            parts = match.groupdict()
            year = int(parts["year"])
            if parts.get("end") is None:
                return Period(year=year)
            return Period(year=year, start=int(parts.get("start") or 1), end=int(parts["end"]))
    raise ValueError(f"not a period: {text!r}")


def resolve_period(requested: Period, periods: Mapping[Period, int]) -> Period | None:
    """The period with data that answers ``requested``: itself, or for a bare year the most
    informative period of that year (see :func:`pick_period`)."""
    if requested in periods:
        return requested
    if requested.is_full_year:
        return pick_period(periods, requested.year)
    return None


_YEARLESS = re.compile(r"^(?P<start>\d{2})\.\.(?P<end>\d{2})$")


def resolve_asked(key: str, periods: Mapping[Period, int]) -> Period:
    """The period a question asks for: ``key`` as :func:`parse_period` reads it, or months
    without a year (``01..09``, "девять месяцев"): the latest year whose data has exactly those
    months, else the latest year (which then has no such figures, and the reader is told so).
    Raises ValueError for what is not a period."""
    match = _YEARLESS.match(key.strip())
    if match is None:
        return parse_period(key)
    start, end = int(match["start"]), int(match["end"])
    years = sorted({p.year for p in periods}, reverse=True)
    for year in years:
        if Period(year=year, start=start, end=end) in periods:
            return Period(year=year, start=start, end=end)
    if not years:
        raise ValueError(f"no data to place {key!r} in")
    return Period(year=years[0], start=start, end=end)


def nearest_periods(requested: Period, periods: Mapping[Period, int], limit: int = 4) -> tuple[Period, ...]:
    """The periods with data closest in time to ``requested`` (by their last month), nearest first."""

    def distance(period: Period) -> tuple[int, Period]:
        months = abs((period.year * 12 + period.end) - (requested.year * 12 + requested.end))
        return months, period

    return tuple(sorted(periods, key=distance)[:limit])
