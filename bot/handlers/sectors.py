"""/sectors, the sector buttons, the pages of a sector card and the items on them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Chat, Message

from bot import screens
from bot.callbacks import FactCb, SectorCb, TopicCb
from bot.handlers import telegram
from bot.handlers.offers import with_offer
from bot.store import Store


async def sectors(message: Message, store: Store, locale: str) -> None:
    await telegram.answer(message, await screens.sectors_screen(store, locale))


async def open_sector(
    callback: CallbackQuery,
    callback_data: SectorCb,
    store: Store,
    locale: str,
    event_chat: Chat | None = None,
) -> None:
    await callback.answer()
    if callback_data.sector_id:
        chat_id = telegram.chat_id_of(event_chat, callback.from_user)
        screen = await screens.sector_screen(
            store, locale, callback_data.sector_id, chat_id, page=callback_data.page
        )
        screen = await with_offer(
            screen, store, locale, event_chat, callback.from_user, callback_data.sector_id
        )
    else:
        screen = await screens.sectors_screen(store, locale)
    await telegram.edit(callback, screen)


async def open_topic(callback: CallbackQuery, callback_data: TopicCb, store: Store, locale: str) -> None:
    await callback.answer()
    screen = await screens.topic_screen(store, locale, callback_data.topic_id, page=callback_data.page)
    await telegram.edit(callback, screen or await screens.sectors_screen(store, locale))


async def open_fact(callback: CallbackQuery, callback_data: FactCb, store: Store, locale: str) -> None:
    await callback.answer()
    await telegram.edit(
        callback, await screens.fact_screen(store, locale, callback_data.fact_id, callback_data.sector_id)
    )


def register(router: Router) -> None:
    router.message.register(sectors, Command("sectors"))
    router.callback_query.register(open_sector, SectorCb.filter())
    router.callback_query.register(open_topic, TopicCb.filter())
    router.callback_query.register(open_fact, FactCb.filter())
