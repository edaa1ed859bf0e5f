"""/turnover [period] and the period buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuAction, MenuCb, TurnoverCb
from bot.handlers import screens
from bot.store.repo import Store


async def turnover(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    await screens.answer(message, await screens.turnover_screen(store, locale, command.args))


async def turnover_button(callback: CallbackQuery, store: Store, locale: str) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await screens.answer(callback.message, await screens.turnover_screen(store, locale))


async def switch_period(
    callback: CallbackQuery, callback_data: TurnoverCb, store: Store, locale: str
) -> None:
    await callback.answer()
    await screens.edit(callback, await screens.turnover_screen(store, locale, callback_data.period))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(turnover, Command("turnover"))
    router.callback_query.register(turnover_button, MenuCb.filter(F.action == MenuAction.TURNOVER))
    router.callback_query.register(switch_period, TurnoverCb.filter())
    return router
