"""Repositories: all the SQL the bot runs, returning domain objects.

Handlers receive one :class:`Store` (aiogram injects it as ``store``) and never see SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import aiosqlite

from bot.domain.models import (
    LOCALES,
    Bound,
    Flow,
    Period,
    PeriodReport,
    Reporter,
    Sector,
    SectorCard,
    Source,
    Status,
    Topic,
    TradeFigure,
)
from bot.store.charts import ChartRepo
from bot.store.dataset import Dataset, fingerprint, load_dataset
from bot.store.db import Database
from bot.store.search import SearchRepo, rebuild_index
from bot.store.subscriptions import DeliveryRepo, SubscriptionRepo, UpdateRepo

log = logging.getLogger(__name__)

_DATA_FINGERPRINT = "data_fingerprint"


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


class SourceRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _source(row: aiosqlite.Row) -> Source:
        return Source(
            id=row["id"],
            outlet=row["outlet"],
            title=row["title"],
            date=row["date"],
            url=row["url"],
            language=row["language"],
        )

    async def by_ids(self, ids: Sequence[str]) -> tuple[Source, ...]:
        """The sources in the order given (the order their citations are numbered in)."""
        if not ids:
            return ()
        sql = f"SELECT * FROM sources WHERE id IN ({_placeholders(len(ids))})"  # noqa: S608 (placeholders only)
        async with self._db.conn.execute(sql, tuple(ids)) as cursor:
            found = {row["id"]: self._source(row) for row in await cursor.fetchall()}
        return tuple(found[source_id] for source_id in ids if source_id in found)

    async def all(self) -> tuple[Source, ...]:
        """Newest first; sources with no date last, then by outlet."""
        sql = "SELECT * FROM sources ORDER BY date IS NULL, date DESC, outlet COLLATE NOCASE, id"
        async with self._db.conn.execute(sql) as cursor:
            return tuple(self._source(row) for row in await cursor.fetchall())


def _ordered_unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


class TradeRepo:
    def __init__(self, db: Database, sources: SourceRepo) -> None:
        self._db = db
        self._sources = sources

    async def periods(self) -> tuple[Period, ...]:
        """Every period with at least one figure, newest first."""
        sql = (
            "SELECT DISTINCT year, month_start, month_end FROM trade_figures "
            "ORDER BY year DESC, month_end DESC, month_start DESC"
        )
        async with self._db.conn.execute(sql) as cursor:
            return tuple(Period(year=r[0], start=r[1], end=r[2]) for r in await cursor.fetchall())

    async def coverage(self) -> dict[Period, int]:
        """Every period with data and how many of the four flows its figures cover."""
        sql = "SELECT year, month_start, month_end, count(DISTINCT flow) FROM trade_figures GROUP BY 1, 2, 3"
        async with self._db.conn.execute(sql) as cursor:
            return {Period(year=r[0], start=r[1], end=r[2]): r[3] for r in await cursor.fetchall()}

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
        return tuple(
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

    async def report(
        self, period: Period, locale: str, periods: tuple[Period, ...] | None = None
    ) -> PeriodReport:
        """``periods``: every period with data, newest first, if the caller has them already."""
        figures = await self.figures(period, locale)
        source_ids = _ordered_unique(sid for figure in figures for sid in figure.source_ids)
        return PeriodReport(
            period=period,
            figures=figures,
            sources=await self._sources.by_ids(source_ids),
            periods=periods if periods is not None else await self.periods(),
        )


class SectorRepo:
    def __init__(self, db: Database, sources: SourceRepo) -> None:
        self._db = db
        self._sources = sources
        self.updates: UpdateRepo | None = None  # set by Store: cards show the latest updates

    async def all(self, locale: str) -> tuple[Sector, ...]:
        sql = """
            SELECT s.id, s.emoji, t.name, t.summary FROM sectors s
            JOIN sector_texts t ON t.sector_id = s.id AND t.locale = ?
            ORDER BY s.position
        """
        async with self._db.conn.execute(sql, (locale,)) as cursor:
            return tuple(
                Sector(r["id"], r["emoji"], r["name"], r["summary"]) for r in await cursor.fetchall()
            )

    async def get(self, sector_id: str, locale: str) -> Sector | None:
        sql = """
            SELECT s.id, s.emoji, t.name, t.summary FROM sectors s
            JOIN sector_texts t ON t.sector_id = s.id AND t.locale = ?
            WHERE s.id = ?
        """
        async with self._db.conn.execute(sql, (locale, sector_id)) as cursor:
            row = await cursor.fetchone()
        return Sector(row["id"], row["emoji"], row["name"], row["summary"]) if row else None

    _TOPICS_SQL = """
        SELECT t.id, t.sector_id, t.status, t.date, x.title, x.body,
               (SELECT group_concat(source_id, ' ') FROM
                   (SELECT source_id FROM topic_sources s
                    WHERE s.topic_id = t.id ORDER BY s.position)) AS source_ids
        FROM topics t
        JOIN topic_texts x ON x.topic_id = t.id AND x.locale = ?
    """

    @staticmethod
    def _topic(row: aiosqlite.Row) -> Topic:
        return Topic(
            id=row["id"],
            sector_id=row["sector_id"],
            status=Status(row["status"]),
            date=row["date"],
            title=row["title"],
            text=row["body"],
            source_ids=tuple((row["source_ids"] or "").split()),
        )

    async def topics(self, sector_id: str, locale: str) -> tuple[Topic, ...]:
        """The sector's topics, dated ones newest first, undated ones after them in file order."""
        sql = self._TOPICS_SQL + " WHERE t.sector_id = ? ORDER BY t.date IS NULL, t.date DESC, t.position"
        async with self._db.conn.execute(sql, (locale, sector_id)) as cursor:
            return tuple(self._topic(row) for row in await cursor.fetchall())

    async def topic(self, topic_id: str, locale: str) -> Topic | None:
        async with self._db.conn.execute(self._TOPICS_SQL + " WHERE t.id = ?", (locale, topic_id)) as cursor:
            row = await cursor.fetchone()
        return self._topic(row) if row is not None else None

    async def card(self, sector_id: str, locale: str) -> SectorCard | None:
        sector = await self.get(sector_id, locale)
        if sector is None:
            return None
        topics = await self.topics(sector_id, locale)
        source_ids = _ordered_unique(sid for topic in topics for sid in topic.source_ids)
        updates = await self.updates.recent(sector_id, locale) if self.updates else ()
        return SectorCard(
            sector=sector, topics=topics, sources=await self._sources.by_ids(source_ids), updates=updates
        )

    async def exists(self, sector_id: str) -> bool:
        async with self._db.conn.execute("SELECT 1 FROM sectors WHERE id = ?", (sector_id,)) as cursor:
            return await cursor.fetchone() is not None


class UserRepo:
    """Users' chosen languages, cached in memory: every update asks for one."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._locales: dict[int, str | None] = {}

    async def locale(self, user_id: int) -> str | None:
        if user_id not in self._locales:
            async with self._db.conn.execute("SELECT locale FROM users WHERE id = ?", (user_id,)) as cursor:
                row = await cursor.fetchone()
            self._locales[user_id] = row["locale"] if row else None
        return self._locales[user_id]

    async def set_locale(self, user_id: int, locale: str, language_code: str | None) -> None:
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        async with self._db.transaction() as conn:
            await conn.execute(
                """
                INSERT INTO users (id, locale, language_code) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET locale = excluded.locale,
                    language_code = excluded.language_code,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                """,
                (user_id, locale, language_code),
            )
        self._locales[user_id] = locale


class Store:
    """The facade handlers receive."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sources = SourceRepo(db)
        self.trade = TradeRepo(db, self.sources)
        self.sectors = SectorRepo(db, self.sources)
        self.users = UserRepo(db)
        self.subscriptions = SubscriptionRepo(db)
        self.updates = UpdateRepo(db)
        self.deliveries = DeliveryRepo(db)
        self.sectors.updates = self.updates
        self.charts = ChartRepo(db)
        self.search = SearchRepo(db)
        self.updates.search = self.search

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        db = Database(path)
        await db.open()
        return cls(db)

    async def close(self) -> None:
        await self.db.close()

    async def ping(self) -> str | None:
        """Why the store can't keep what the bot writes (for /healthz), or None."""
        return await self.db.health()

    async def upgrade(self) -> list[str]:
        return await self.db.upgrade()

    async def data_fingerprint(self) -> str | None:
        async with self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (_DATA_FINGERPRINT,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def load_data(self, directory: Path, *, force: bool = True) -> bool:
        """Validate ``directory`` and replace the dataset with it in one transaction.

        With ``force=False`` nothing happens when the files are the ones loaded last time.
        Returns whether anything was loaded. Raises :class:`~bot.store.dataset.DatasetError`
        with the database untouched when a file is malformed.
        """
        if (
            not force
            and await self.data_fingerprint() == fingerprint(directory)
            and await self.search.indexed()
        ):
            return False
        dataset = load_dataset(directory)
        async with self.db.transaction() as conn:
            await _replace_dataset(conn, dataset)
            await self.updates.reindex(conn)  # the rebuild kept only the data files' items
        await self.search.refresh()
        log.info(
            "dataset loaded: %d sources, %d sectors, %d figures, %d topics, %d concepts",
            len(dataset.sources),
            len(dataset.sectors),
            len(dataset.figures),
            len(dataset.topics),
            len(dataset.concepts),
        )
        return True


async def _replace_dataset(conn: aiosqlite.Connection, dataset: Dataset) -> None:
    for table in (
        "topic_sources",
        "topic_texts",
        "topics",
        "trade_figure_sources",
        "trade_figure_notes",
        "trade_figures",
        "sector_texts",
        "sectors",
        "sources",
    ):
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)

    await conn.executemany(
        "INSERT INTO sources (id, outlet, title, date, url, language) VALUES (?, ?, ?, ?, ?, ?)",
        [(s.id, s.outlet, s.title, s.date, s.url, s.language) for s in dataset.sources],
    )
    await conn.executemany(
        "INSERT INTO sectors (id, position, emoji) VALUES (?, ?, ?)",
        [(s.id, position, s.emoji) for position, s in enumerate(dataset.sectors)],
    )
    await conn.executemany(
        "INSERT INTO sector_texts (sector_id, locale, name, summary) VALUES (?, ?, ?, ?)",
        [(s.id, loc, s.name.get(loc), s.summary.get(loc)) for s in dataset.sectors for loc in LOCALES],
    )
    for position, figure in enumerate(dataset.figures):
        period = Period.from_key(figure.period)
        cursor = await conn.execute(
            """
            INSERT INTO trade_figures (year, month_start, month_end, reporter, flow, value_usd,
                value_bound, growth_pct, growth_bound, favours, position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                period.year,
                period.start,
                period.end,
                figure.reporter,
                figure.flow,
                figure.value_usd,
                figure.value_bound,
                figure.growth_pct,
                figure.growth_bound,
                figure.favours,
                position,
            ),
        )
        figure_id = cursor.lastrowid
        if figure.note is not None:
            note = figure.note
            await conn.executemany(
                "INSERT INTO trade_figure_notes (figure_id, locale, note) VALUES (?, ?, ?)",
                [(figure_id, loc, note.get(loc)) for loc in LOCALES],
            )
        await conn.executemany(
            "INSERT INTO trade_figure_sources (figure_id, source_id, position) VALUES (?, ?, ?)",
            [(figure_id, sid, pos) for pos, sid in enumerate(_ordered_unique(figure.sources))],
        )
    await conn.executemany(
        "INSERT INTO topics (id, sector_id, status, date, position) VALUES (?, ?, ?, ?, ?)",
        [(t.id, t.sector, t.status, t.date, position) for position, t in enumerate(dataset.topics)],
    )
    await conn.executemany(
        "INSERT INTO topic_texts (topic_id, locale, title, body) VALUES (?, ?, ?, ?)",
        [(t.id, loc, t.title.get(loc), t.text.get(loc)) for t in dataset.topics for loc in LOCALES],
    )
    await conn.executemany(
        "INSERT INTO topic_sources (topic_id, source_id, position) VALUES (?, ?, ?)",
        [(t.id, sid, pos) for t in dataset.topics for pos, sid in enumerate(_ordered_unique(t.sources))],
    )
    await rebuild_index(conn, dataset)
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_DATA_FINGERPRINT, dataset.fingerprint),
    )
