"""Official statistics (UN Comtrade) in their own tables, which ``data load`` leaves alone.

The fetch use case (bot/ingest/refresh.py) reads what is stored, compares, and writes the new
and revised values with :meth:`OfficialStatsRepo.write` inside its transaction. The figures
reach the screens through :meth:`OfficialStatsRepo.trade_figures`: whole years as reported,
and for a year not yet reported whole, its months summed from January to the latest month
every flow has (January–August 2025), marked as computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import aiosqlite

from bot.domain.models import Bound, Flow, Period, Reporter, TradeFigure
from bot.domain.trade import FLOW_ORDER
from bot.store.db import Database

LAST_FETCH = "stats_fetched_at"  # the meta key: when official statistics were last fetched


class SourceRow(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def outlet(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def reporter(self) -> Reporter: ...
    @property
    def year(self) -> int: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class StoredFigure:
    period: Period
    reporter: Reporter
    flow: Flow
    value_usd: float
    mirror: bool
    computed: bool
    source_id: str


@dataclass(frozen=True)
class StoredChapter:
    period: Period
    reporter: Reporter
    flow: Flow
    chapter: str
    value_usd: float
    mirror: bool
    source_id: str


@dataclass(frozen=True)
class Revision:
    """A stored value a fetch replaced."""

    period: Period
    reporter: Reporter
    flow: Flow
    chapter: str | None  # None: the flow's total
    old_value: float
    new_value: float
    source_id: str


def _period(row: aiosqlite.Row) -> Period:
    return Period(year=row["year"], start=row["month_start"], end=row["month_end"])


class OfficialStatsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- what is stored ----------------------------------------------------------------------

    async def stored_figures(self) -> list[StoredFigure]:
        async with self._db.conn.execute("SELECT * FROM official_figures") as cursor:
            rows = await cursor.fetchall()
        return [
            StoredFigure(
                _period(r),
                Reporter(r["reporter"]),
                Flow(r["flow"]),
                r["value_usd"],
                bool(r["mirror"]),
                bool(r["computed"]),
                r["source_id"],
            )
            for r in rows
        ]

    async def stored_chapters(
        self, period: Period | None = None, reporter: Reporter | None = None
    ) -> list[StoredChapter]:
        sql = "SELECT * FROM official_chapters"
        params: tuple[object, ...] = ()
        if period is not None and reporter is not None:
            sql += " WHERE year = ? AND month_start = ? AND month_end = ? AND reporter = ?"
            params = (period.year, period.start, period.end, reporter.value)
        async with self._db.conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [
            StoredChapter(
                _period(r),
                Reporter(r["reporter"]),
                Flow(r["flow"]),
                r["chapter"],
                r["value_usd"],
                bool(r["mirror"]),
                r["source_id"],
            )
            for r in rows
        ]

    async def revisions(self) -> list[Revision]:
        """Every recorded revision, oldest first."""
        async with self._db.conn.execute("SELECT * FROM official_revisions ORDER BY id") as cursor:
            rows = await cursor.fetchall()
        return [
            Revision(
                Period.from_key(r["period"]),
                Reporter(r["reporter"]),
                Flow(r["flow"]),
                r["chapter"],
                r["old_value"],
                r["new_value"],
                r["source_id"],
            )
            for r in rows
        ]

    # -- the fetch's writes (inside its transaction) -----------------------------------------

    async def write(
        self,
        conn: aiosqlite.Connection,
        *,
        retrieved: str,
        sources: Iterable[SourceRow],
        figures: Iterable[StoredFigure],
        chapters: Iterable[StoredChapter],
        revisions: Iterable[Revision],
        chapter_names: Mapping[str, Mapping[str, str]],
    ) -> None:
        """New and revised values replace the stored ones; ``sources`` are those of the values
        written, and get ``retrieved`` as their date. Figures the fetch did not mention stay."""
        await conn.executemany(
            """INSERT INTO official_sources (id, outlet, title, reporter, year, retrieved, url)
               VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
               outlet = excluded.outlet, title = excluded.title, retrieved = excluded.retrieved,
               url = excluded.url""",
            [(s.id, s.outlet, s.title, s.reporter.value, s.year, retrieved, s.url) for s in sources],
        )
        await conn.executemany(
            """INSERT OR REPLACE INTO official_figures (year, month_start, month_end, reporter, flow,
               value_usd, mirror, computed, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    f.period.year,
                    f.period.start,
                    f.period.end,
                    f.reporter.value,
                    f.flow.value,
                    f.value_usd,
                    int(f.mirror),
                    int(f.computed),
                    f.source_id,
                )
                for f in figures
            ],
        )
        await conn.executemany(
            """INSERT OR REPLACE INTO official_chapters (year, month_start, month_end, reporter, flow,
               chapter, value_usd, mirror, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    c.period.year,
                    c.period.start,
                    c.period.end,
                    c.reporter.value,
                    c.flow.value,
                    c.chapter,
                    c.value_usd,
                    int(c.mirror),
                    c.source_id,
                )
                for c in chapters
            ],
        )
        await conn.executemany(
            """INSERT INTO official_revisions (period, reporter, flow, chapter, old_value, new_value,
               source_id) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    r.period.key,
                    r.reporter.value,
                    r.flow.value,
                    r.chapter,
                    r.old_value,
                    r.new_value,
                    r.source_id,
                )
                for r in revisions
            ],
        )
        if chapter_names:
            await conn.execute("DELETE FROM hs_chapter_names")
            await conn.executemany(
                "INSERT INTO hs_chapter_names (chapter, locale, name) VALUES (?, ?, ?)",
                [(code, loc, name) for code, names in chapter_names.items() for loc, name in names.items()],
            )

    async def mark_fetched(self, conn: aiosqlite.Connection, when: str) -> None:
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_FETCH, when),
        )

    async def last_fetched(self) -> str | None:
        """When a fetch last succeeded (ISO 8601, UTC), changed anything or not."""
        async with self._db.conn.execute("SELECT value FROM meta WHERE key = ?", (LAST_FETCH,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    # -- what the screens show ---------------------------------------------------------------

    async def trade_figures(self) -> list[TradeFigure]:
        """Every official figure the screens show (see the module's docstring)."""
        return shown_figures(await self.stored_figures())

    async def chapter_periods(self) -> list[tuple[Period, Reporter]]:
        """The whole years with chapter data and whose they are, newest first."""
        sql = """SELECT DISTINCT year, reporter FROM official_chapters
                 WHERE month_start = 1 AND month_end = 12 ORDER BY year DESC, reporter"""
        async with self._db.conn.execute(sql) as cursor:
            return [(Period(year=r[0]), Reporter(r[1])) for r in await cursor.fetchall()]

    async def chapter_names(self, locale: str) -> dict[str, str]:
        sql = "SELECT chapter, name FROM hs_chapter_names WHERE locale = ?"
        async with self._db.conn.execute(sql, (locale,)) as cursor:
            return {r[0]: r[1] for r in await cursor.fetchall()}


def _trade_figure(
    period: Period, reporter: Reporter, flow: Flow, value: float, mirror: bool, computed: bool, source: str
) -> TradeFigure:
    return TradeFigure(
        period=period,
        reporter=reporter,
        flow=flow,
        value_usd=value,
        value_bound=Bound.EXACT,
        growth_pct=None,
        growth_bound=Bound.EXACT,
        favours=None,
        note=None,
        source_ids=(source,),
        mirror=mirror,
        computed=computed,
    )


def shown_figures(stored: Iterable[StoredFigure]) -> list[TradeFigure]:
    """Whole years as stored; a reporter's year with months only becomes January to the last
    month that every one of its flows has, summed (computed)."""
    shown: list[TradeFigure] = []
    annual_years = {(f.period.year, f.reporter) for f in stored if f.period.is_full_year}
    months: dict[tuple[int, Reporter], dict[Flow, dict[int, StoredFigure]]] = {}
    for figure in stored:
        if figure.period.is_full_year:
            shown.append(
                _trade_figure(
                    figure.period,
                    figure.reporter,
                    figure.flow,
                    figure.value_usd,
                    figure.mirror,
                    figure.computed,
                    figure.source_id,
                )
            )
        elif (
            figure.period.start == figure.period.end
            and (figure.period.year, figure.reporter) not in annual_years
        ):
            flows = months.setdefault((figure.period.year, figure.reporter), {})
            flows.setdefault(figure.flow, {})[figure.period.start] = figure
    for (year, reporter), flows in months.items():
        last = min(_contiguous(by_month) for by_month in flows.values())
        if last == 0:
            continue
        period = Period(year=year, start=1, end=last)
        for flow, by_month in flows.items():
            parts = [by_month[month] for month in range(1, last + 1)]
            total = sum(part.value_usd for part in parts)
            computed = last > 1 or parts[0].computed
            shown.append(
                _trade_figure(period, reporter, flow, total, parts[0].mirror, computed, parts[0].source_id)
            )
    rank = {flow: index for index, flow in enumerate(FLOW_ORDER)}
    shown.sort(key=lambda f: (f.period, f.reporter or "", rank[f.flow]))
    return shown


def _contiguous(by_month: Mapping[int, object]) -> int:
    """The last month of the unbroken run from January (0 when January is missing)."""
    month = 0
    while month + 1 in by_month:
        month += 1
    return month
