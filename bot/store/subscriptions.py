"""Subscriptions, published updates and the delivery outbox."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from bot.domain.models import ALL_SECTORS, LOCALES, Delivery, DeliveryState, SectorUpdate
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.store.search import SearchRepo

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


class SubscriptionRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def sectors_of(self, chat_id: int) -> frozenset[str]:
        """What the chat follows (``'*'`` for all sectors); empty if it is inactive."""
        sql = """
            SELECT s.sector_id FROM subscriptions s
            JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
            WHERE s.chat_id = ?
        """
        async with self._db.conn.execute(sql, (chat_id,)) as cursor:
            return frozenset(row[0] for row in await cursor.fetchall())

    async def subscribe(
        self, chat_id: int, user_id: int | None, locale: str, sector_ids: Sequence[str]
    ) -> None:
        """Follow ``sector_ids``; also revives a chat deactivated because it had blocked the bot."""
        async with self._db.transaction() as conn:
            await _upsert_subscriber(conn, chat_id, user_id, locale)
            await conn.executemany(
                "INSERT OR IGNORE INTO subscriptions (chat_id, sector_id) VALUES (?, ?)",
                [(chat_id, sector_id) for sector_id in sector_ids],
            )

    async def unsubscribe(self, chat_id: int, sector_ids: Sequence[str] | None = None) -> int:
        """Stop following ``sector_ids`` (all when None); returns how many were removed."""
        async with self._db.transaction() as conn:
            if sector_ids is None:
                cursor = await conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            else:
                cursor = await conn.executemany(
                    "DELETE FROM subscriptions WHERE chat_id = ? AND sector_id = ?",
                    [(chat_id, sector_id) for sector_id in sector_ids],
                )
            return cursor.rowcount

    async def toggle(self, chat_id: int, user_id: int | None, locale: str, sector_id: str) -> bool:
        """Subscribe if not subscribed, else unsubscribe, atomically; returns the new state."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                """SELECT 1 FROM subscriptions s JOIN subscribers r ON r.chat_id = s.chat_id
                   WHERE s.chat_id = ? AND s.sector_id = ? AND r.active = 1""",
                (chat_id, sector_id),
            ) as cursor:
                subscribed = await cursor.fetchone() is not None
            if subscribed:
                await conn.execute(
                    "DELETE FROM subscriptions WHERE chat_id = ? AND sector_id = ?", (chat_id, sector_id)
                )
                return False
            await _upsert_subscriber(conn, chat_id, user_id, locale)
            await conn.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, sector_id) VALUES (?, ?)", (chat_id, sector_id)
            )
            return True

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """Deliveries follow the reader's /language choice."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE subscribers SET locale = ?, updated_at = {_NOW} WHERE chat_id = ?",  # noqa: S608
                (locale, chat_id),
            )

    async def stats(self) -> tuple[dict[str, int], dict[str, int]]:
        """Active subscribers per sector and per language."""
        by_sector: dict[str, int] = {}
        by_locale: dict[str, int] = {}
        sql = """
            SELECT s.sector_id, count(*) FROM subscriptions s
            JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1 GROUP BY 1
        """
        async with self._db.conn.execute(sql) as cursor:
            by_sector = {row[0]: row[1] for row in await cursor.fetchall()}
        sql = """
            SELECT locale, count(*) FROM subscribers r WHERE active = 1
            AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = r.chat_id) GROUP BY 1
        """
        async with self._db.conn.execute(sql) as cursor:
            by_locale = {row[0]: row[1] for row in await cursor.fetchall()}
        return by_sector, by_locale


async def _upsert_subscriber(
    conn: aiosqlite.Connection, chat_id: int, user_id: int | None, locale: str
) -> None:
    await conn.execute(
        f"""
        INSERT INTO subscribers (chat_id, user_id, locale) VALUES (?, ?, ?)
        ON CONFLICT (chat_id) DO UPDATE SET active = 1, inactive_reason = NULL,
            locale = excluded.locale, user_id = coalesce(excluded.user_id, user_id), updated_at = {_NOW}
        """,  # noqa: S608 (a constant)
        (chat_id, user_id, locale),
    )


@dataclass(frozen=True)
class Published:
    update_id: int
    recipients: int


@dataclass(frozen=True)
class UpdateContent:
    """What one recipient of an update is sent."""

    update_id: int
    sector_id: str
    created_at: str
    text: str
    text_locale: str
    original_locale: str


UPDATE_ITEM_PREFIX = "update-"


def published_update_id(item_id: str) -> int | None:
    """The update a search item stands for (``update-7`` → 7), or None for a dataset topic."""
    number = item_id.removeprefix(UPDATE_ITEM_PREFIX)
    return int(number) if number != item_id and number.isdigit() else None


class UpdateRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.search: SearchRepo | None = None  # set by Store: updates are searchable at once

    async def _index(
        self, conn: aiosqlite.Connection | None, update_id: int, sector_id: str, texts: Mapping[str, str]
    ) -> None:
        if self.search is None:
            return
        await self.search.index_item(
            "topic",
            f"{UPDATE_ITEM_PREFIX}{update_id}",
            {locale: (body[:80], body) for locale, body in texts.items()},
            parent=None if sector_id == ALL_SECTORS else f"sector:{sector_id}",
            conn=conn,
        )

    async def reindex(self, conn: aiosqlite.Connection | None = None) -> int:
        """Put every published update back into the search index (after a data load rebuilt
        it from the data files); returns how many."""
        sql = "SELECT u.id, u.sector_id, t.locale, t.body FROM updates u JOIN update_texts t ON t.update_id = u.id"
        async with self._db.conn.execute(sql) as cursor:
            rows = await cursor.fetchall()
        updates: dict[tuple[int, str], dict[str, str]] = {}
        for update_id, sector_id, locale, body in rows:
            updates.setdefault((update_id, sector_id), {})[locale] = body
        for (update_id, sector_id), texts in updates.items():
            await self._index(conn, update_id, sector_id, texts)
        return len(updates)

    async def sector_of(self, update_id: int) -> str | None:
        async with self._db.conn.execute(
            "SELECT sector_id FROM updates WHERE id = ?", (update_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def publish(
        self, sector_id: str, texts: Mapping[str, str], original_locale: str, author_id: int | None
    ) -> Published:
        """Store the update and one outbox row per active recipient, in one transaction.

        Recipients: chats following ``sector_id`` or all sectors; for an update to all
        sectors, every chat following anything. Each row carries the recipient's locale.
        """
        if original_locale not in texts:
            raise ValueError("the original text is missing")
        if not set(texts) <= set(LOCALES):
            raise ValueError(f"unsupported locales: {sorted(set(texts) - set(LOCALES))}")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO updates (sector_id, original_locale, author_id) VALUES (?, ?, ?)",
                (sector_id, original_locale, author_id),
            )
            update_id = cursor.lastrowid
            await conn.executemany(
                "INSERT INTO update_texts (update_id, locale, body) VALUES (?, ?, ?)",
                [(update_id, locale, body) for locale, body in texts.items()],
            )
            await self._index(conn, int(update_id or 0), sector_id, texts)
            params: tuple[str, ...] = ()
            if sector_id == ALL_SECTORS:
                where = "1 = 1"
            else:
                where, params = "s.sector_id IN (?, ?)", (sector_id, ALL_SECTORS)
            cursor = await conn.execute(
                f"""
                INSERT OR IGNORE INTO deliveries (update_id, chat_id, locale)
                SELECT DISTINCT ?, r.chat_id, r.locale FROM subscriptions s
                JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
                WHERE {where} ORDER BY r.chat_id
                """,  # noqa: S608 (one of two fixed clauses)
                (update_id, *params),
            )
            recipients = cursor.rowcount
        return Published(update_id=int(update_id or 0), recipients=recipients)

    async def count_recipients(self, sector_id: str) -> int:
        """How many chats an update to ``sector_id`` would reach now."""
        if sector_id == ALL_SECTORS:
            sql = """SELECT count(DISTINCT r.chat_id) FROM subscriptions s
                     JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1"""
            params: tuple[str, ...] = ()
        else:
            sql = """SELECT count(DISTINCT r.chat_id) FROM subscriptions s
                     JOIN subscribers r ON r.chat_id = s.chat_id AND r.active = 1
                     WHERE s.sector_id IN (?, ?)"""
            params = (sector_id, ALL_SECTORS)
        async with self._db.conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def set_progress_message(self, update_id: int, chat_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE updates SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, update_id),
            )

    async def progress_message(self, update_id: int) -> tuple[int, int] | None:
        sql = "SELECT progress_chat_id, progress_message_id FROM updates WHERE id = ?"
        async with self._db.conn.execute(sql, (update_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])

    async def author_locale(self, update_id: int) -> str:
        """The language the update was written in: the admin's, for their progress message."""
        async with self._db.conn.execute(
            "SELECT original_locale FROM updates WHERE id = ?", (update_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "ru"

    async def content(self, update_id: int, locale: str) -> UpdateContent | None:
        """The update in ``locale``, else in its original language."""
        sql = """
            SELECT u.id, u.sector_id, u.created_at, u.original_locale, t.locale, t.body
            FROM updates u JOIN update_texts t ON t.update_id = u.id
            WHERE u.id = ? AND t.locale IN (?, u.original_locale)
            ORDER BY t.locale = ? DESC LIMIT 1
        """
        async with self._db.conn.execute(sql, (update_id, locale, locale)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return UpdateContent(row[0], row[1], row[2], row[5], row[4], row[3])

    async def recent(self, sector_id: str, locale: str, limit: int = 3) -> tuple[SectorUpdate, ...]:
        """The sector's latest updates (including those for all sectors), newest first."""
        sql = """
            SELECT u.id, u.sector_id, u.created_at, u.original_locale, t.locale, t.body
            FROM updates u JOIN update_texts t ON t.update_id = u.id
            AND t.locale = (SELECT CASE WHEN EXISTS (SELECT 1 FROM update_texts x
                            WHERE x.update_id = u.id AND x.locale = ?) THEN ? ELSE u.original_locale END)
            WHERE u.sector_id IN (?, ?)
            ORDER BY u.created_at DESC, u.id DESC LIMIT ?
        """
        params = (locale, locale, sector_id, ALL_SECTORS, limit)
        async with self._db.conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return tuple(
            SectorUpdate(
                id=r[0], sector_id=r[1], created_at=r[2], original_locale=r[3], locale=r[4], text=r[5]
            )
            for r in rows
        )


class DeliveryRepo:
    """The outbox the delivery worker drains."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, limit: int, now: float | None = None) -> list[Delivery]:
        sql = """
            SELECT id, update_id, chat_id, locale, attempts FROM deliveries
            WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
        """
        rows = await self._db.read_committed(sql, (time.time() if now is None else now, limit))
        return [Delivery(*row) for row in rows]

    async def next_attempt_at(self) -> float | None:
        sql = "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'pending'"
        async with self._db.conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def mark_sent(self, delivery_id: int, message_id: int) -> None:
        await self._db.write(
            f"""UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = {_NOW},
                attempts = attempts + 1, last_error = NULL WHERE id = ?""",  # noqa: S608
            (message_id, delivery_id),
        )

    async def retry_later(
        self, delivery_id: int, at: float, error: str, *, count_attempt: bool = True
    ) -> None:
        await self._db.write(
            "UPDATE deliveries SET next_attempt_at = ?, last_error = ?, attempts = attempts + ? WHERE id = ?",
            (at, error, 1 if count_attempt else 0, delivery_id),
        )

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        await self._db.write(
            "UPDATE deliveries SET state = 'failed', last_error = ?, attempts = attempts + 1 WHERE id = ?",
            (error, delivery_id),
        )

    async def mark_blocked(self, chat_id: int, reason: str) -> None:
        """The chat blocked the bot or is gone: deactivate it and stop every pending row to it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""UPDATE subscribers SET active = 0, inactive_reason = ?, updated_at = {_NOW}
                    WHERE chat_id = ?""",  # noqa: S608
                (reason, chat_id),
            )
            await conn.execute(
                "UPDATE deliveries SET state = 'blocked', last_error = ? WHERE chat_id = ? AND state = 'pending'",
                (reason, chat_id),
            )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending rows follow it."""
        async with self._db.transaction() as conn:
            async with conn.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (new_chat_id,)) as cursor:
                exists = await cursor.fetchone() is not None
            if exists:
                await conn.execute(
                    "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                    (new_chat_id, old_chat_id),
                )
                await conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (old_chat_id,))
            else:
                await conn.execute(
                    "UPDATE subscribers SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
                )
            await conn.execute(
                """UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ? AND state = 'pending'""",
                (new_chat_id, old_chat_id),
            )
            # Rows that could not move: the new chat has the same update queued already.
            # Left pending they would be sent to the old id again and again.
            await conn.execute(
                "DELETE FROM deliveries WHERE chat_id = ? AND state = 'pending'", (old_chat_id,)
            )

    async def counts(self, update_id: int | None = None) -> dict[DeliveryState, int]:
        sql = "SELECT state, count(*) FROM deliveries"
        params: tuple[int, ...] = ()
        if update_id is not None:
            sql += " WHERE update_id = ?"
            params = (update_id,)
        async with self._db.conn.execute(sql + " GROUP BY state", params) as cursor:
            found = {DeliveryState(row[0]): row[1] for row in await cursor.fetchall()}
        return {state: found.get(state, 0) for state in DeliveryState}

    async def failure_reasons(self, limit: int = 5) -> list[tuple[str, int]]:
        sql = """
            SELECT last_error, count(*) FROM deliveries WHERE state = 'failed'
            GROUP BY last_error ORDER BY count(*) DESC LIMIT ?
        """
        async with self._db.conn.execute(sql, (limit,)) as cursor:
            return [(row[0] or "?", row[1]) for row in await cursor.fetchall()]

    async def updates_in_flight(self) -> list[int]:
        """Updates with progress messages that still have pending rows."""
        sql = """SELECT DISTINCT update_id FROM deliveries WHERE state = 'pending'"""
        async with self._db.conn.execute(sql) as cursor:
            return [row[0] for row in await cursor.fetchall()]
