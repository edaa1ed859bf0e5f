"""Sending screens to Telegram: answer, edit in place (or anew when the message is gone),
and the one place that knows Telegram refuses an edit that changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Chat, InaccessibleMessage, InlineKeyboardMarkup, Message, User

from bot.views.common import Rendered

log = logging.getLogger(__name__)


async def _unless_unchanged(edit: Awaitable[object]) -> None:
    """Run an edit, ignoring Telegram's "message is not modified" (the same button tapped
    twice, a progress that did not move)."""
    try:
        await edit
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise
        log.debug("edit skipped: message not modified")


def chat_id_of(event_chat: Chat | None, user: User) -> int:
    """The chat a button was pressed in: aiogram's ``event_chat``, or, for a button under an
    inline-mode message (which has no chat), the user's private chat."""
    return event_chat.id if event_chat is not None else user.id


async def answer(message: Message, screen: Rendered) -> None:
    await message.answer(screen.text, reply_markup=screen.markup)


async def edit_markup(callback: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons under the message the button was on."""
    if isinstance(callback.message, Message):
        await _unless_unchanged(callback.message.edit_reply_markup(reply_markup=markup))


async def edit_message(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the text (and the buttons) of a message the bot sent."""
    await _unless_unchanged(message.edit_text(text, reply_markup=markup))


async def edit(callback: CallbackQuery, screen: Rendered) -> None:
    """Show ``screen`` in place of the message the button was on (or anew if that is gone)."""
    message = callback.message
    if message is None or isinstance(message, InaccessibleMessage):
        if callback.from_user is not None and callback.bot is not None:
            await callback.bot.send_message(callback.from_user.id, screen.text, reply_markup=screen.markup)
        return
    await _unless_unchanged(message.edit_text(screen.text, reply_markup=screen.markup))
