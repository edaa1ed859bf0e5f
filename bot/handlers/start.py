"""/start with its deep links, /help and the main-menu buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuAction, MenuCb
from bot.handlers import screens
from bot.store.repo import Store
from bot.views.common import Rendered
from bot.views.menu import render_help, render_language_choice, render_start


async def deep_link_screen(payload: str, store: Store, locale: str, chat_id: int) -> Rendered | None:
    """``sector_food_retail``, ``turnover``, ``turnover_2024``, ``sources``; None if unknown."""
    if payload.startswith("sector_"):
        return await screens.sector_screen(store, locale, payload.removeprefix("sector_"), chat_id)
    if payload == "turnover" or payload.startswith("turnover_"):
        return await screens.turnover_screen(store, locale, payload.removeprefix("turnover").lstrip("_"))
    if payload == "sectors":
        return await screens.sectors_screen(store, locale)
    if payload == "sources":
        return await screens.sources_screen(store, locale)
    return None


async def start(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    if command.args:
        screen = await deep_link_screen(command.args.strip(), store, locale, message.chat.id)
        if screen is not None:
            await screens.answer(message, screen)
            return
    first_name = message.from_user.first_name if message.from_user else None
    await screens.answer(message, render_start(first_name))


async def help_command(message: Message) -> None:
    await screens.answer(message, render_help())


async def help_button(callback: CallbackQuery) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await screens.answer(callback.message, render_help())


async def language_button(callback: CallbackQuery, locale: str) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await screens.answer(callback.message, render_language_choice(locale))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(help_button, MenuCb.filter(F.action == MenuAction.HELP))
    router.callback_query.register(language_button, MenuCb.filter(F.action == MenuAction.LANGUAGE))
    return router
