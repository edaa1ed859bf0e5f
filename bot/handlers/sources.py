"""/sources and its pages."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import screens
from bot.callbacks import SourcesCb
from bot.handlers import telegram
from bot.store import Store


async def sources(message: Message, store: Store, locale: str) -> None:
    await telegram.answer(message, await screens.sources_screen(store, locale))


async def sources_page(callback: CallbackQuery, callback_data: SourcesCb, store: Store, locale: str) -> None:
    await callback.answer()
    await telegram.edit(callback, await screens.sources_screen(store, locale, callback_data.page))


def register(router: Router) -> None:
    router.message.register(sources, Command("sources"))
    router.callback_query.register(sources_page, SourcesCb.filter())
