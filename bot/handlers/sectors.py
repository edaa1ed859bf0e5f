"""/sectors, the sector buttons and the sector cards."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuAction, MenuCb, SectorCb
from bot.handlers import screens
from bot.store.repo import Store


async def sectors(message: Message, store: Store, locale: str) -> None:
    await screens.answer(message, await screens.sectors_screen(store, locale))


async def sectors_button(callback: CallbackQuery, store: Store, locale: str) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await screens.answer(callback.message, await screens.sectors_screen(store, locale))


async def open_sector(callback: CallbackQuery, callback_data: SectorCb, store: Store, locale: str) -> None:
    await callback.answer()
    if callback_data.sector_id:
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
        screen = await screens.sector_screen(store, locale, callback_data.sector_id, chat_id)
    else:
        screen = await screens.sectors_screen(store, locale)
    await screens.edit(callback, screen)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(sectors, Command("sectors"))
    router.callback_query.register(sectors_button, MenuCb.filter(F.action == MenuAction.SECTORS))
    router.callback_query.register(open_sector, SectorCb.filter())
    return router
