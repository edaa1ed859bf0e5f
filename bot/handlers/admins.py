"""Who may change a chat's subscriptions, language and settings: in a private chat the reader;
in a group or channel its administrators, asked with getChatMember and remembered for a minute,
and anonymous admins (who write as the group itself).

One filter for every such handler: ``router.message.register(handler, Command(...), ChatAdmin())``,
then the same command without it answered by :func:`refuse_message` (or :func:`refuse_callback`).
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, User
from cachetools import TTLCache

from bot.handlers import telegram
from bot.views.common import Rendered
from bot.views.groups import render_admins_only

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR})
ADMIN_CACHE_SECONDS = 60.0


class ChatAdmins:
    """getChatMember answers, kept ``ttl`` seconds per (chat, user): a burst of taps costs one call."""

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS, maxsize: int = 10_000) -> None:
        self._known: TTLCache[tuple[int | str, int], bool] = TTLCache(maxsize=maxsize, ttl=ttl)

    async def is_admin(self, bot: Bot, chat_id: int | str, user_id: int, *, fresh: bool = False) -> bool:
        """Whether ``user_id`` administers ``chat_id`` (a chat id or ``@username``); ``fresh``:
        ask Telegram even if known (connecting a channel right after being made its admin)."""
        key = (chat_id, user_id)
        known = None if fresh else self._known.get(key)
        if known is not None:
            return known
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError as exc:
            log.info("getChatMember failed: %s", type(exc).__name__)
            return False
        admin = member.status in ADMIN_STATUSES
        self._known[key] = admin
        return admin


async def may_manage(
    bot: Bot,
    chat_admins: ChatAdmins,
    chat: Chat | None,
    user: User | None,
    sender_chat: Chat | None = None,
) -> bool:
    """Whether ``user`` (or ``sender_chat``) may change ``chat``'s subscriptions and settings."""
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if sender_chat is not None and sender_chat.id == chat.id:
        return True  # an anonymous admin, or the channel itself
    if user is None or user.is_bot:
        return False
    return await chat_admins.is_admin(bot, chat.id, user.id)


class ChatAdmin(Filter):
    """Passes in private chats and for the chat's administrators."""

    async def __call__(
        self,
        event: TelegramObject,
        bot: Bot,
        chat_admins: ChatAdmins,
        event_chat: Chat | None = None,
        event_from_user: User | None = None,
    ) -> bool:
        sender_chat = event.sender_chat if isinstance(event, Message) else None
        return await may_manage(bot, chat_admins, event_chat, event_from_user, sender_chat)


async def refuse_message(message: Message) -> None:
    """A member who is not an administrator tried to change the group's settings."""
    await telegram.answer(message, Rendered(render_admins_only()))


async def refuse_callback(callback: CallbackQuery) -> None:
    await callback.answer(render_admins_only(), show_alert=True)
