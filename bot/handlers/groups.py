"""Groups and the bot's own membership.

In a group (privacy mode on) the bot answers its commands, a mention ("@bot что с Магнумом")
and a reply to one of its messages, and nothing else. When the bot is removed from a group or
channel (``my_chat_member``: left or kicked) the chat's subscriptions stop at once.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus, MessageEntityType
from aiogram.filters import Filter
from aiogram.types import ChatMemberUpdated, Message

from bot.handlers import telegram
from bot.handlers.filters import GROUPS
from bot.handlers.search import MAX_QUESTION, answer_screen
from bot.search.engine import SearchEngine
from bot.store import Store
from bot.views.groups import render_mention_help

log = logging.getLogger(__name__)

GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.KICKED})


class AddressedToBot(Filter):
    """A group message that mentions the bot or replies to it; gives the ``question`` without
    the mention."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text or ""
        if not text or text.startswith("/"):
            return False
        me = await bot.me()
        reply = message.reply_to_message
        replied = reply is not None and reply.from_user is not None and reply.from_user.id == me.id
        mention = f"@{me.username}".casefold() if me.username else None
        mentioned = False
        question = text
        for entity in message.entities or ():
            if entity.type != MessageEntityType.MENTION or mention is None:
                continue
            said = entity.extract_from(text)
            if said.casefold() == mention:
                mentioned = True
                question = question.replace(said, " ")
        if not (mentioned or replied):
            return False
        return {"question": " ".join(question.split())}


async def ask(
    message: Message, question: str, bot: Bot, store: Store, engine: SearchEngine, locale: str
) -> None:
    if not question:
        me = await bot.me()
        await telegram.answer(message, render_mention_help(me.username or ""))
        return
    decision = await engine.ask(question[:MAX_QUESTION])
    await telegram.answer(message, await answer_screen(store, locale, decision, message.chat.id))


async def membership(event: ChatMemberUpdated, store: Store) -> None:
    """The bot was added to, or removed from, a group or channel (or blocked in private)."""
    chat = event.chat
    if event.new_chat_member.status in GONE:
        await store.outbox.mark_blocked(chat.id, "the bot was removed from the chat")
        log.info("removed from chat %s (%s): its subscriptions stopped", chat.id, chat.type)
    else:
        log.info("added to chat %s (%s) as %s", chat.id, chat.type, event.new_chat_member.status)


def register(router: Router) -> None:
    router.message.register(ask, GROUPS, AddressedToBot())
    router.my_chat_member.register(membership)
