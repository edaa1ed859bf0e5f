"""Each chat's delivery settings (instant or a daily/weekly digest, its hour, the time zone,
quiet hours) and the outbox rows' not-before times that follow from them.

A row is scheduled when it is queued, inside the queueing transaction: only chats with a
settings row that asks for a digest or quiet hours are looked at, so a broadcast to readers
who never opened /settings costs one extra query. Changing the settings reschedules the
chat's pending rows at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import aiosqlite

from bot.domain.schedule import (
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    DeliveryMode,
    ReaderSchedule,
    default_time_zone,
    not_before,
)
from bot.store.db import NOW, Database, placeholders

_COLUMNS = "s.delivery, s.digest_hour, s.digest_weekday, s.time_zone, s.quiet_start, s.quiet_end"
# Only these chats' rows wait for anything.
_WAITS = "(s.delivery != 'instant' OR (s.quiet_start IS NOT NULL AND s.quiet_end IS NOT NULL))"


@dataclass(frozen=True)
class ChatSettings:
    """What the chat chose; ``time_zone`` None means the one of its language."""

    mode: DeliveryMode = DeliveryMode.INSTANT
    hour: int = DEFAULT_HOUR
    weekday: int = DEFAULT_WEEKDAY
    time_zone: str | None = None
    quiet_start: int | None = None
    quiet_end: int | None = None

    def schedule(self, locale: str) -> ReaderSchedule:
        return ReaderSchedule(
            mode=self.mode,
            hour=self.hour,
            weekday=self.weekday,
            time_zone=self.time_zone or default_time_zone(locale),
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
        )


def _settings(row: aiosqlite.Row | tuple[object, ...]) -> ChatSettings:
    mode, hour, weekday, tz, start, end = row
    return ChatSettings(
        DeliveryMode(str(mode)),
        int(str(hour)),
        int(str(weekday)),
        None if tz is None else str(tz),
        None if start is None else int(str(start)),
        None if end is None else int(str(end)),
    )


class ChatSettingsRepo:
    """``clock`` is the time rows are scheduled from (tests give a fake one)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self.clock = clock

    async def get(self, chat_id: int) -> ChatSettings:
        sql = f"SELECT {_COLUMNS} FROM chat_settings s WHERE s.chat_id = ?"  # noqa: S608
        async with self._db.conn.execute(sql, (chat_id,)) as cursor:
            row = await cursor.fetchone()
        return ChatSettings() if row is None else _settings(row)

    async def update(self, chat_id: int, locale: str, **changes: object) -> ChatSettings:
        """Change some of the chat's settings (keyword names of :class:`ChatSettings`) and
        reschedule its pending rows; returns the settings now in force."""
        async with self._db.transaction() as conn:
            sql = f"SELECT {_COLUMNS} FROM chat_settings s WHERE s.chat_id = ?"  # noqa: S608
            async with conn.execute(sql, (chat_id,)) as cursor:
                row = await cursor.fetchone()
            settings = replace(ChatSettings() if row is None else _settings(row), **changes)  # type: ignore[arg-type]
            await conn.execute(
                f"""
                INSERT INTO chat_settings (chat_id, delivery, digest_hour, digest_weekday, time_zone,
                                           quiet_start, quiet_end)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET delivery = excluded.delivery,
                    digest_hour = excluded.digest_hour, digest_weekday = excluded.digest_weekday,
                    time_zone = excluded.time_zone, quiet_start = excluded.quiet_start,
                    quiet_end = excluded.quiet_end, updated_at = {NOW}
                """,  # noqa: S608 (a constant)
                (
                    chat_id,
                    str(settings.mode),
                    settings.hour,
                    settings.weekday,
                    settings.time_zone,
                    settings.quiet_start,
                    settings.quiet_end,
                ),
            )
            schedule = settings.schedule(await _locale_of(conn, chat_id, locale))
            at = not_before(schedule, self.clock())
            await conn.execute(
                "UPDATE deliveries SET next_attempt_at = ?, digest = ? WHERE chat_id = ? AND state = 'pending'",
                (at, int(schedule.digest), chat_id),
            )
        return settings

    async def schedule_queued(self, conn: aiosqlite.Connection, fact_id: int) -> int:
        """Give the rows just queued for ``fact_id`` their not-before times (inside the
        queueing transaction); returns how many wait."""
        sql = f"""
            SELECT d.id, r.locale, {_COLUMNS} FROM deliveries d
            JOIN chat_settings s ON s.chat_id = d.chat_id
            LEFT JOIN subscribers r ON r.chat_id = d.chat_id
            WHERE d.fact_id = ? AND d.state = 'pending' AND {_WAITS}
        """  # noqa: S608 (constants)
        async with conn.execute(sql, (fact_id,)) as cursor:
            rows = await cursor.fetchall()
        now = self.clock()
        updates = []
        for row in rows:
            schedule = _settings(tuple(row)[2:]).schedule(str(row[1] or "en"))
            updates.append((not_before(schedule, now), int(schedule.digest), row[0]))
        await conn.executemany("UPDATE deliveries SET next_attempt_at = ?, digest = ? WHERE id = ?", updates)
        return len(updates)

    async def quiet_hours(self, chat_ids: Iterable[int]) -> dict[int, ReaderSchedule]:
        """The schedules of those of ``chat_ids`` that have quiet hours (for the worker, which
        holds back a row whose time came inside them, a retry or a late start)."""
        ids = tuple(set(chat_ids))
        if not ids:
            return {}
        sql = f"""
            SELECT s.chat_id, r.locale, {_COLUMNS} FROM chat_settings s
            LEFT JOIN subscribers r ON r.chat_id = s.chat_id
            WHERE s.chat_id IN ({placeholders(len(ids))})
              AND s.quiet_start IS NOT NULL AND s.quiet_end IS NOT NULL
        """  # noqa: S608 (placeholders)
        rows = await self._db.read_committed(sql, ids)
        return {int(row[0]): _settings(tuple(row)[2:]).schedule(str(row[1] or "en")) for row in rows}


async def _locale_of(conn: aiosqlite.Connection, chat_id: int, fallback: str) -> str:
    async with conn.execute("SELECT locale FROM subscribers WHERE chat_id = ?", (chat_id,)) as cursor:
        row = await cursor.fetchone()
    return str(row[0]) if row else fallback


__all__ = ["ChatSettings", "ChatSettingsRepo"]
