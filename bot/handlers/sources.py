"""/sources and its pages."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuAction, MenuCb, SourcesCb
from bot.handlers import screens
from bot.store.repo import Store


async def sources(message: Message, store: Store, locale: str) -> None:
    await screens.answer(message, await screens.sources_screen(store, locale))


async def sources_button(callback: CallbackQuery, store: Store, locale: str) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await screens.answer(callback.message, await screens.sources_screen(store, locale))


async def sources_page(callback: CallbackQuery, callback_data: SourcesCb, store: Store, locale: str) -> None:
    await callback.answer()
    await screens.edit(callback, await screens.sources_screen(store, locale, callback_data.page))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(sources, Command("sources"))
    router.callback_query.register(sources_button, MenuCb.filter(F.action == MenuAction.SOURCES))
    router.callback_query.register(sources_page, SourcesCb.filter())
    return router
