"""Filters checked in the event loop.

aiogram runs every synchronous filter through ``asyncio.to_thread``, and a magic filter
(``F.chat.type == "private"``) is synchronous: each check of one is a thread hand-off, on every
update that reaches it. :class:`Magic` checks the same expression in the event loop; the
routers use it, and these shared ones, instead of bare ``F`` expressions. (Who administers a
group or channel, asked of Telegram and cached, is :mod:`bot.handlers.admins`.)
"""

from __future__ import annotations

from aiogram import F
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User
from magic_filter import MagicFilter

from bot.config import Settings


class Magic(Filter):
    """``magic`` (an ``F`` expression) as an asynchronous filter: passes when it is truthy."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self.magic.resolve(event))


class CommandLike(Filter):
    """Could ``message`` be a command: what aiogram's ``Command`` reads (the text, else the
    caption) starts with "/"."""

    async def __call__(self, message: Message) -> bool:
        return (message.text or message.caption or "").startswith("/")


class IsAdmin(Filter):
    """The bot's editors (ADMIN_IDS): who may publish, edit and withdraw facts and read /stats."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


PRIVATE = Magic(F.chat.type == ChatType.PRIVATE)
GROUPS = Magic(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
TEXT = Magic(F.text)
