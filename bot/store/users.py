"""Users' chosen languages."""

from __future__ import annotations

from cachetools import LRUCache

from bot.domain.models import LOCALES
from bot.store.db import NOW, Database

#: Chosen languages kept in memory: every update asks for one, and a million distinct users
#: must not grow the process without limit.
LOCALE_CACHE_SIZE = 100_000


class UserRepo:
    def __init__(self, db: Database, cache_size: int = LOCALE_CACHE_SIZE) -> None:
        self._db = db
        self._locales: LRUCache[int, str | None] = LRUCache(maxsize=cache_size)

    async def locale(self, user_id: int) -> str | None:
        try:
            return self._locales[user_id]
        except KeyError:
            pass
        row = await self._db.read_one("SELECT locale FROM users WHERE id = ?", (user_id,))
        locale: str | None = row[0] if row else None
        self._locales[user_id] = locale
        return locale

    async def set_locale(self, user_id: int, locale: str, language_code: str | None) -> None:
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        async with self._db.transaction() as conn:
            await conn.execute(
                f"""
                INSERT INTO users (id, locale, language_code) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET locale = excluded.locale,
                    language_code = excluded.language_code, updated_at = {NOW}
                """,  # noqa: S608 (a constant)
                (user_id, locale, language_code),
            )
        self._locales[user_id] = locale
