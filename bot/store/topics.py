"""Cooperation topics: the items of a sector card."""

from __future__ import annotations

import aiosqlite

from bot.domain.models import Status, Topic
from bot.store.db import Database

_TOPICS_SQL = """
    SELECT t.id, t.sector_id, t.status, t.date, x.title, x.body,
           (SELECT group_concat(source_id, ' ') FROM
               (SELECT source_id FROM topic_sources s
                WHERE s.topic_id = t.id ORDER BY s.position)) AS source_ids
    FROM topics t
    JOIN topic_texts x ON x.topic_id = t.id AND x.locale = ?
"""


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


class TopicRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def of_sector(self, sector_id: str, locale: str) -> tuple[Topic, ...]:
        """The sector's topics, dated ones newest first, undated ones after them in file order."""
        sql = _TOPICS_SQL + " WHERE t.sector_id = ? ORDER BY t.date IS NULL, t.date DESC, t.position"
        async with self._db.conn.execute(sql, (locale, sector_id)) as cursor:
            return tuple(_topic(row) for row in await cursor.fetchall())

    async def get(self, topic_id: str, locale: str) -> Topic | None:
        async with self._db.conn.execute(_TOPICS_SQL + " WHERE t.id = ?", (locale, topic_id)) as cursor:
            row = await cursor.fetchone()
        return _topic(row) if row is not None else None

    async def latest(self, locale: str, limit: int) -> tuple[Topic, ...]:
        """The newest dated topics across sectors, newest first."""
        sql = _TOPICS_SQL + " WHERE t.date IS NOT NULL ORDER BY t.date DESC, t.position LIMIT ?"
        async with self._db.conn.execute(sql, (locale, limit)) as cursor:
            return tuple(_topic(row) for row in await cursor.fetchall())

    async def some(self, topic_ids: tuple[str, ...], locale: str) -> tuple[Topic, ...]:
        """These topics, dated ones newest first, undated ones after them."""
        if not topic_ids:
            return ()
        marks = ", ".join("?" * len(topic_ids))
        sql = _TOPICS_SQL + f" WHERE t.id IN ({marks}) ORDER BY t.date IS NULL, t.date DESC, t.position"
        async with self._db.conn.execute(sql, (locale, *topic_ids)) as cursor:
            return tuple(_topic(row) for row in await cursor.fetchall())
