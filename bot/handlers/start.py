"""/start with its deep links, /help, and the main-menu buttons (one handler for all five)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot import screens
from bot.callbacks import MenuAction, MenuCb
from bot.deeplinks import decode
from bot.handlers import telegram
from bot.store import Store
from bot.views.common import Rendered
from bot.views.menu import render_help, render_language_choice, render_start


async def start(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    link = decode(command.args) if command.args else None
    if link is not None:
        await telegram.answer(message, await screens.deep_link_screen(link, store, locale, message.chat.id))
        return
    first_name = message.from_user.first_name if message.from_user else None
    await telegram.answer(message, render_start(first_name))


async def help_command(message: Message) -> None:
    await telegram.answer(message, render_help())


async def _menu_screen(action: MenuAction, store: Store, locale: str) -> Rendered:
    if action is MenuAction.TURNOVER:
        return await screens.turnover_screen(store, locale)
    if action is MenuAction.SECTORS:
        return await screens.sectors_screen(store, locale)
    if action is MenuAction.SOURCES:
        return await screens.sources_screen(store, locale)
    if action is MenuAction.LANGUAGE:
        return render_language_choice(locale)
    return render_help()


async def menu_button(callback: CallbackQuery, callback_data: MenuCb, store: Store, locale: str) -> None:
    """A main-menu button: its screen as a new message under the one it was on."""
    await callback.answer()
    if isinstance(callback.message, Message):
        await telegram.answer(callback.message, await _menu_screen(callback_data.action, store, locale))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(menu_button, MenuCb.filter())
    return router
