"""/subscribe, /unsubscribe, /subscriptions, the subscribe buttons and the one-time offer.

In a group only its administrators change what it follows (:mod:`bot.handlers.admins`);
anyone may see it with /subscriptions.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, or_f
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message

from bot import screens
from bot.callbacks import FollowOfferCb, ManageSubscriptionsCb, SubscribeCb
from bot.domain.models import ALL_SECTORS, FIGURES, Sector, sector_argument
from bot.handlers import telegram
from bot.handlers.admins import ChatAdmin, refuse_callback, refuse_message
from bot.search.engine import SearchEngine
from bot.search.model import TargetKind
from bot.store import Store
from bot.views.common import Rendered
from bot.views.groups import render_channels_in_private
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

_FIGURES_WORDS = frozenset({"figures", "цифры", "сандар", "лічбы", "statistics", "статистика"})


async def resolve_item(argument: str, sectors: tuple[Sector, ...], engine: SearchEngine) -> str | None:
    """What ``/subscribe <argument>`` names: a sector id, ``all``, ``figures``, or a sector's
    name or a word for it in any of the four languages ("еда", "азық-түлік"); else None."""
    known = sector_argument(argument, {s.id for s in sectors} | {FIGURES})
    if known is not None:
        return known
    if argument.strip().casefold() in _FIGURES_WORDS:
        return FIGURES
    decision = await engine.ask(argument[:128])
    target = decision.target
    if target is not None and target.kind is TargetKind.SECTOR and target.id in {s.id for s in sectors}:
        return target.id
    return None


async def _item_or_explain(
    message: Message, argument: str, store: Store, engine: SearchEngine, sectors: tuple[Sector, ...]
) -> str | None:
    """The item the reader named; otherwise say which ones exist."""
    item = await resolve_item(argument, sectors, engine)
    if item is None:
        followed = await store.subscriptions.sectors_of(message.chat.id)
        await telegram.answer(message, render_unknown_sector_argument(argument, sectors, followed))
    return item


async def subscribe(
    message: Message, command: CommandObject, store: Store, engine: SearchEngine, locale: str
) -> None:
    sectors = await store.sectors.all(locale)
    chat_id = message.chat.id
    if not command.args:
        await telegram.answer(message, render_toggles(sectors, await store.subscriptions.sectors_of(chat_id)))
        return
    item = await _item_or_explain(message, command.args, store, engine, sectors)
    if item is None:
        return
    user_id = message.from_user.id if message.from_user else None
    await store.subscriptions.switch(chat_id, user_id, locale, item, True, [s.id for s in sectors])
    await telegram.answer(message, render_subscribed(sectors, item))


async def unsubscribe(
    message: Message, command: CommandObject, store: Store, engine: SearchEngine, locale: str
) -> None:
    sectors = await store.sectors.all(locale)
    chat_id = message.chat.id
    if not command.args:
        removed = await store.subscriptions.unsubscribe(chat_id)
        await telegram.answer(message, render_unsubscribed(sectors, None, bool(removed)))
        return
    item = await _item_or_explain(message, command.args, store, engine, sectors)
    if item is None:
        return
    switched = await store.subscriptions.switch(chat_id, None, locale, item, False, [s.id for s in sectors])
    followed = await store.subscriptions.sectors_of(chat_id)
    screen = render_unsubscribed(
        sectors, item, switched.changed, all_was_on=switched.all_was_on, followed=followed
    )
    await telegram.answer(message, screen)


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
    switched = await store.subscriptions.switch(
        chat_id, callback.from_user.id, locale, sector_id, callback_data.on, [s.id for s in sectors]
    )
    name = subscription_label(sectors, sector_id)
    await callback.answer(render_subscribed_alert(switched.on, name))
    if callback_data.card:
        await telegram.edit(callback, await screens.sector_screen(store, locale, sector_id, chat_id))
        return
    followed = await store.subscriptions.sectors_of(chat_id)
    await telegram.edit_markup(callback, toggle_keyboard(sectors, followed))


async def follow_offer(
    callback: CallbackQuery, callback_data: FollowOfferCb, store: Store, locale: str
) -> None:
    """ "🔔 Follow" under a first card: subscribe, and take the offer's button away."""
    sectors = await store.sectors.all(locale)
    item = callback_data.item
    if item != FIGURES and item not in {s.id for s in sectors}:
        await callback.answer()
        return
    user_id = callback.from_user.id
    await store.subscriptions.switch(user_id, user_id, locale, item, True, [s.id for s in sectors])
    await callback.answer(render_subscribed_alert(True, subscription_label(sectors, item)))
    message = callback.message
    if isinstance(message, Message) and message.reply_markup is not None:
        offer = FollowOfferCb(item=item).pack()
        kept = [
            row for row in message.reply_markup.inline_keyboard if all(b.callback_data != offer for b in row)
        ]
        await telegram.edit_markup(callback, InlineKeyboardMarkup(inline_keyboard=kept))


async def manage(callback: CallbackQuery, store: Store, locale: str, event_chat: Chat | None = None) -> None:
    """ "⚙️ My subscriptions" under a delivered fact."""
    if event_chat is not None and event_chat.type == "channel":
        # Not in the channel for all its readers to see: channels are managed in private.
        await callback.answer(render_channels_in_private().text, show_alert=True)
        return
    await callback.answer()
    chat_id = telegram.chat_id_of(event_chat, callback.from_user)
    sectors = await store.sectors.all(locale)
    screen: Rendered = render_toggles(sectors, await store.subscriptions.sectors_of(chat_id))
    if isinstance(callback.message, Message):
        await telegram.answer(callback.message, screen)


def register(router: Router) -> None:
    changes = Command("subscribe", "unsubscribe")
    router.message.register(subscribe, Command("subscribe"), ChatAdmin())
    router.message.register(unsubscribe, Command("unsubscribe"), ChatAdmin())
    router.message.register(refuse_message, changes)  # a member who is not an administrator
    router.message.register(subscriptions, Command("subscriptions"))
    router.callback_query.register(toggle, SubscribeCb.filter(), ChatAdmin())
    router.callback_query.register(manage, ManageSubscriptionsCb.filter(), ChatAdmin())
    router.callback_query.register(
        refuse_callback, or_f(SubscribeCb.filter(), ManageSubscriptionsCb.filter())
    )
    router.callback_query.register(follow_offer, FollowOfferCb.filter())
