"""The reader's locale: their /language choice, else Telegram's language_code, else the default.

In a group or channel it is the chat's own language, not the last speaker's: the language of
whoever added the bot or first spoke to it there, changed only by the chat's administrators.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.domain.models import LOCALES
from bot.store import Store

SHARED_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


def locale_from_language_code(language_code: str | None) -> str | None:
    """``"be-BY"`` → ``"be"``; a language the bot doesn't speak → None."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-")[0].lower()
    return primary if primary in LOCALES else None


class LocaleMiddleware(I18nMiddleware):
    """aiogram's I18nMiddleware that reads the user's (or the group's) stored choice first.

    Handlers receive the result as ``locale`` for Babel formatting (and ``i18n``, as aiogram's
    middleware gives it).
    """

    def __init__(self, i18n: I18n, store: Store) -> None:
        super().__init__(i18n)
        self.store = store

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        if chat is not None and chat.type in SHARED_CHATS:
            locale = await self.store.chats.locale(chat.id)
            if locale is None:
                speaker = await self._resolve(user)
                locale = await self.store.chats.remember(chat.id, chat.type, chat.title, speaker)
        else:
            locale = await self._resolve(user)
        data["locale"] = locale
        return locale

    async def _resolve(self, user: User | None) -> str:
        if user is None or user.is_bot:
            return self.i18n.default_locale
        chosen = await self.store.users.locale(user.id)
        if chosen:
            return chosen
        return locale_from_language_code(user.language_code) or self.i18n.default_locale
