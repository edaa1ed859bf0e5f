"""/publish (direct or guided) and /stats, for the user ids in ADMIN_IDS only."""

from __future__ import annotations

import datetime as dt
import logging

from aiogram import F, Router
from aiogram.filters import BaseFilter, Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot import publishing
from bot.callbacks import PublishAction, PublishCb
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.domain.models import ALL_SECTORS
from bot.handlers import telegram
from bot.store import Store
from bot.views.admin import (
    render_already_published,
    render_ask_text,
    render_cancelled,
    render_choose_sector,
    render_confirm,
    render_publish_usage,
    render_refusal,
    render_stats,
    render_text_too_long,
)
from bot.views.facts import render_fact

log = logging.getLogger(__name__)


class IsAdmin(BaseFilter):
    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


_PUBLISHED_FROM = "published_from"  # FSM data: the confirmation message that published


class Publishing(StatesGroup):
    sector = State()
    text = State()
    confirm = State()


def _progress_sender(message: Message) -> publishing.ProgressSender:
    """The admin's progress message: sent under their command, then edited in place."""

    async def send(text: str) -> publishing.ProgressMessage:
        return _Progress(await message.answer(text))

    return send


class _Progress:
    def __init__(self, message: Message) -> None:
        self._message = message
        self.chat_id, self.message_id = message.chat.id, message.message_id

    async def edit(self, text: str) -> None:
        await telegram.edit_message(self._message, text)


async def _publish(
    message: Message,
    store: Store,
    delivery: DeliveryWorker | None,
    *,
    sector_id: str,
    text: str,
    locale: str,
    author_id: int,
) -> None:
    await publishing.publish(
        store,
        sector_id=sector_id,
        texts={locale: text},
        original=locale,
        author_id=author_id,
        worker=delivery,
        progress=_progress_sender(message),
    )


async def publish_command(
    message: Message,
    command: CommandObject,
    store: Store,
    locale: str,
    state: FSMContext,
    delivery: DeliveryWorker | None = None,
) -> None:
    if not command.args:
        await state.set_state(Publishing.sector)
        await telegram.answer(message, render_choose_sector(await store.sectors.all(locale)))
        return
    word, *rest = command.args.strip().split(maxsplit=1)
    target = await publishing.resolve_sector(store, word, locale)
    try:
        if target is None:
            raise publishing.PublishError("sector", f"unknown sector '{word}'")
        text = publishing.check_text(rest[0] if rest else "")
    except publishing.PublishError as error:
        screen = (
            render_text_too_long(error.length)
            if error.length is not None
            else render_publish_usage(await store.sectors.all(locale))
        )
        await telegram.answer(message, screen)
        return
    assert message.from_user is not None  # IsAdmin saw the user
    await _publish(
        message,
        store,
        delivery,
        sector_id=target.sector_id,
        text=text,
        locale=locale,
        author_id=message.from_user.id,
    )


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


async def receive_text(message: Message, store: Store, locale: str, state: FSMContext) -> None:
    data = await state.get_data()
    target = await publishing.resolve_sector(store, str(data.get("sector_id", ALL_SECTORS)), locale)
    sector_id, sector = (target.sector_id, target.sector) if target else (ALL_SECTORS, None)
    try:
        if (message.text or "").lstrip().startswith("/"):
            raise publishing.PublishError("text", "a command, not a text")
        text = publishing.check_text(message.text or "")
    except publishing.PublishError as error:
        screen = render_ask_text(sector) if error.length is None else render_text_too_long(error.length)
        await telegram.answer(message, screen)
        return
    await state.update_data(text=text)
    await state.set_state(Publishing.confirm)
    preview = render_fact(
        sector=sector,
        created_at=_today(),
        text=text,
        text_locale=locale,
        reader_locale=locale,
    )
    await telegram.answer(message, preview)
    recipients = await store.facts.count_recipients(sector_id)
    await telegram.answer(message, render_confirm(recipients))


def _today() -> str:
    return dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def confirm(
    callback: CallbackQuery,
    store: Store,
    locale: str,
    state: FSMContext,
    delivery: DeliveryWorker | None = None,
) -> None:
    data = await state.get_data()
    preview = callback.message
    if "text" not in data or not isinstance(preview, Message):
        if preview is not None and data.get(_PUBLISHED_FROM) == preview.message_id:
            # A double tap (both taps saw the confirm state) or the button pressed again.
            await callback.answer(render_already_published().text)
            return
        if "text" in data:  # the preview can't be edited any more: drop the flow
            await state.clear()
        await callback.answer()
        await telegram.edit(callback, render_cancelled())
        return
    # Cleared before the first await that could let a second tap in, and noted: which
    # confirmation published.
    await state.set_state(None)
    await state.set_data({_PUBLISHED_FROM: preview.message_id})
    await callback.answer()
    await telegram.edit_markup(callback, None)
    await _publish(
        preview,
        store,
        delivery,
        sector_id=str(data["sector_id"]),
        text=str(data["text"]),
        locale=locale,
        author_id=callback.from_user.id,
    )


async def cancel(event: Message | CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        await telegram.edit(event, render_cancelled())
    else:
        await telegram.answer(event, render_cancelled())


async def stats(message: Message, store: Store, locale: str) -> None:
    by_sector, by_locale = await store.subscriptions.stats()
    screen = render_stats(
        await store.sectors.all(locale),
        by_sector,
        by_locale,
        await store.outbox.counts(),
        await store.outbox.failure_reasons(),
        locale,
    )
    await telegram.answer(message, screen)


async def refuse(message: Message) -> None:
    user = message.from_user
    log.warning(
        "refused %s from non-admin user %s",
        (message.text or "").split(maxsplit=1)[0][:32],
        user.id if user else None,
    )
    await telegram.answer(message, render_refusal())


async def refuse_button(callback: CallbackQuery) -> None:
    log.warning("refused a publishing button from non-admin user %s", callback.from_user.id)
    await callback.answer(render_refusal().text, show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    admin = IsAdmin()
    router.message.register(cancel, admin, Command("cancel"), StateFilter(Publishing))
    router.message.register(publish_command, admin, Command("publish"))
    router.message.register(stats, admin, Command("stats"))
    router.message.register(receive_text, admin, Publishing.text, F.text)
    router.callback_query.register(cancel, admin, PublishCb.filter(F.action == PublishAction.CANCEL))
    router.callback_query.register(
        choose_sector, admin, Publishing.sector, PublishCb.filter(F.action == PublishAction.SECTOR)
    )
    # In any state: a second tap on "✅ Publish" finds the state cleared by the first.
    router.callback_query.register(confirm, admin, PublishCb.filter(F.action == PublishAction.CONFIRM))
    # Everyone else: a polite refusal, nothing stored or sent, and a line in the log.
    router.message.register(refuse, Command("publish", "stats"))
    router.callback_query.register(refuse_button, PublishCb.filter(), ~admin)
    return router
