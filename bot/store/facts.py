"""Published facts: news for a sector (or all), with their texts per language, and the
outbox rows written in the same transaction as the fact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

from bot.domain.models import ALL_SECTORS, FIGURES, LOCALES, Fact
from bot.screencache import DataVersion
from bot.search.protocol import FACT_KIND, FactTexts, Indexer
from bot.store.changes import queue_deletions, queue_edits
from bot.store.chat_settings import ChatSettingsRepo
from bot.store.db import NOW, Database, bump_data_version
from bot.store.search import concept_rows, remove_item, replace_item


@dataclass(frozen=True)
class Published:
    fact_id: int
    recipients: int


class AlreadyPublished(Exception):
    """The confirmation (``key``) already published a fact: a double tap, or a tap again."""

    def __init__(self, fact_id: int) -> None:
        super().__init__(f"already published as fact #{fact_id}")
        self.fact_id = fact_id


@dataclass(frozen=True)
class Withdrawn:
    deleting: int  # chats whose message is being deleted
    kept: int  # chats whose message is older than Telegram lets a bot delete


@dataclass(frozen=True)
class FactContent:
    """What one recipient of a fact is sent."""

    fact_id: int
    sector_id: str
    created_at: str
    text: str
    text_locale: str
    original_locale: str
    kind: str = "news"  # 'alert': generated from new data, sent as rendered (bot/store/alerts.py)
    source_url: str | None = None
    withdrawn: bool = False


class FactRepo:
    def __init__(
        self, db: Database, indexer: Indexer | None, version: DataVersion, chat_settings: ChatSettingsRepo
    ) -> None:
        self._db = db
        self._chat_settings = chat_settings  # digests and quiet hours: when each row may go
        self._indexer = indexer  # a published fact is searchable at once
        self._version = version  # and shows on its sector's card at once

    async def texts(self, after: int = 0) -> list[FactTexts]:
        """The published facts numbered above ``after`` with their texts (for the search index)."""
        sql = """
            SELECT f.id, f.sector_id, t.locale, t.body FROM facts f JOIN fact_texts t ON t.fact_id = f.id
            WHERE f.id > ? AND f.kind = 'news' AND f.withdrawn_at IS NULL ORDER BY f.id
        """
        async with self._db.conn.execute(sql, (after,)) as cursor:
            rows = await cursor.fetchall()
        facts: dict[tuple[int, str], dict[str, str]] = {}
        for fact_id, sector_id, locale, body in rows:
            facts.setdefault((fact_id, sector_id), {})[locale] = body
        return [FactTexts(fact_id, sector_id, texts) for (fact_id, sector_id), texts in facts.items()]

    async def sector_of(self, fact_id: int) -> str | None:
        async with self._db.conn.execute("SELECT sector_id FROM facts WHERE id = ?", (fact_id,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def publish(
        self,
        sector_id: str,
        texts: Mapping[str, str],
        original_locale: str,
        author_id: int | None,
        *,
        source_url: str | None = None,
        key: str | None = None,
    ) -> Published:
        """Store the fact and one outbox row per active recipient, in one transaction.

        Recipients: chats following ``sector_id`` or all sectors; for a fact to all
        sectors, every chat following anything. Each row carries the recipient's locale, and
        waits for the recipient's digest or the end of their quiet hours.
        ``key`` names the confirmation that publishes: :class:`AlreadyPublished` if it did.
        """
        if original_locale not in texts:
            raise ValueError("the original text is missing")
        if not set(texts) <= set(LOCALES):
            raise ValueError(f"unsupported locales: {sorted(set(texts) - set(LOCALES))}")
        if self._indexer is None:
            raise RuntimeError("facts are published by a Store opened with an Indexer")
        async with self._db.transaction() as conn:
            if key is not None:
                async with conn.execute("SELECT id FROM facts WHERE publish_key = ?", (key,)) as cursor:
                    taken = await cursor.fetchone()
                if taken is not None:
                    raise AlreadyPublished(int(taken[0]))
            cursor = await conn.execute(
                """INSERT INTO facts (sector_id, original_locale, author_id, source_url, publish_key)
                   VALUES (?, ?, ?, ?, ?)""",
                (sector_id, original_locale, author_id, source_url, key),
            )
            fact_id = cursor.lastrowid
            await conn.executemany(
                "INSERT INTO fact_texts (fact_id, locale, body) VALUES (?, ?, ?)",
                [(fact_id, locale, body) for locale, body in texts.items()],
            )
            fact = FactTexts(int(fact_id or 0), sector_id, dict(texts))
            await replace_item(conn, self._indexer.fact_rows(fact, await concept_rows(conn)))
            params: tuple[str, ...] = ()
            if sector_id == ALL_SECTORS:
                where, params = "s.sector_id != ?", (FIGURES,)
            else:
                where, params = "s.sector_id IN (?, ?)", (sector_id, ALL_SECTORS)
            cursor = await conn.execute(
                f"""
                INSERT OR IGNORE INTO deliveries (fact_id, chat_id, locale)
                SELECT DISTINCT ?, r.chat_id, r.locale FROM subscriptions s
                JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
                WHERE {where} ORDER BY r.chat_id
                """,  # noqa: S608 (one of two fixed clauses)
                (fact_id, *params),
            )
            recipients = cursor.rowcount
            await self._chat_settings.schedule_queued(conn, int(fact_id or 0))
            version = await bump_data_version(conn)
        self._version.bump(version)
        return Published(fact_id=int(fact_id or 0), recipients=recipients)

    async def edit(self, fact_id: int, locale: str, text: str) -> int:
        """Replace the fact's text by ``text`` in ``locale`` (the texts in other languages said
        the old thing: dropped), and queue an edit of every message delivered. Returns how many."""
        if self._indexer is None:
            raise RuntimeError("facts are edited by a Store opened with an Indexer")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"""UPDATE facts SET original_locale = ?, edited_at = {NOW}
                    WHERE id = ? AND kind = 'news' AND withdrawn_at IS NULL""",  # noqa: S608
                (locale, fact_id),
            )
            if cursor.rowcount == 0:
                raise LookupError(f"no fact #{fact_id} to edit")
            await conn.execute("DELETE FROM fact_texts WHERE fact_id = ?", (fact_id,))
            await conn.execute(
                "INSERT INTO fact_texts (fact_id, locale, body) VALUES (?, ?, ?)", (fact_id, locale, text)
            )
            sector_id = await self._sector(conn, fact_id)
            fact = FactTexts(fact_id, sector_id, {locale: text})
            await replace_item(conn, self._indexer.fact_rows(fact, await concept_rows(conn)))
            chats = await queue_edits(conn, fact_id)
            version = await bump_data_version(conn)
        self._version.bump(version)
        return chats

    async def withdraw(self, fact_id: int) -> Withdrawn:
        """Take the fact off the cards and the search, and queue the deletion of every message
        delivered that Telegram still lets the bot delete."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"""UPDATE facts SET withdrawn_at = {NOW}
                    WHERE id = ? AND kind = 'news' AND withdrawn_at IS NULL""",  # noqa: S608
                (fact_id,),
            )
            if cursor.rowcount == 0:
                raise LookupError(f"no fact #{fact_id} to withdraw")
            await remove_item(conn, FACT_KIND, str(fact_id))
            deleting, kept = await queue_deletions(conn, fact_id)
            version = await bump_data_version(conn)
        self._version.bump(version)
        return Withdrawn(deleting, kept)

    @staticmethod
    async def _sector(conn: aiosqlite.Connection, fact_id: int) -> str:
        async with conn.execute("SELECT sector_id FROM facts WHERE id = ?", (fact_id,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else ""

    async def delivered_chats(self, fact_id: int) -> int:
        """How many chats hold a message of ``fact_id`` (what an edit would change)."""
        sql = (
            "SELECT count(*) FROM deliveries WHERE fact_id = ? AND state = 'sent' AND message_id IS NOT NULL"
        )
        async with self._db.conn.execute(sql, (fact_id,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def published_by(self, key: str) -> int | None:
        """The fact the confirmation ``key`` published, if it did."""
        async with self._db.conn.execute("SELECT id FROM facts WHERE publish_key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def count_recipients(self, sector_id: str) -> int:
        """How many chats a fact to ``sector_id`` would reach now."""
        if sector_id == ALL_SECTORS:
            sql = """SELECT count(DISTINCT r.chat_id) FROM subscriptions s
                     JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
                     WHERE s.sector_id != ?"""
            params: tuple[str, ...] = (FIGURES,)
        else:
            sql = """SELECT count(DISTINCT r.chat_id) FROM subscriptions s
                     JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
                     WHERE s.sector_id IN (?, ?)"""
            params = (sector_id, ALL_SECTORS)
        async with self._db.conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def set_progress_message(self, fact_id: int, chat_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE facts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, fact_id),
            )

    async def progress_message(self, fact_id: int) -> tuple[int, int] | None:
        sql = "SELECT progress_chat_id, progress_message_id FROM facts WHERE id = ?"
        async with self._db.conn.execute(sql, (fact_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])

    async def author_locale(self, fact_id: int) -> str:
        """The language the fact was written in: the admin's, for their progress message."""
        async with self._db.conn.execute(
            "SELECT original_locale FROM facts WHERE id = ?", (fact_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "ru"

    async def content(self, fact_id: int, locale: str) -> FactContent | None:
        """The fact in ``locale``, else in its original language."""
        sql = """
            SELECT u.id, u.sector_id, u.created_at, u.original_locale, t.locale, t.body, u.kind,
                   u.source_url, u.withdrawn_at IS NOT NULL
            FROM facts u JOIN fact_texts t ON t.fact_id = u.id
            WHERE u.id = ? AND t.locale IN (?, u.original_locale)
            ORDER BY t.locale = ? DESC LIMIT 1
        """
        async with self._db.conn.execute(sql, (fact_id, locale, locale)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return FactContent(row[0], row[1], row[2], row[5], row[4], row[3], row[6], row[7], bool(row[8]))

    async def recent(self, sector_id: str, locale: str, limit: int = 3) -> tuple[Fact, ...]:
        """The sector's latest facts (including those for all sectors), newest first."""
        sql = """
            SELECT u.id, u.sector_id, u.created_at, u.original_locale, t.locale, t.body
            FROM facts u JOIN fact_texts t ON t.fact_id = u.id
            AND t.locale = (SELECT CASE WHEN EXISTS (SELECT 1 FROM fact_texts x
                            WHERE x.fact_id = u.id AND x.locale = ?) THEN ? ELSE u.original_locale END)
            WHERE u.sector_id IN (?, ?) AND u.kind = 'news' AND u.withdrawn_at IS NULL
            ORDER BY u.created_at DESC, u.id DESC LIMIT ?
        """
        params = (locale, locale, sector_id, ALL_SECTORS, limit)
        async with self._db.conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return tuple(
            Fact(id=r[0], sector_id=r[1], created_at=r[2], original_locale=r[3], locale=r[4], text=r[5])
            for r in rows
        )
