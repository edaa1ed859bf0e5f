"""Sectors and the sector card (its topics, latest facts and sources)."""

from __future__ import annotations

import aiosqlite

from bot.domain.models import Sector, SectorCard
from bot.store.db import Database, ordered_unique
from bot.store.facts import FactRepo
from bot.store.sources import SourceRepo
from bot.store.topics import TopicRepo

_SECTORS_SQL = """
    SELECT s.id, s.emoji, t.name, t.summary FROM sectors s
    JOIN sector_texts t ON t.sector_id = s.id AND t.locale = ?
"""


def _sector(row: aiosqlite.Row) -> Sector:
    return Sector(row["id"], row["emoji"], row["name"], row["summary"])


class SectorRepo:
    def __init__(self, db: Database, sources: SourceRepo, topics: TopicRepo, facts: FactRepo) -> None:
        self._db = db
        self._sources = sources
        self._topics = topics
        self._facts = facts

    async def all(self, locale: str) -> tuple[Sector, ...]:
        async with self._db.conn.execute(_SECTORS_SQL + " ORDER BY s.position", (locale,)) as cursor:
            return tuple(_sector(row) for row in await cursor.fetchall())

    async def get(self, sector_id: str, locale: str) -> Sector | None:
        async with self._db.conn.execute(_SECTORS_SQL + " WHERE s.id = ?", (locale, sector_id)) as cursor:
            row = await cursor.fetchone()
        return _sector(row) if row else None

    async def card(self, sector_id: str, locale: str) -> SectorCard | None:
        sector = await self.get(sector_id, locale)
        if sector is None:
            return None
        topics = await self._topics.of_sector(sector_id, locale)
        source_ids = ordered_unique(sid for topic in topics for sid in topic.source_ids)
        return SectorCard(
            sector=sector,
            topics=topics,
            sources=await self._sources.by_ids(source_ids, locale),
            facts=await self._facts.recent(sector_id, locale),
        )

    async def exists(self, sector_id: str) -> bool:
        async with self._db.conn.execute("SELECT 1 FROM sectors WHERE id = ?", (sector_id,)) as cursor:
            return await cursor.fetchone() is not None
