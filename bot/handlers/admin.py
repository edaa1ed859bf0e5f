"""/publish (direct or guided) and /stats, for the user ids in ADMIN_IDS only."""

from __future__ import annotations

import datetime as dt
import logging

from aiogram import F, Router
from aiogram.filters import BaseFilter, Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.callbacks import PublishAction, PublishCb
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.domain.limits import UPDATE_TEXT_LIMIT, utf16_length
from bot.domain.models import ALL_SECTORS, Sector
from bot.handlers import screens
from bot.store.repo import Store
from bot.views.admin import (
    render_already_published,
    render_ask_text,
    render_cancelled,
    render_choose_sector,
    render_confirm,
    render_progress,
    render_publish_usage,
    render_refusal,
    render_stats,
    render_text_too_long,
)
from bot.views.updates import render_update

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


async def _sector_or_none(store: Store, sector_id: str, locale: str) -> tuple[bool, Sector | None]:
    """Whether ``sector_id`` is a sector or ``'*'``, and the sector (None for all sectors)."""
    if sector_id == ALL_SECTORS:
        return True, None
    sector = await store.sectors.get(sector_id, locale)
    return sector is not None, sector


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
    published = await store.updates.publish(sector_id, {locale: text}, locale, author_id)
    log.info("update %s published to %s: %s recipients", published.update_id, sector_id, published.recipients)
    counts = await store.deliveries.counts(published.update_id)
    progress = await message.answer(render_progress(published.update_id, counts))
    await store.updates.set_progress_message(published.update_id, progress.chat.id, progress.message_id)
    if delivery is not None:
        delivery.wake()
    # The worker may have finished before it could know where the progress is shown.
    now = await store.deliveries.counts(published.update_id)
    if now != counts:
        await screens.edit_message(progress, render_progress(published.update_id, now))


async def publish_command(
    message: Message,
    command: CommandObject,
    store: Store,
    locale: str,
    state: FSMContext,
    delivery: DeliveryWorker | None = None,
) -> None:
    sectors = await store.sectors.all(locale)
    if not command.args:
        await state.set_state(Publishing.sector)
        await screens.answer(message, render_choose_sector(sectors))
        return
    target, *rest = command.args.strip().split(maxsplit=1)
    text = rest[0] if rest else ""
    sector_id = ALL_SECTORS if target.lower() in {"all", "*"} else target.lower()
    known, _sector = await _sector_or_none(store, sector_id, locale)
    if not known or not text.strip():
        await screens.answer(message, render_publish_usage(sectors))
        return
    if utf16_length(text) > UPDATE_TEXT_LIMIT:
        await screens.answer(message, render_text_too_long(utf16_length(text)))
        return
    assert message.from_user is not None  # IsAdmin saw the user
    await _publish(
        message,
        store,
        delivery,
        sector_id=sector_id,
        text=text.strip(),
        locale=locale,
        author_id=message.from_user.id,
    )


async def choose_sector(
    callback: CallbackQuery, callback_data: PublishCb, store: Store, locale: str, state: FSMContext
) -> None:
    known, sector = await _sector_or_none(store, callback_data.sector_id, locale)
    await callback.answer()
    if not known:
        await screens.edit(callback, render_choose_sector(await store.sectors.all(locale)))
        return
    await state.update_data(sector_id=callback_data.sector_id)
    await state.set_state(Publishing.text)
    await screens.edit(callback, render_ask_text(sector))


async def receive_text(message: Message, store: Store, locale: str, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        data = await state.get_data()
        _known, sector = await _sector_or_none(store, data.get("sector_id", ALL_SECTORS), locale)
        await screens.answer(message, render_ask_text(sector))
        return
    if utf16_length(text) > UPDATE_TEXT_LIMIT:
        await screens.answer(message, render_text_too_long(utf16_length(text)))
        return
    data = await state.get_data()
    sector_id = str(data.get("sector_id", ALL_SECTORS))
    _known, sector = await _sector_or_none(store, sector_id, locale)
    await state.update_data(text=text)
    await state.set_state(Publishing.confirm)
    preview = render_update(
        sector=sector,
        created_at=_today(),
        text=text,
        text_locale=locale,
        reader_locale=locale,
    )
    await screens.answer(message, preview)
    recipients = await store.updates.count_recipients(sector_id)
    await screens.answer(message, render_confirm(recipients))


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
        await screens.edit(callback, render_cancelled())
        return
    # Cleared before the first await that could let a second tap in, and noted: which
    # confirmation published.
    await state.set_state(None)
    await state.set_data({_PUBLISHED_FROM: preview.message_id})
    await callback.answer()
    await screens.edit_markup(callback, None)
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
        await screens.edit(event, render_cancelled())
    else:
        await screens.answer(event, render_cancelled())


async def stats(message: Message, store: Store, locale: str) -> None:
    by_sector, by_locale = await store.subscriptions.stats()
    screen = render_stats(
        await store.sectors.all(locale),
        by_sector,
        by_locale,
        await store.deliveries.counts(),
        await store.deliveries.failure_reasons(),
        locale,
    )
    await screens.answer(message, screen)


async def refuse(message: Message) -> None:
    user = message.from_user
    log.warning(
        "refused %s from non-admin user %s",
        (message.text or "").split(maxsplit=1)[0][:32],
        user.id if user else None,
    )
    await screens.answer(message, render_refusal())


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
