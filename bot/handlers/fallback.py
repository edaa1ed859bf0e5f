"""Last in line: unknown commands and callbacks no other router took. (Free text is a
question: :mod:`bot.handlers.search` answers it.) An unknown ``/word`` is read as a question
("/айти", "/tradeturnover 2024"); only when the search is not sure is it an unknown command."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.handlers import telegram
from bot.handlers.filters import PRIVATE, Magic
from bot.handlers.search import MAX_QUESTION, answer_screen
from bot.search.engine import SearchEngine
from bot.store import Store
from bot.views.menu import render_outdated_button, render_unknown_command


async def unknown_command(message: Message, store: Store, engine: SearchEngine, locale: str) -> None:
    text = message.text or ""
    command = text.split(maxsplit=1)[0]
    # Another bot's command ("/start@other_bot") is none of our questions.
    decision = None if "@" in command else await engine.ask(text[1:].replace("_", " ")[:MAX_QUESTION])
    if decision is None or decision.target is None:
        await telegram.answer(message, render_unknown_command(command))
        return
    await telegram.answer(message, await answer_screen(store, locale, decision, message.chat.id))


async def outdated_button(callback: CallbackQuery) -> None:
    """Forged, malformed or retired callback data: say so, change nothing."""
    await callback.answer(render_outdated_button(), show_alert=True)


def register(
    router: Router,
) -> None:  # In groups the bot speaks only when addressed by one of its own commands.
    router.message.register(unknown_command, PRIVATE, Magic(F.text.startswith("/")))
    router.callback_query.register(outdated_button)
