"""Alerts generated from new data: what readers were told of, who is to be told, and the
alert facts with their outbox rows (written in the caller's transaction).

An alert is a fact of kind 'alert': its text per language is stored as rendered HTML with its
buttons, and the delivery worker sends it as stored. It is neither searchable nor listed on a
sector card (the card shows the topics themselves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from bot.domain.models import ALL_SECTORS, FIGURES
from bot.store.chat_settings import ChatSettingsRepo
from bot.store.db import Database, placeholders

Kind = Literal["figure", "topic"]


@dataclass(frozen=True)
class AlertMessage:
    """One language's alert: HTML text and buttons as (label, callback data)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reader:
    chat_id: int
    locale: str
    follows: frozenset[str]  # sector ids, '*' for all


def _initialized_key(kind: Kind) -> str:
    return f"announced_{kind}"


class AlertRepo:
    def __init__(self, db: Database, chat_settings: ChatSettingsRepo) -> None:
        self._db = db
        self._chat_settings = chat_settings

    async def announced(self, kind: Kind) -> dict[str, str] | None:
        """What readers were last told of (key → value); None before the first time."""
        async with self._db.conn.execute(
            "SELECT 1 FROM meta WHERE key = ?", (_initialized_key(kind),)
        ) as cur:
            if await cur.fetchone() is None:
                return None
        async with self._db.conn.execute("SELECT key, value FROM announced WHERE kind = ?", (kind,)) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def set_announced(self, conn: aiosqlite.Connection, kind: Kind, state: Mapping[str, str]) -> None:
        await conn.execute("DELETE FROM announced WHERE kind = ?", (kind,))
        await conn.executemany(
            "INSERT INTO announced (kind, key, value) VALUES (?, ?, ?)",
            [(kind, key, value) for key, value in state.items()],
        )
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING",
            (_initialized_key(kind),),
        )

    async def readers(self) -> list[Reader]:
        """Every active chat with what it follows (``figures`` included), by chat id."""
        sql = """
            SELECT r.chat_id, r.locale, group_concat(s.sector_id, ' ') FROM subscribers r
            JOIN subscriptions s ON s.chat_id = r.chat_id
            WHERE r.active = 1 GROUP BY r.chat_id ORDER BY r.chat_id
        """
        async with self._db.conn.execute(sql) as cursor:
            rows = await cursor.fetchall()
        return [Reader(row[0], row[1], frozenset(str(row[2]).split())) for row in rows]

    async def topic_ids(self) -> list[str]:
        async with self._db.conn.execute("SELECT id FROM topics ORDER BY position") as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def topic_sectors(self, topic_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(topic id, sector id) of each of ``topic_ids`` still in the data."""
        sql = f"SELECT id, sector_id FROM topics WHERE id IN ({placeholders(len(topic_ids))})"  # noqa: S608
        async with self._db.conn.execute(sql, tuple(topic_ids)) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

    async def figure_readers(self) -> list[Reader]:
        return [reader for reader in await self.readers() if FIGURES in reader.follows]

    async def queue(
        self,
        conn: aiosqlite.Connection,
        *,
        sector_id: str,
        messages: Mapping[str, AlertMessage],
        readers: Sequence[Reader],
        original_locale: str = "en",
    ) -> int | None:
        """One alert fact and one outbox row per reader (in the reader's language); nothing when
        there is no reader. Returns the fact's id."""
        if not readers:
            return None
        cursor = await conn.execute(
            "INSERT INTO facts (sector_id, original_locale, author_id, kind) VALUES (?, ?, NULL, 'alert')",
            (sector_id, original_locale),
        )
        fact_id = int(cursor.lastrowid or 0)
        await conn.executemany(
            "INSERT INTO fact_texts (fact_id, locale, body) VALUES (?, ?, ?)",
            [(fact_id, locale, message.text) for locale, message in messages.items()],
        )
        await conn.executemany(
            "INSERT INTO fact_buttons (fact_id, locale, position, text, callback_data) VALUES (?, ?, ?, ?, ?)",
            [
                (fact_id, locale, position, text, data)
                for locale, message in messages.items()
                for position, (text, data) in enumerate(message.buttons)
            ],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO deliveries (fact_id, chat_id, locale) VALUES (?, ?, ?)",
            [
                (fact_id, reader.chat_id, reader.locale if reader.locale in messages else original_locale)
                for reader in readers
            ],
        )
        await self._chat_settings.schedule_queued(conn, fact_id)
        return fact_id

    async def buttons(self, fact_id: int, locale: str) -> list[tuple[str, str]]:
        sql = (
            "SELECT text, callback_data FROM fact_buttons WHERE fact_id = ? AND locale = ? ORDER BY position"
        )
        async with self._db.conn.execute(sql, (fact_id, locale)) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]


def follows_sector(reader: Reader, sector_id: str) -> bool:
    return sector_id in reader.follows or ALL_SECTORS in reader.follows


__all__ = ["AlertMessage", "AlertRepo", "Reader", "follows_sector"]
