"""The publications behind the data: the data files' sources and UN Comtrade's reports."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain.models import Reporter, Source
from bot.store.db import Database, placeholders


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        id=row["id"],
        outlet=row["outlet"],
        title=row["title"],
        date=row["date"],
        url=row["url"],
        language=row["language"],
        reporter=Reporter(row["reporter"]) if row["reporter"] else None,
    )


class SourceRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_ids(self, ids: Sequence[str]) -> tuple[Source, ...]:
        """The sources in the order given (the order their citations are numbered in)."""
        if not ids:
            return ()
        sql = f"SELECT * FROM all_sources WHERE id IN ({placeholders(len(ids))})"  # noqa: S608 (placeholders only)
        async with self._db.conn.execute(sql, tuple(ids)) as cursor:
            found = {row["id"]: _source(row) for row in await cursor.fetchall()}
        return tuple(found[source_id] for source_id in ids if source_id in found)

    async def all(self) -> tuple[Source, ...]:
        """Newest first; sources with no date last, then by outlet."""
        sql = "SELECT * FROM all_sources ORDER BY date IS NULL, date DESC, outlet COLLATE NOCASE, id"
        async with self._db.conn.execute(sql) as cursor:
            return tuple(_source(row) for row in await cursor.fetchall())
