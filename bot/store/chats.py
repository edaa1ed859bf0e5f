"""Groups and channels the bot is in: their own language, and the channels connected to it."""

from __future__ import annotations

from cachetools import LRUCache

from bot.domain.chats import ConnectedChannel
from bot.domain.models import LOCALES
from bot.store.db import NOW, Database

#: Chat languages kept in memory: every update from a group asks for one.
LOCALE_CACHE_SIZE = 50_000


class ChatRepo:
    def __init__(self, db: Database, cache_size: int = LOCALE_CACHE_SIZE) -> None:
        self._db = db
        self._locales: LRUCache[int, str | None] = LRUCache(maxsize=cache_size)

    async def locale(self, chat_id: int) -> str | None:
        """The chat's language, or None when it has none yet."""
        try:
            return self._locales[chat_id]
        except KeyError:
            pass
        row = await self._db.read_one("SELECT locale FROM chats WHERE chat_id = ?", (chat_id,))
        locale: str | None = row[0] if row else None
        self._locales[chat_id] = locale
        return locale

    async def remember(self, chat_id: int, chat_type: str, title: str | None, locale: str) -> str:
        """Note the chat; ``locale`` becomes its language unless it has one. Returns its language."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""
                INSERT INTO chats (chat_id, type, title, locale) VALUES (?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,
                    title = coalesce(excluded.title, title),
                    locale = coalesce(locale, excluded.locale), updated_at = {NOW}
                """,  # noqa: S608 (a constant)
                (chat_id, chat_type, title, locale),
            )
            async with conn.execute("SELECT locale FROM chats WHERE chat_id = ?", (chat_id,)) as cursor:
                row = await cursor.fetchone()
        stored = str(row[0]) if row and row[0] else locale
        self._locales[chat_id] = stored
        return stored

    async def set_locale(self, chat_id: int, chat_type: str, title: str | None, locale: str) -> None:
        """The chat's administrators chose its language: its replies and deliveries follow."""
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""
                INSERT INTO chats (chat_id, type, title, locale) VALUES (?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET locale = excluded.locale,
                    title = coalesce(excluded.title, title), updated_at = {NOW}
                """,  # noqa: S608 (a constant)
                (chat_id, chat_type, title, locale),
            )
            await conn.execute(
                f"UPDATE subscribers SET locale = ?, updated_at = {NOW} WHERE chat_id = ?",  # noqa: S608
                (locale, chat_id),
            )
        self._locales[chat_id] = locale

    async def connect_channel(self, chat_id: int, title: str | None, user_id: int, locale: str) -> None:
        """A channel connected by ``user_id``: its deliveries come in ``locale`` (theirs, at first)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""
                INSERT INTO chats (chat_id, type, title, locale, connected_by)
                VALUES (?, 'channel', ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET type = 'channel', title = excluded.title,
                    locale = coalesce(locale, excluded.locale),
                    connected_by = excluded.connected_by, updated_at = {NOW}
                """,  # noqa: S608 (a constant)
                (chat_id, title, locale, user_id),
            )
        self._locales.pop(chat_id, None)

    async def disconnect(self, chat_id: int) -> None:
        await self._db.write(
            f"UPDATE chats SET connected_by = NULL, updated_at = {NOW} WHERE chat_id = ?",  # noqa: S608
            (chat_id,),
        )

    async def channel(self, chat_id: int) -> ConnectedChannel | None:
        """A connected channel, or None when ``chat_id`` is no channel the bot knows."""
        sql = """
            SELECT c.title, r.active, group_concat(s.sector_id, ' ') FROM chats c
            LEFT JOIN subscribers r ON r.chat_id = c.chat_id
            LEFT JOIN subscriptions s ON s.chat_id = c.chat_id
            WHERE c.chat_id = ? AND c.type = 'channel' AND c.connected_by IS NOT NULL
            GROUP BY c.chat_id
        """
        async with self._db.conn.execute(sql, (chat_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        active = row[1] is None or bool(row[1])
        sectors = frozenset((row[2] or "").split()) if active else frozenset()
        return ConnectedChannel(chat_id, row[0], sectors, active)

    async def channels_of(self, user_id: int | None) -> list[ConnectedChannel]:
        """The channels ``user_id`` connected (every connected channel for None)."""
        sql = "SELECT chat_id FROM chats WHERE type = 'channel' AND connected_by IS NOT NULL"
        params: tuple[int, ...] = ()
        if user_id is not None:
            sql += " AND connected_by = ?"
            params = (user_id,)
        async with self._db.conn.execute(sql + " ORDER BY title, chat_id", params) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        found = [await self.channel(chat_id) for chat_id in ids]
        return [channel for channel in found if channel is not None]
