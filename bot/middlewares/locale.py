"""The reader's locale: their /language choice, else Telegram's language_code, else the default."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.domain.models import LOCALES
from bot.store import Store


def locale_from_language_code(language_code: str | None) -> str | None:
    """``"be-BY"`` → ``"be"``; a language the bot doesn't speak → None."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-")[0].lower()
    return primary if primary in LOCALES else None


class LocaleMiddleware(I18nMiddleware):
    """aiogram's I18nMiddleware that reads the user's stored choice first.

    Handlers receive the result as ``locale`` for Babel formatting (and ``i18n``, as aiogram's
    middleware gives it).
    """

    def __init__(self, i18n: I18n, store: Store) -> None:
        super().__init__(i18n)
        self.store = store

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        data["locale"] = locale = await self._resolve(data.get("event_from_user"))
        return locale

    async def _resolve(self, user: User | None) -> str:
        if user is None:
            return self.i18n.default_locale
        chosen = await self.store.users.locale(user.id)
        if chosen:
            return chosen
        return locale_from_language_code(user.language_code) or self.i18n.default_locale
