"""/settings: how and when this chat gets its messages (instant or a digest, quiet hours,
time zone). The settings are the chat's: a group's or a channel's are shared by its members."""

from __future__ import annotations

import time

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message

from bot.callbacks import SettingsAction, SettingsCb
from bot.config import Settings
from bot.domain.schedule import DeliveryMode, default_time_zone, is_time_zone
from bot.handlers import telegram
from bot.handlers.admins import ChatAdmin, ChatAdmins, refuse_callback, refuse_message
from bot.handlers.channels import may_manage
from bot.store import Store
from bot.store.chat_settings import ChatSettings
from bot.views.common import Rendered, bold
from bot.views.groups import channel_title, render_admins_only
from bot.views.settings import (
    render_day_choice,
    render_hour_choice,
    render_quiet_end,
    render_quiet_start,
    render_settings,
    render_unknown_zone,
    render_zone_choice,
)


def _screen(settings: ChatSettings, chat_locale: str, locale: str | None = None) -> Rendered:
    """The settings screen, in ``locale`` (the reader's; default ``chat_locale``, the chat's
    language, which also gives the default time zone)."""
    schedule = settings.schedule(chat_locale)
    return render_settings(
        schedule, zone_chosen=settings.time_zone is not None, locale=locale or chat_locale, now=time.time()
    )


async def show(message: Message, command: CommandObject, store: Store, locale: str) -> None:
    chat_id = message.chat.id
    if command.args:  # /settings Asia/Tokyo: a time zone the buttons don't offer
        name = command.args.strip()
        if not is_time_zone(name):
            await telegram.answer(message, render_unknown_zone(name))
            return
        await _save(store, chat_id, locale, {"time_zone": name})
    await telegram.answer(message, _screen(await store.chat_settings.get(chat_id), locale))


async def _save(store: Store, chat_id: int, locale: str, changes: dict[str, object]) -> ChatSettings:
    """Every change of the settings goes through here."""
    # In groups only administrators get here (ChatAdmin on its handlers): the settings are the chat's.
    return await store.chat_settings.update(chat_id, locale, **changes)


def _hours(value: str) -> tuple[int, int] | None:
    start, _sep, end = value.partition("-")
    if not (start.isdigit() and end.isdigit() and 0 <= int(start) <= 23 and 0 <= int(end) <= 23):
        return None
    return int(start), int(end)


def _change(action: SettingsAction, value: str) -> dict[str, object] | None:
    """What a button changes; None when it changes nothing (or its value is forged)."""
    if action is SettingsAction.MODE and value in set(DeliveryMode):
        return {"mode": DeliveryMode(value)}
    if action is SettingsAction.HOUR and value.isdigit() and 0 <= int(value) <= 23:
        return {"hour": int(value)}
    if action is SettingsAction.DAY and value.isdigit() and 0 <= int(value) <= 6:
        return {"weekday": int(value)}
    if action is SettingsAction.QUIET:
        hours = _hours(value)
        if not value or hours is not None:
            start, end = hours or (None, None)
            return {"quiet_start": start, "quiet_end": end if start != end else None}
    if action is SettingsAction.ZONE and (not value or is_time_zone(value)):
        return {"time_zone": value or None}
    return None


async def change(
    callback: CallbackQuery,
    callback_data: SettingsCb,
    bot: Bot,
    store: Store,
    settings: Settings,
    chat_admins: ChatAdmins,
    locale: str,
    event_chat: Chat | None = None,
) -> None:
    if callback_data.chat:  # a connected channel's, from a private chat with its administrator
        channel = await store.chats.channel(callback_data.chat)
        if channel is None or not await may_manage(
            bot, chat_admins, settings, channel.chat_id, callback.from_user
        ):
            await callback.answer(render_admins_only(), show_alert=True)
            return
        chat_id, chat_locale = channel.chat_id, await store.chats.locale(channel.chat_id) or locale
        title: str | None = channel_title(channel)
    else:
        chat_id, chat_locale = telegram.chat_id_of(event_chat, callback.from_user), locale
        title = None
    await callback.answer()
    action, value = callback_data.action, callback_data.value
    chosen = await store.chat_settings.get(chat_id)
    schedule = chosen.schedule(chat_locale)
    if action is SettingsAction.PICK_HOUR:
        screen = render_hour_choice(schedule, locale)
    elif action is SettingsAction.PICK_DAY:
        screen = render_day_choice(schedule, locale)
    elif action is SettingsAction.PICK_QUIET:
        screen = render_quiet_start(schedule, locale)
    elif action is SettingsAction.QUIET_FROM and value.isdigit() and 0 <= int(value) <= 23:
        screen = render_quiet_end(int(value), locale)
    elif action is SettingsAction.PICK_ZONE:
        screen = render_zone_choice(schedule, language_zone=default_time_zone(chat_locale), now=time.time())
    else:
        changes = _change(action, value)
        if changes is not None:
            chosen = await _save(store, chat_id, chat_locale, changes)
        screen = _screen(chosen, chat_locale, locale)
    if title is not None:
        screen = _buttons_for(_for_channel(screen, title), chat_id)
    await telegram.edit(callback, screen)


def _for_channel(screen: Rendered, title: str) -> Rendered:
    return Rendered(f"📣 {bold(title)}\n\n{screen.text}", screen.markup)


def _buttons_for(screen: Rendered, chat_id: int) -> Rendered:
    """The same screen whose settings buttons act on ``chat_id`` (a channel), not this chat."""
    if screen.markup is None:
        return screen
    prefix = SettingsCb.__prefix__ + ":"
    layout = [
        [
            b.model_copy(
                update={
                    "callback_data": SettingsCb.unpack(b.callback_data)
                    .model_copy(update={"chat": chat_id})
                    .pack()
                }
            )
            if b.callback_data and b.callback_data.startswith(prefix)
            else b
            for b in row
        ]
        for row in screen.markup.inline_keyboard
    ]
    return Rendered(screen.text, InlineKeyboardMarkup(inline_keyboard=layout))


def register(router: Router) -> None:
    router.message.register(show, Command("settings"), ChatAdmin())
    router.message.register(refuse_message, Command("settings"))  # not a group administrator
    router.callback_query.register(change, SettingsCb.filter(), ChatAdmin())
    router.callback_query.register(refuse_callback, SettingsCb.filter())
