"""Last in line: unknown commands and callbacks no other router took. (Free text is a
question: :mod:`bot.handlers.search` answers it.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message

from bot.handlers import telegram
from bot.views.menu import render_outdated_button, render_unknown_command


async def unknown_command(message: Message) -> None:
    command = (message.text or "").split(maxsplit=1)[0]
    await telegram.answer(message, render_unknown_command(command))


async def outdated_button(callback: CallbackQuery) -> None:
    """Forged, malformed or retired callback data: say so, change nothing."""
    await callback.answer(render_outdated_button(), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    # In groups the bot speaks only when addressed by one of its own commands.
    private = F.chat.type == ChatType.PRIVATE
    router.message.register(unknown_command, private, F.text.startswith("/"))
    router.callback_query.register(outdated_button)
    return router
