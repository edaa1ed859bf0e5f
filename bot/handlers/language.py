"""/language: the reader's choice is stored and wins over Telegram's language_code; in a
group its administrators choose the group's language."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import BotCommandScopeChat, CallbackQuery, Chat, Message
from aiogram.utils.i18n import I18n

from bot.callbacks import LanguageCb
from bot.config import Settings
from bot.handlers import telegram
from bot.handlers.admins import ChatAdmin, refuse_callback, refuse_message
from bot.store import Store
from bot.views.menu import bot_commands, render_language_choice, render_language_set

log = logging.getLogger(__name__)


async def language(message: Message, locale: str) -> None:
    await telegram.answer(message, render_language_choice(locale))


async def choose_language(
    callback: CallbackQuery,
    callback_data: LanguageCb,
    store: Store,
    i18n: I18n,
    bot: Bot,
    settings: Settings,
    event_chat: Chat | None = None,
) -> None:
    chosen = callback_data.locale
    user = callback.from_user
    # A choice in a private chat is the reader's own; in a group (made by an administrator,
    # see register) it is the group's: its replies and deliveries, not the member's.
    private = event_chat is None or event_chat.type == ChatType.PRIVATE
    chat_id = telegram.chat_id_of(event_chat, user)
    if private:
        await store.users.set_locale(user.id, chosen.value, user.language_code)
        await store.subscriptions.set_locale(chat_id, chosen.value)  # deliveries follow the choice
    elif event_chat is not None:
        await store.chats.set_locale(event_chat.id, event_chat.type, event_chat.title, chosen.value)
    with i18n.use_locale(chosen.value):
        await callback.answer()
        await telegram.edit(callback, render_language_set(chosen, group=not private))
        if private:
            try:
                # The reader's own command menu follows their choice (chat scope wins over language_code).
                admin = user.id in settings.admin_ids
                await bot.set_my_commands(
                    bot_commands(admin=admin), scope=BotCommandScopeChat(chat_id=chat_id)
                )
            except TelegramAPIError as exc:
                log.warning("could not set the chat's command menu: %s", type(exc).__name__)


def register(router: Router) -> None:
    router.message.register(language, Command("language"), ChatAdmin())
    router.message.register(refuse_message, Command("language"))  # not a group administrator
    router.callback_query.register(choose_language, LanguageCb.filter(), ChatAdmin())
    router.callback_query.register(refuse_callback, LanguageCb.filter())
