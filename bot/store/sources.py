"""The publications behind the data: the data files' sources and UN Comtrade's reports."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain.models import Backing, Period, Reporter, Source
from bot.store.db import Database, placeholders

# Each source with its outlet (and what it reports) in the reader's language where the data
# gives one; UN Comtrade's have the same name in every language.
_SOURCES_SQL = """
    SELECT a.id, coalesce(x.outlet, a.outlet) AS outlet, a.title, a.date, a.url, a.language,
           a.reporter, x.about
    FROM all_sources a LEFT JOIN source_texts x ON x.source_id = a.id AND x.locale = ?
"""


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        id=row["id"],
        outlet=row["outlet"],
        title=row["title"],
        date=row["date"],
        url=row["url"],
        language=row["language"],
        reporter=Reporter(row["reporter"]) if row["reporter"] else None,
        about=row["about"],
    )


class SourceRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_ids(self, ids: Sequence[str], locale: str = "en") -> tuple[Source, ...]:
        """The sources in the order given (the order their citations are numbered in)."""
        if not ids:
            return ()
        sql = _SOURCES_SQL + f" WHERE a.id IN ({placeholders(len(ids))})"
        async with self._db.conn.execute(sql, (locale, *ids)) as cursor:
            found = {row["id"]: _source(row) for row in await cursor.fetchall()}
        return tuple(found[source_id] for source_id in ids if source_id in found)

    async def all(self, locale: str = "en") -> tuple[Source, ...]:
        """Newest first; sources with no date last, then by outlet."""
        sql = _SOURCES_SQL + " ORDER BY a.date IS NULL, a.date DESC, a.outlet COLLATE NOCASE, a.id"
        async with self._db.conn.execute(sql, (locale,)) as cursor:
            return tuple(_source(row) for row in await cursor.fetchall())

    async def backing(self, locale: str) -> dict[str, Backing]:
        """What each data-file source backs: the periods of its figures (newest first) and the
        titles of the items citing it (in file order)."""
        periods: dict[str, list[Period]] = {}
        figures_sql = """
            SELECT DISTINCT s.source_id, f.year, f.month_start, f.month_end FROM trade_figure_sources s
            JOIN trade_figures f ON f.id = s.figure_id
            ORDER BY f.year DESC, f.month_end DESC, f.month_start DESC
        """
        async with self._db.conn.execute(figures_sql) as cursor:
            for source_id, year, start, end in await cursor.fetchall():
                periods.setdefault(source_id, []).append(Period(year=year, start=start, end=end))
        topics: dict[str, list[str]] = {}
        topics_sql = """
            SELECT s.source_id, x.title FROM topic_sources s
            JOIN topics t ON t.id = s.topic_id
            JOIN topic_texts x ON x.topic_id = t.id AND x.locale = ?
            ORDER BY t.position
        """
        async with self._db.conn.execute(topics_sql, (locale,)) as cursor:
            for source_id, title in await cursor.fetchall():
                topics.setdefault(source_id, []).append(title)
        return {
            source_id: Backing(tuple(periods.get(source_id, ())), tuple(topics.get(source_id, ())))
            for source_id in periods.keys() | topics.keys()
        }
