"""/products [year] and its buttons: what is traded, by HS chapter."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot import screens
from bot.callbacks import ProductsCb
from bot.handlers import telegram
from bot.store import Store


async def products(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    await telegram.answer(message, await screens.products_screen(store, locale, command.args))


async def switch(callback: CallbackQuery, callback_data: ProductsCb, store: Store, locale: str) -> None:
    await callback.answer()
    screen = await screens.products_screen(
        store, locale, callback_data.period or None, callback_data.reporter or None
    )
    await telegram.edit(callback, screen)


def register(router: Router) -> None:
    router.message.register(products, Command("products"))
    router.callback_query.register(switch, ProductsCb.filter())
