"""The delivery outbox the worker drains: one row per (fact, chat)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from bot.domain.models import Delivery, DeliveryState
from bot.store.db import NOW, Database, placeholders


class OutboxRepo:
    """The outbox the delivery worker drains."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, limit: int, now: float | None = None) -> list[Delivery]:
        sql = """
            SELECT id, fact_id, chat_id, locale, attempts, digest FROM deliveries
            WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
        """
        rows = await self._db.read_committed(sql, (time.time() if now is None else now, limit))
        return [Delivery(row[0], row[1], row[2], row[3], row[4], bool(row[5])) for row in rows]

    async def digest_rows(
        self, chat_ids: Iterable[int], now: float, limit: int = 100
    ) -> dict[int, list[Delivery]]:
        """The digest rows due at ``now`` of each of ``chat_ids`` (at most ``limit`` each,
        oldest first): what arrived for the chat since its last digest."""
        ids = tuple(set(chat_ids))
        if not ids:
            return {}
        sql = f"""
            SELECT id, fact_id, chat_id, locale, attempts FROM deliveries
            WHERE chat_id IN ({placeholders(len(ids))}) AND state = 'pending' AND digest = 1
              AND next_attempt_at <= ? ORDER BY chat_id, id
        """  # noqa: S608 (placeholders)
        found: dict[int, list[Delivery]] = {}
        for row in await self._db.read_committed(sql, (*ids, now)):
            rows = found.setdefault(row[2], [])
            if len(rows) < limit:
                rows.append(Delivery(row[0], row[1], row[2], row[3], row[4], True))
        return found

    async def next_attempt_at(self) -> float | None:
        sql = "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'pending'"
        async with self._db.conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    # One id, or the rows of one digest (one message): written in one statement, so a digest
    # is sent, retried or failed as a whole.

    async def mark_sent(self, delivery_ids: int | Sequence[int], message_id: int) -> None:
        ids = _ids(delivery_ids)
        await self._db.write(
            f"""UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = {NOW},
                attempts = attempts + 1, last_error = NULL WHERE id IN ({placeholders(len(ids))})""",  # noqa: S608
            (message_id, *ids),
        )

    async def retry_later(
        self, delivery_ids: int | Sequence[int], at: float, error: str, *, count_attempt: bool = True
    ) -> None:
        ids = _ids(delivery_ids)
        await self._db.write(
            f"""UPDATE deliveries SET next_attempt_at = ?, last_error = ?, attempts = attempts + ?
                WHERE id IN ({placeholders(len(ids))})""",  # noqa: S608
            (at, error, 1 if count_attempt else 0, *ids),
        )

    async def mark_failed(self, delivery_ids: int | Sequence[int], error: str) -> None:
        ids = _ids(delivery_ids)
        await self._db.write(
            f"""UPDATE deliveries SET state = 'failed', last_error = ?, attempts = attempts + 1
                WHERE id IN ({placeholders(len(ids))})""",  # noqa: S608
            (error, *ids),
        )

    async def mark_blocked(self, chat_id: int, reason: str) -> None:
        """The chat blocked the bot or is gone: deactivate it and stop every pending row to it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""UPDATE subscribers SET active = 0, inactive_reason = ?, updated_at = {NOW}
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
            # Rows that could not move: the new chat has the same fact queued already.
            # Left pending they would be sent to the old id again and again.
            await conn.execute(
                "DELETE FROM deliveries WHERE chat_id = ? AND state = 'pending'", (old_chat_id,)
            )
            # Digests and quiet hours follow too, unless the new chat has settings of its own.
            await conn.execute(
                "UPDATE OR IGNORE chat_settings SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )

    async def counts(self, fact_id: int | None = None) -> dict[DeliveryState, int]:
        sql = "SELECT state, count(*) FROM deliveries"
        params: tuple[int, ...] = ()
        if fact_id is not None:
            sql += " WHERE fact_id = ?"
            params = (fact_id,)
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

    async def facts_in_flight(self) -> list[int]:
        """Facts with progress messages that still have pending rows."""
        sql = """SELECT DISTINCT fact_id FROM deliveries WHERE state = 'pending'"""
        async with self._db.conn.execute(sql) as cursor:
            return [row[0] for row in await cursor.fetchall()]


def _ids(delivery_ids: int | Sequence[int]) -> tuple[int, ...]:
    return (delivery_ids,) if isinstance(delivery_ids, int) else tuple(delivery_ids)
