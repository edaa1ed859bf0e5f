"""/chart and the "📈 Chart" button under /turnover: the turnover chart as a photo.

Where the photo goes comes from aiogram's event context (``event_chat``, and
``event_thread_id`` in a forum topic); :class:`~bot.handlers.chart_sender.ChartSender` does
the rest.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Chat, Message, User

from bot.callbacks import ChartCb
from bot.handlers.chart_sender import ChartSender
from bot.store import Store


def register(router: Router) -> None:
    sender = ChartSender()

    @router.message(Command("chart"))
    async def chart_command(
        message: Message,
        bot: Bot,
        store: Store,
        locale: str,
        event_chat: Chat,
        event_thread_id: int | None = None,
    ) -> None:
        await sender.send(bot, event_chat.id, store, locale, event_thread_id)

    @router.callback_query(ChartCb.filter())
    async def chart_button(
        callback: CallbackQuery,
        bot: Bot,
        store: Store,
        locale: str,
        event_from_user: User,
        event_chat: Chat | None = None,
        event_thread_id: int | None = None,
    ) -> None:
        await callback.answer()
        # No chat only under a message sent in inline mode: the reader's own chat with the bot.
        chat_id = event_chat.id if event_chat else event_from_user.id
        await sender.send(bot, chat_id, store, locale, event_thread_id)
