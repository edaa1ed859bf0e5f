"""/start with its deep links, /help, and the main-menu buttons (one handler for all five)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Chat, Message

from bot import screens
from bot.callbacks import MenuAction, MenuCb
from bot.deeplinks import LinkKind, decode
from bot.domain.models import FIGURES
from bot.handlers import telegram
from bot.handlers.offers import with_offer
from bot.store import Store
from bot.views.common import Rendered
from bot.views.menu import render_help, render_language_choice, render_start
from bot.views.subscriptions import render_toggles


async def start(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    link = decode(command.args) if command.args else None
    if link is not None:
        screen = await screens.deep_link_screen(link, store, locale, message.chat.id)
        item = {LinkKind.SECTOR: link.argument, LinkKind.TURNOVER: FIGURES}.get(link.kind)
        if item is not None:
            screen = await with_offer(screen, store, locale, message.chat, message.from_user, item)
        await telegram.answer(message, screen)
        return
    first_name = message.from_user.first_name if message.from_user else None
    await telegram.answer(message, render_start(first_name))


async def help_command(message: Message) -> None:
    await telegram.answer(message, render_help())


async def _menu_screen(action: MenuAction, store: Store, locale: str, chat_id: int) -> Rendered:
    if action is MenuAction.TURNOVER:
        return await screens.turnover_screen(store, locale)
    if action is MenuAction.SUBSCRIPTIONS:
        sectors = await store.sectors.all(locale)
        return render_toggles(sectors, await store.subscriptions.sectors_of(chat_id))
    if action is MenuAction.SECTORS:
        return await screens.sectors_screen(store, locale)
    if action is MenuAction.SOURCES:
        return await screens.sources_screen(store, locale)
    if action is MenuAction.LANGUAGE:
        return render_language_choice(locale)
    return render_help()


async def menu_button(
    callback: CallbackQuery,
    callback_data: MenuCb,
    store: Store,
    locale: str,
    event_chat: Chat | None = None,
) -> None:
    """A main-menu button: its screen as a new message under the one it was on."""
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    chat_id = telegram.chat_id_of(event_chat, callback.from_user)
    screen = await _menu_screen(callback_data.action, store, locale, chat_id)
    if callback_data.action is MenuAction.TURNOVER:
        screen = await with_offer(screen, store, locale, event_chat, callback.from_user, FIGURES)
    await telegram.answer(callback.message, screen)


def register(router: Router) -> None:
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(menu_button, MenuCb.filter())
