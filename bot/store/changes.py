"""The outbox's second half: edits and deletions of messages already delivered, one row per
(delivery, action), drained by the delivery worker like the sends."""

from __future__ import annotations

import time

import aiosqlite

from bot.domain.changes import DELETE_LIMIT_HOURS, Change, ChangeAction, ChangeState, FactChanges
from bot.store.db import Database


async def queue_edits(conn: aiosqlite.Connection, fact_id: int) -> int:
    """One edit per message of ``fact_id`` delivered; an edit still pending is sent once, with
    the newest text. Inside the caller's transaction; returns how many chats."""
    cursor = await conn.execute(
        """INSERT INTO delivery_changes (delivery_id, action) SELECT id, 'edit' FROM deliveries
           WHERE fact_id = ? AND state = 'sent' AND message_id IS NOT NULL
           ON CONFLICT (delivery_id, action) DO UPDATE SET state = 'pending', attempts = 0,
           next_attempt_at = 0, last_error = NULL, generation = generation + 1""",
        (fact_id,),
    )
    return cursor.rowcount


async def queue_deletions(conn: aiosqlite.Connection, fact_id: int) -> tuple[int, int]:
    """A deletion per message of ``fact_id`` younger than Telegram's limit, the older ones
    recorded as kept; pending edits dropped and unsent rows stopped. Returns (queued, kept)."""
    await conn.execute(
        """DELETE FROM delivery_changes WHERE action = 'edit' AND state = 'pending'
           AND delivery_id IN (SELECT id FROM deliveries WHERE fact_id = ?)""",
        (fact_id,),
    )
    await conn.execute(
        "UPDATE deliveries SET state = 'failed', last_error = 'withdrawn' WHERE fact_id = ? AND state = 'pending'",
        (fact_id,),
    )
    cutoff = f"strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-{DELETE_LIMIT_HOURS} hours')"
    counts = []
    for state, when in (("pending", f"sent_at >= {cutoff}"), ("kept", f"sent_at < {cutoff}")):
        cursor = await conn.execute(
            f"""INSERT OR IGNORE INTO delivery_changes (delivery_id, action, state)
                SELECT id, 'delete', ? FROM deliveries WHERE fact_id = ? AND state = 'sent'
                AND message_id IS NOT NULL AND {when}""",  # noqa: S608 (fixed clauses)
            (state, fact_id),
        )
        counts.append(cursor.rowcount)
    return counts[0], counts[1]


class ChangeRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, limit: int, now: float | None = None) -> list[Change]:
        sql = """
            SELECT c.id, d.fact_id, d.chat_id, d.message_id, d.locale, c.action, c.attempts, c.generation
            FROM delivery_changes c JOIN deliveries d ON d.id = c.delivery_id
            WHERE c.state = 'pending' AND c.next_attempt_at <= ? ORDER BY c.id LIMIT ?
        """
        rows = await self._db.read_committed(sql, (time.time() if now is None else now, limit))
        return [Change(r[0], r[1], r[2], r[3], r[4], ChangeAction(r[5]), r[6], r[7]) for r in rows]

    async def next_attempt_at(self) -> float | None:
        sql = "SELECT min(next_attempt_at) FROM delivery_changes WHERE state = 'pending'"
        async with self._db.conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def finish(self, change: Change, state: ChangeState, error: str | None = None) -> None:
        """Done, failed or kept; unless the fact was edited again meanwhile (the row is then
        pending for the newer text, and stays so)."""
        await self._db.write(
            """UPDATE delivery_changes SET state = ?, last_error = ?, attempts = attempts + 1
               WHERE id = ? AND generation = ?""",
            (state, error, change.id, change.generation),
        )

    async def retry_later(self, change_id: int, at: float, error: str, *, count_attempt: bool = True) -> None:
        await self._db.write(
            """UPDATE delivery_changes SET next_attempt_at = ?, last_error = ?, attempts = attempts + ?
               WHERE id = ?""",
            (at, error, 1 if count_attempt else 0, change_id),
        )

    async def counts(self, fact_id: int, action: ChangeAction) -> dict[ChangeState, int]:
        sql = """SELECT c.state, count(*) FROM delivery_changes c JOIN deliveries d ON d.id = c.delivery_id
                 WHERE d.fact_id = ? AND c.action = ? GROUP BY c.state"""
        async with self._db.conn.execute(sql, (fact_id, action)) as cursor:
            found = {ChangeState(row[0]): int(row[1]) for row in await cursor.fetchall()}
        return {state: found.get(state, 0) for state in ChangeState}

    async def of_fact(self, fact_id: int) -> FactChanges:
        async with self._db.conn.execute(
            "SELECT withdrawn_at IS NOT NULL FROM facts WHERE id = ?", (fact_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return FactChanges(
            withdrawn=bool(row and row[0]),
            edits=await self.counts(fact_id, ChangeAction.EDIT),
            deletions=await self.counts(fact_id, ChangeAction.DELETE),
        )
