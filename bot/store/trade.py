"""Trade figures by period, flow and reporter: the data files' (news) and UN Comtrade's, side by
side, each with its own sources."""

from __future__ import annotations

from bot.domain.models import Bound, Flow, Period, PeriodReport, Reporter, TradeFigure
from bot.domain.trade import latest_level
from bot.store.db import Database, ordered_unique
from bot.store.sources import SourceRepo
from bot.store.stats import OfficialStatsRepo


class TradeRepo:
    def __init__(self, db: Database, sources: SourceRepo, official: OfficialStatsRepo | None = None) -> None:
        self._db = db
        self._sources = sources
        self._official = official

    async def _official_figures(self) -> list[TradeFigure]:
        return await self._official.trade_figures() if self._official is not None else []

    async def periods(self) -> tuple[Period, ...]:
        """Every period with at least one figure, newest first."""
        sql = (
            "SELECT DISTINCT year, month_start, month_end FROM trade_figures "
            "ORDER BY year DESC, month_end DESC, month_start DESC"
        )
        async with self._db.conn.execute(sql) as cursor:
            found = {Period(year=r[0], start=r[1], end=r[2]) for r in await cursor.fetchall()}
        found |= {figure.period for figure in await self._official_figures()}
        return tuple(sorted(found, reverse=True))

    async def coverage(self) -> dict[Period, int]:
        """Every period with data and how many of the four flows its figures cover."""
        sql = "SELECT DISTINCT year, month_start, month_end, flow FROM trade_figures"
        flows: dict[Period, set[str]] = {}
        async with self._db.conn.execute(sql) as cursor:
            for r in await cursor.fetchall():
                flows.setdefault(Period(year=r[0], start=r[1], end=r[2]), set()).add(r[3])
        for figure in await self._official_figures():
            flows.setdefault(figure.period, set()).add(figure.flow.value)
        return {period: len(found) for period, found in flows.items()}

    async def figures(self, period: Period, locale: str) -> tuple[TradeFigure, ...]:
        sql = """
            SELECT f.*, n.note,
                   (SELECT group_concat(source_id, ' ') FROM
                       (SELECT source_id FROM trade_figure_sources s
                        WHERE s.figure_id = f.id ORDER BY s.position)) AS source_ids
            FROM trade_figures f
            LEFT JOIN trade_figure_notes n ON n.figure_id = f.id AND n.locale = ?
            WHERE f.year = ? AND f.month_start = ? AND f.month_end = ?
            ORDER BY f.position
        """
        params = (locale, period.year, period.start, period.end)
        async with self._db.conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        news = tuple(
            TradeFigure(
                period=period,
                reporter=Reporter(row["reporter"]) if row["reporter"] else None,
                flow=Flow(row["flow"]),
                value_usd=row["value_usd"],
                value_bound=Bound(row["value_bound"]),
                growth_pct=row["growth_pct"],
                growth_bound=Bound(row["growth_bound"]),
                favours=Reporter(row["favours"]) if row["favours"] else None,
                note=row["note"],
                source_ids=tuple((row["source_ids"] or "").split()),
            )
            for row in rows
        )
        return news + tuple(f for f in await self._official_figures() if f.period == period)

    async def report(
        self, period: Period, locale: str, periods: tuple[Period, ...] | None = None
    ) -> PeriodReport:
        """``periods``: every period with data, newest first, if the caller has them already."""
        figures = await self.figures(period, locale)
        every = periods if periods is not None else await self.periods()
        level = latest_level({p: await self.figures(p, locale) for p in every})
        cited = [*figures, *level]
        source_ids = ordered_unique(sid for figure in cited for sid in figure.source_ids)
        return PeriodReport(
            period=period,
            figures=figures,
            sources=await self._sources.by_ids(source_ids, locale),
            periods=every,
            level=level,
        )
