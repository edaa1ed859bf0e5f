"""/publish for the editors (ADMIN_IDS): the one-line form and the guided flow both end in the
preview, exactly as subscribers will see it, and publish only on "✅ Publish"; a second tap
publishes nothing. The flow's state is in the database (bot/fsm.py): a restart loses no draft."""

from __future__ import annotations

import datetime as dt
import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot import publishing
from bot.callbacks import PublishAction, PublishCb
from bot.delivery import DeliveryWorker
from bot.domain.models import ALL_SECTORS, Sector
from bot.handlers import telegram
from bot.handlers.filters import TEXT, IsAdmin
from bot.store import Store
from bot.views.admin import (
    render_already_published,
    render_ask_source,
    render_ask_text,
    render_bad_source,
    render_cancelled,
    render_choose_sector,
    render_confirm,
    render_publish_usage,
    render_text_too_long,
)
from bot.views.common import Rendered
from bot.views.facts import render_fact


class Publishing(StatesGroup):
    sector = State()
    text = State()
    source = State()
    confirm = State()


# The last word of a one-line /publish taken as its source link: an address with a scheme, or
# what looks like one without ("zakon.kz/news", refused then with the reason).
_URL_LIKE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://\S*|www\.\S*|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$", re.IGNORECASE
)


class _Progress:
    """The admin's progress message: sent under the confirmation, then edited in place."""

    def __init__(self, message: Message) -> None:
        self._message = message
        self.chat_id, self.message_id = message.chat.id, message.message_id

    async def edit(self, screen: Rendered) -> None:
        await telegram.edit_message(self._message, screen.text, screen.markup)


def _progress_sender(message: Message) -> publishing.ProgressSender:
    async def send(screen: Rendered) -> publishing.ProgressMessage:
        return _Progress(await message.answer(screen.text, reply_markup=screen.markup))

    return send


async def _preview(
    message: Message, store: Store, state: FSMContext, locale: str, sector_id: str, text: str, source_url: str
) -> None:
    """The fact exactly as subscribers will see it, then "Send it to N chats now?"."""
    sector: Sector | None = None if sector_id == ALL_SECTORS else await store.sectors.get(sector_id, locale)
    await state.set_state(Publishing.confirm)
    await state.set_data({"sector_id": sector_id, "text": text, "source_url": source_url})
    today = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    preview = render_fact(
        sector=sector,
        created_at=today,
        text=text,
        text_locale=locale,
        reader_locale=locale,
        source_url=source_url,
    )
    await telegram.answer(message, preview)
    await telegram.answer(message, render_confirm(await store.facts.count_recipients(sector_id)))


async def publish_command(
    message: Message, command: CommandObject, store: Store, locale: str, state: FSMContext
) -> None:
    if not command.args:
        await state.set_state(Publishing.sector)
        await state.set_data({})
        await telegram.answer(message, render_choose_sector(await store.sectors.all(locale)))
        return
    word, *rest = command.args.strip().split(maxsplit=1)
    body = rest[0].strip() if rest else ""
    source = ""
    if body and _URL_LIKE.match(body.split()[-1]):  # the source link ends the line
        source = body.split()[-1]
        body = body[: body.rstrip().rfind(source)].rstrip()
    target = await publishing.resolve_sector(store, word, locale)
    try:
        if target is None:
            raise publishing.PublishError("sector", f"unknown sector '{word}'")
        text = publishing.check_text(body)
    except publishing.PublishError as error:
        screen = (
            render_text_too_long(error.length)
            if error.length is not None
            else render_publish_usage(await store.sectors.all(locale))
        )
        await telegram.answer(message, screen)
        return
    try:
        source_url = publishing.check_source_url(source)
    except publishing.PublishError:
        await telegram.answer(message, render_bad_source(source or None))
        return
    await _preview(message, store, state, locale, target.sector_id, text, source_url)


async def choose_sector(
    callback: CallbackQuery, callback_data: PublishCb, store: Store, locale: str, state: FSMContext
) -> None:
    target = await publishing.resolve_sector(store, callback_data.sector_id, locale)
    await callback.answer()
    if target is None:
        await telegram.edit(callback, render_choose_sector(await store.sectors.all(locale)))
        return
    await state.update_data(sector_id=target.sector_id)
    await state.set_state(Publishing.text)
    await telegram.edit(callback, render_ask_text(target.sector))


async def _sector_of(store: Store, state: FSMContext, locale: str) -> tuple[str, Sector | None]:
    data = await state.get_data()
    target = await publishing.resolve_sector(store, str(data.get("sector_id", ALL_SECTORS)), locale)
    return (target.sector_id, target.sector) if target else (ALL_SECTORS, None)


async def receive_text(message: Message, store: Store, locale: str, state: FSMContext) -> None:
    _, sector = await _sector_of(store, state, locale)
    try:
        if (message.text or "").lstrip().startswith("/"):
            raise publishing.PublishError("text", "a command, not a text")
        text = publishing.check_text(message.text or "")
    except publishing.PublishError as error:
        screen = render_ask_text(sector) if error.length is None else render_text_too_long(error.length)
        await telegram.answer(message, screen)
        return
    await state.update_data(text=text)
    await state.set_state(Publishing.source)
    await telegram.answer(message, render_ask_source())


async def receive_source(message: Message, store: Store, locale: str, state: FSMContext) -> None:
    source = (message.text or "").strip()
    try:
        source_url = publishing.check_source_url(source)
    except publishing.PublishError:
        await telegram.answer(message, render_bad_source(source or None))
        return
    sector_id, _ = await _sector_of(store, state, locale)
    text = str((await state.get_data()).get("text", ""))
    await _preview(message, store, state, locale, sector_id, text, source_url)


async def confirm(
    callback: CallbackQuery,
    store: Store,
    locale: str,
    state: FSMContext,
    delivery: DeliveryWorker | None = None,
) -> None:
    preview = callback.message
    if not isinstance(preview, Message):  # too old to edit: start again
        await state.clear()
        await callback.answer()
        await telegram.edit(callback, render_cancelled())
        return
    # The confirmation message names the fact it publishes: a second tap, now or after a
    # restart, finds it taken in the same transaction that would store it again.
    key = f"{preview.chat.id}:{preview.message_id}"
    data = await state.get_data()
    if not {"text", "source_url", "sector_id"} <= set(data):
        if await store.facts.published_by(key) is not None:
            await callback.answer(render_already_published().text)
        else:
            await callback.answer()
            await telegram.edit(callback, render_cancelled())
        return
    try:
        await publishing.publish(
            store,
            sector_id=str(data["sector_id"]),
            texts={locale: str(data["text"])},
            original=locale,
            author_id=callback.from_user.id,
            source_url=str(data["source_url"]),
            key=key,
            worker=delivery,
            progress=_progress_sender(preview),
        )
    except publishing.AlreadyPublished:
        await callback.answer(render_already_published().text)
        return
    except publishing.PublishError:  # the sector went away with a data load since the preview
        await state.clear()
        await callback.answer()
        await telegram.edit(callback, render_cancelled())
        return
    await state.clear()
    await callback.answer()
    await telegram.edit_markup(callback, None)


async def cancel(event: Message | CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        await telegram.edit(event, render_cancelled())
    else:
        await telegram.answer(event, render_cancelled())


def register(router: Router) -> None:
    admin = IsAdmin()
    router.message.register(cancel, admin, Command("cancel"), StateFilter(Publishing))
    router.message.register(publish_command, admin, Command("publish"))
    router.message.register(receive_text, admin, StateFilter(Publishing.text), TEXT)
    router.message.register(receive_source, admin, StateFilter(Publishing.source), TEXT)
    router.callback_query.register(cancel, admin, PublishCb.filter(F.action == PublishAction.CANCEL))
    router.callback_query.register(
        choose_sector,
        admin,
        StateFilter(Publishing.sector),
        PublishCb.filter(F.action == PublishAction.SECTOR),
    )
    # In any state: a second tap on "✅ Publish" finds its fact published.
    router.callback_query.register(confirm, admin, PublishCb.filter(F.action == PublishAction.CONFIRM))
