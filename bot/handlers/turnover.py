"""/turnover [period] and the period buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot import screens
from bot.callbacks import TurnoverCb, TurnoverDetailsCb
from bot.domain.models import FIGURES
from bot.handlers import telegram
from bot.handlers.offers import with_offer
from bot.store import Store


async def turnover(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    screen = await screens.turnover_screen(store, locale, command.args)
    screen = await with_offer(screen, store, locale, message.chat, message.from_user, FIGURES)
    await telegram.answer(message, screen)


async def switch_period(
    callback: CallbackQuery, callback_data: TurnoverCb, store: Store, locale: str
) -> None:
    await callback.answer()
    await telegram.edit(callback, await screens.turnover_screen(store, locale, callback_data.period))


async def details(
    callback: CallbackQuery, callback_data: TurnoverDetailsCb, store: Store, locale: str
) -> None:
    await callback.answer()
    await telegram.edit(callback, await screens.turnover_details_screen(store, locale, callback_data.period))


def register(router: Router) -> None:
    router.message.register(turnover, Command("turnover"))
    router.callback_query.register(switch_period, TurnoverCb.filter())
    router.callback_query.register(details, TurnoverDetailsCb.filter())
