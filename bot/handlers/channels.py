"""/channel: connecting a channel, in a private chat with the bot.

A bot admin (ADMIN_IDS) or the channel's own administrator sends ``/channel add @name`` or
forwards a post from the channel; the bot must be an administrator there (asked with
getChatMember of the bot itself). Then they tick the sectors the channel follows, and the
channel gets those sectors' facts through the outbox like any subscriber.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ChatFullInfo, Message, MessageOriginChannel, User

from bot.callbacks import ChannelCb
from bot.config import Settings
from bot.domain.chats import ConnectedChannel
from bot.domain.models import ALL_SECTORS
from bot.handlers import telegram
from bot.handlers.admins import ChatAdmins
from bot.handlers.filters import PRIVATE, Magic
from bot.store import Store
from bot.views.common import Rendered
from bot.views.groups import (
    channel_keyboard,
    render_admins_only,
    render_bot_not_admin,
    render_channel,
    render_channel_not_found,
    render_channel_removed,
    render_channel_usage,
    render_channels,
    render_channels_in_private,
    render_not_channel_admin,
)
from bot.views.subscriptions import render_subscribed_alert, subscription_label

log = logging.getLogger(__name__)


async def _find(bot: Bot, name: str) -> ChatFullInfo | None:
    """The channel called ``@name`` (or by its numeric id), or None."""
    ref: int | str = int(name) if name.lstrip("-").isdigit() else "@" + name.lstrip("@")
    try:
        chat = await bot.get_chat(ref)
    except TelegramAPIError as exc:
        log.info("getChat failed: %s", type(exc).__name__)
        return None
    return chat if chat.type == ChatType.CHANNEL else None


async def may_manage(
    bot: Bot, chat_admins: ChatAdmins, settings: Settings, chat_id: int, user: User, *, fresh: bool = False
) -> bool:
    return user.id in settings.admin_ids or await chat_admins.is_admin(bot, chat_id, user.id, fresh=fresh)


async def _bot_can_post(bot: Bot, chat_id: int) -> bool:
    me = await bot.me()
    try:
        member = await bot.get_chat_member(chat_id, me.id)
    except TelegramAPIError as exc:
        log.info("getChatMember of the bot failed: %s", type(exc).__name__)
        return False
    if member.status == ChatMemberStatus.CREATOR:
        return True
    return (
        member.status == ChatMemberStatus.ADMINISTRATOR
        and getattr(member, "can_post_messages", True) is not False
    )


async def connect(
    message: Message,
    chat: ChatFullInfo,
    bot: Bot,
    store: Store,
    settings: Settings,
    chat_admins: ChatAdmins,
    locale: str,
) -> None:
    """Connect ``chat`` for the sender, if both the bot and the sender may."""
    title = chat.title or chat.username or str(chat.id)
    user = message.from_user
    if user is None:
        return
    if not await _bot_can_post(bot, chat.id):
        await telegram.answer(message, render_bot_not_admin(title))
        return
    if not await may_manage(bot, chat_admins, settings, chat.id, user, fresh=True):
        await telegram.answer(message, render_not_channel_admin(title))
        return
    await store.chats.connect_channel(chat.id, title, user.id, locale)
    log.info("channel %s connected by user %s", chat.id, user.id)
    channel = await store.chats.channel(chat.id)
    if channel is not None:
        await telegram.answer(message, render_channel(channel, await store.sectors.all(locale)))


async def channel_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    store: Store,
    settings: Settings,
    chat_admins: ChatAdmins,
    locale: str,
) -> None:
    words = (command.args or "").split()
    user = message.from_user
    if not words or user is None:
        mine = None if user is None or user.id in settings.admin_ids else user.id
        listed = await store.chats.channels_of(mine) if user is not None else []
        await telegram.answer(message, render_channels(listed, await store.sectors.all(locale)))
        return
    action, name = words[0].lower(), " ".join(words[1:])
    if action not in ("add", "remove") or not name:
        await telegram.answer(message, Rendered(render_channel_usage()))
        return
    chat = await _find(bot, name)
    if chat is None:
        await telegram.answer(message, render_channel_not_found(name))
        return
    if action == "add":
        await connect(message, chat, bot, store, settings, chat_admins, locale)
        return
    title = chat.title or name
    if not await may_manage(bot, chat_admins, settings, chat.id, user):
        await telegram.answer(message, render_not_channel_admin(title))
        return
    await store.subscriptions.unsubscribe(chat.id)
    await store.chats.disconnect(chat.id)
    await telegram.answer(message, render_channel_removed(title))


async def forwarded(
    message: Message, bot: Bot, store: Store, settings: Settings, chat_admins: ChatAdmins, locale: str
) -> None:
    """A post forwarded from a channel: connect that channel."""
    origin = message.forward_origin
    if not isinstance(origin, MessageOriginChannel):
        return
    chat = await _find(bot, str(origin.chat.id))
    if chat is None:
        await telegram.answer(message, render_channel_not_found(origin.chat.title or str(origin.chat.id)))
        return
    await connect(message, chat, bot, store, settings, chat_admins, locale)


async def toggle(
    callback: CallbackQuery,
    callback_data: ChannelCb,
    bot: Bot,
    store: Store,
    settings: Settings,
    chat_admins: ChatAdmins,
    locale: str,
) -> None:
    """A sector toggle for a channel ("" opens the channel's toggles)."""
    channel = await store.chats.channel(callback_data.chat_id)
    if channel is None or not await may_manage(
        bot, chat_admins, settings, channel.chat_id, callback.from_user
    ):
        await callback.answer(render_admins_only(), show_alert=True)
        return
    sectors = await store.sectors.all(locale)
    item = callback_data.sector_id
    if not item:
        await callback.answer()
        if isinstance(callback.message, Message):
            await telegram.answer(callback.message, render_channel(channel, sectors))
        return
    if item != ALL_SECTORS and item not in {s.id for s in sectors}:
        await callback.answer()
        return
    channel_locale = await store.chats.locale(channel.chat_id) or locale
    switched = await store.subscriptions.switch(
        channel.chat_id, callback.from_user.id, channel_locale, item, None, [s.id for s in sectors]
    )
    await callback.answer(render_subscribed_alert(switched.on, subscription_label(sectors, item)))
    now = await store.chats.channel(channel.chat_id)
    shown: ConnectedChannel = now or channel
    await telegram.edit_markup(callback, channel_keyboard(shown, sectors))


async def not_here(message: Message) -> None:
    await telegram.answer(message, render_channels_in_private())


def register(router: Router) -> None:
    router.message.register(channel_command, Command("channel"), PRIVATE)
    router.message.register(not_here, Command("channel"))
    router.message.register(forwarded, PRIVATE, Magic(F.forward_origin.type == "channel"))
    router.callback_query.register(toggle, ChannelCb.filter())
