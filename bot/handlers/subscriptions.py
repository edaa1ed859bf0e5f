"""/subscribe, /unsubscribe, /subscriptions and the subscribe buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Chat, Message

from bot import screens
from bot.callbacks import ManageSubscriptionsCb, SubscribeCb
from bot.domain.models import ALL_SECTORS, FIGURES, Sector, sector_argument
from bot.handlers import telegram
from bot.store import Store
from bot.views.common import Rendered
from bot.views.subscriptions import (
    render_subscribed,
    render_subscribed_alert,
    render_subscription_list,
    render_toggles,
    render_unknown_sector_argument,
    render_unsubscribed,
    subscription_label,
    toggle_keyboard,
)


async def _sector_or_explain(
    message: Message, argument: str, store: Store, sectors: tuple[Sector, ...]
) -> str | None:
    """The sector id the reader typed (``'*'`` for all); otherwise say which ones exist."""
    sector_id = sector_argument(argument, {s.id for s in sectors} | {FIGURES})
    if sector_id is None:
        followed = await store.subscriptions.sectors_of(message.chat.id)
        await telegram.answer(message, render_unknown_sector_argument(argument, sectors, followed))
    return sector_id


async def subscribe(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    sectors = await store.sectors.all(locale)
    chat_id = message.chat.id
    if not command.args:
        await telegram.answer(message, render_toggles(sectors, await store.subscriptions.sectors_of(chat_id)))
        return
    sector_id = await _sector_or_explain(message, command.args, store, sectors)
    if sector_id is None:
        return
    user_id = message.from_user.id if message.from_user else None
    await store.subscriptions.subscribe(chat_id, user_id, locale, [sector_id])
    await telegram.answer(message, render_subscribed(sectors, sector_id))


async def unsubscribe(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    sectors = await store.sectors.all(locale)
    chat_id = message.chat.id
    if not command.args:
        removed = await store.subscriptions.unsubscribe(chat_id)
        await telegram.answer(message, render_unsubscribed(sectors, None, removed))
        return
    sector_id = await _sector_or_explain(message, command.args, store, sectors)
    if sector_id is None:
        return
    removed = await store.subscriptions.unsubscribe(chat_id, [sector_id])
    await telegram.answer(message, render_unsubscribed(sectors, sector_id, removed))


async def subscriptions(message: Message, store: Store, locale: str) -> None:
    sectors = await store.sectors.all(locale)
    followed = await store.subscriptions.sectors_of(message.chat.id)
    await telegram.answer(message, render_subscription_list(sectors, followed))


async def toggle(
    callback: CallbackQuery,
    callback_data: SubscribeCb,
    store: Store,
    locale: str,
    event_chat: Chat | None = None,
) -> None:
    """A ✅/▫️ toggle, or the subscribe button on a sector card."""
    sectors = await store.sectors.all(locale)
    sector_id = callback_data.sector_id
    chat_id = telegram.chat_id_of(event_chat, callback.from_user)
    if sector_id not in {ALL_SECTORS, FIGURES} and sector_id not in {s.id for s in sectors}:
        await callback.answer()
        await telegram.edit(callback, render_toggles(sectors, await store.subscriptions.sectors_of(chat_id)))
        return
    if callback_data.on is None:
        now_on = await store.subscriptions.toggle(chat_id, callback.from_user.id, locale, sector_id)
    elif callback_data.on:
        await store.subscriptions.subscribe(chat_id, callback.from_user.id, locale, [sector_id])
        now_on = True
    else:
        await store.subscriptions.unsubscribe(chat_id, [sector_id])
        now_on = False
    name = subscription_label(sectors, sector_id)
    await callback.answer(render_subscribed_alert(now_on, name))
    if callback_data.card:
        await telegram.edit(callback, await screens.sector_screen(store, locale, sector_id, chat_id))
        return
    followed = await store.subscriptions.sectors_of(chat_id)
    await telegram.edit_markup(callback, toggle_keyboard(sectors, followed))


async def manage(callback: CallbackQuery, store: Store, locale: str, event_chat: Chat | None = None) -> None:
    await callback.answer()
    chat_id = telegram.chat_id_of(event_chat, callback.from_user)
    sectors = await store.sectors.all(locale)
    screen: Rendered = render_toggles(sectors, await store.subscriptions.sectors_of(chat_id))
    if isinstance(callback.message, Message):
        await telegram.answer(callback.message, screen)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(subscribe, Command("subscribe"))
    router.message.register(unsubscribe, Command("unsubscribe"))
    router.message.register(subscriptions, Command("subscriptions"))
    router.callback_query.register(toggle, SubscribeCb.filter())
    router.callback_query.register(manage, ManageSubscriptionsCb.filter())
    return router
