"""Who follows which sector: subscribers (chats) and their subscriptions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import aiosqlite

from bot.domain.models import ALL_SECTORS, FIGURES
from bot.store.db import NOW, Database


@dataclass(frozen=True)
class Switched:
    """What a switch did: whether ``item`` is followed now, whether anything changed, and
    whether "all sectors" was on before (turning one sector off turns it off)."""

    on: bool
    changed: bool
    all_was_on: bool


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
        return frozenset(row[0] for row in await self._db.read_few(sql, (chat_id,)))

    async def subscribe(
        self, chat_id: int, user_id: int | None, locale: str, sector_ids: Sequence[str]
    ) -> None:
        """Follow ``sector_ids``; also revives a chat deactivated because it had blocked the bot."""
        async with self._db.transaction() as conn:
            await upsert_subscriber(conn, chat_id, user_id, locale)
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
            await upsert_subscriber(conn, chat_id, user_id, locale)
            await conn.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, sector_id) VALUES (?, ?)", (chat_id, sector_id)
            )
            return True

    async def switch(
        self,
        chat_id: int,
        user_id: int | None,
        locale: str,
        item: str,
        on: bool | None,
        sector_ids: Collection[str],
    ) -> Switched:
        """Turn ``item`` (a sector, ``'*'`` or ``figures``) on, off, or over (``on`` None), with
        "all sectors" as a master switch over ``sector_ids``: on, it stands for every sector;
        one sector off turns it off and keeps the others; every sector on is "all" again."""
        async with self._db.transaction() as conn:
            sql = """SELECT r.active, s.sector_id FROM subscribers r
                     LEFT JOIN subscriptions s ON s.chat_id = r.chat_id WHERE r.chat_id = ?"""
            async with conn.execute(sql, (chat_id,)) as cursor:
                rows = list(await cursor.fetchall())
            kept = {str(row[1]) for row in rows if row[1] is not None}
            active = bool(rows) and bool(rows[0][0])
            followed = kept if active else set()
            all_on = ALL_SECTORS in followed
            covered = item in followed or (item not in (FIGURES, ALL_SECTORS) and all_on)
            turn_on = not covered if on is None else on
            if turn_on == covered:
                return Switched(turn_on, False, all_on)
            wanted = set(followed)
            if turn_on:
                # Also revives a chat deactivated because it had blocked the bot, with what it followed.
                await upsert_subscriber(conn, chat_id, user_id, locale)
                wanted = kept | {item}
            elif item == ALL_SECTORS:
                wanted -= {ALL_SECTORS, *sector_ids}
            elif item == FIGURES:
                wanted.discard(FIGURES)
            else:
                if all_on:
                    wanted |= set(sector_ids)
                wanted -= {ALL_SECTORS, item}
            chosen = wanted & set(sector_ids)
            if ALL_SECTORS in wanted or (sector_ids and chosen >= set(sector_ids)):
                wanted = (wanted - set(sector_ids)) | {ALL_SECTORS}
            await conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            await conn.executemany(
                "INSERT INTO subscriptions (chat_id, sector_id) VALUES (?, ?)",
                [(chat_id, sector_id) for sector_id in sorted(wanted)],
            )
            return Switched(turn_on, True, all_on)

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """Deliveries follow the reader's /language choice."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE subscribers SET locale = ?, updated_at = {NOW} WHERE chat_id = ?",  # noqa: S608
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


async def upsert_subscriber(
    conn: aiosqlite.Connection, chat_id: int, user_id: int | None, locale: str
) -> None:
    await conn.execute(
        f"""
        INSERT INTO subscribers (chat_id, user_id, locale) VALUES (?, ?, ?)
        ON CONFLICT (chat_id) DO UPDATE SET active = 1, inactive_reason = NULL,
            locale = excluded.locale, user_id = coalesce(excluded.user_id, user_id), updated_at = {NOW}
        """,  # noqa: S608 (a constant)
        (chat_id, user_id, locale),
    )
