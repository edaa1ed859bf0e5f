"""The editor's way back: "✏️ Edit" and "🗑 Withdraw" on the summary of a published fact.

An edit asks for the new text, previews it and, on "✅ Save", edits the message in every chat
that got the fact; a withdrawal asks once more, then deletes it everywhere Telegram still
allows (48 hours). Both go through the outbox (bot/delivery/changes.py); the summary message
shows how far they got."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot import publishing
from bot.callbacks import EditorAction, EditorCb
from bot.delivery import DeliveryWorker
from bot.domain.models import ALL_SECTORS
from bot.handlers import telegram
from bot.handlers.filters import TEXT, IsAdmin
from bot.store import Store
from bot.views.admin import render_text_too_long
from bot.views.editor import (
    render_ask_new_text,
    render_confirm_edit,
    render_edit_cancelled,
    render_editing,
    render_gone,
    summary_markup,
    withdraw_markup,
)
from bot.views.facts import render_fact


class Editing(StatesGroup):
    text = State()
    confirm = State()


async def start_edit(
    callback: CallbackQuery, callback_data: EditorCb, store: Store, state: FSMContext
) -> None:
    content = await store.facts.content(callback_data.fact_id, "")
    if content is None or content.withdrawn:
        await callback.answer(render_gone(callback_data.fact_id).text, show_alert=True)
        return
    await state.set_state(Editing.text)
    await state.set_data({"fact_id": callback_data.fact_id})
    await callback.answer()
    if isinstance(callback.message, Message):
        await telegram.answer(callback.message, render_ask_new_text(callback_data.fact_id))


async def receive_new_text(message: Message, store: Store, locale: str, state: FSMContext) -> None:
    fact_id = int((await state.get_data()).get("fact_id", 0))
    try:
        if (message.text or "").lstrip().startswith("/"):
            raise publishing.PublishError("text", "a command, not a text")
        text = publishing.check_text(message.text or "")
    except publishing.PublishError as error:
        screen = render_ask_new_text(fact_id) if error.length is None else render_text_too_long(error.length)
        await telegram.answer(message, screen)
        return
    content = await store.facts.content(fact_id, locale)
    if content is None or content.withdrawn:
        await state.clear()
        await telegram.answer(message, render_gone(fact_id))
        return
    await state.set_state(Editing.confirm)
    await state.set_data({"fact_id": fact_id, "text": text})
    sector = None if content.sector_id == ALL_SECTORS else await store.sectors.get(content.sector_id, locale)
    preview = render_fact(
        sector=sector,
        created_at=content.created_at,
        text=text,
        text_locale=locale,
        reader_locale=locale,
        source_url=content.source_url,
    )
    await telegram.answer(message, preview)
    await telegram.answer(message, render_confirm_edit(fact_id, await store.facts.delivered_chats(fact_id)))


async def save_edit(
    callback: CallbackQuery,
    callback_data: EditorCb,
    store: Store,
    locale: str,
    state: FSMContext,
    delivery: DeliveryWorker | None = None,
) -> None:
    data = await state.get_data()
    if data.get("fact_id") != callback_data.fact_id or "text" not in data:
        await callback.answer()  # saved already (a double tap) or cancelled
        await telegram.edit_markup(callback, None)
        return
    await state.clear()
    try:
        chats = await publishing.edit(
            store, callback_data.fact_id, locale=locale, text=str(data["text"]), worker=delivery
        )
    except LookupError:
        await callback.answer(render_gone(callback_data.fact_id).text, show_alert=True)
        return
    await callback.answer()
    await telegram.edit(callback, render_editing(callback_data.fact_id, chats))


async def ask_withdraw(callback: CallbackQuery, callback_data: EditorCb) -> None:
    await callback.answer()
    await telegram.edit_markup(callback, withdraw_markup(callback_data.fact_id))


async def back(callback: CallbackQuery, callback_data: EditorCb) -> None:
    await callback.answer()
    await telegram.edit_markup(callback, summary_markup(callback_data.fact_id))


async def withdraw(
    callback: CallbackQuery, callback_data: EditorCb, store: Store, delivery: DeliveryWorker | None = None
) -> None:
    try:
        await publishing.withdraw(store, callback_data.fact_id)
    except LookupError:
        await callback.answer(render_gone(callback_data.fact_id).text, show_alert=True)
        await telegram.edit_markup(callback, None)
        return
    await callback.answer()
    if delivery is not None:
        delivery.watch(callback_data.fact_id)  # the worker shows the withdrawal on the summary
    else:
        await telegram.edit(callback, await publishing.summary_screen(store, callback_data.fact_id))


async def cancel(event: Message | CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        await telegram.edit(event, render_edit_cancelled())
    else:
        await telegram.answer(event, render_edit_cancelled())


def register(router: Router) -> None:
    admin = IsAdmin()
    router.message.register(cancel, admin, Command("cancel"), StateFilter(Editing))
    router.message.register(receive_new_text, admin, StateFilter(Editing.text), TEXT)

    def on(action: EditorAction) -> CallbackQueryFilter:
        return EditorCb.filter(F.action == action)

    router.callback_query.register(start_edit, admin, on(EditorAction.EDIT))
    router.callback_query.register(save_edit, admin, on(EditorAction.SAVE))
    router.callback_query.register(ask_withdraw, admin, on(EditorAction.WITHDRAW))
    router.callback_query.register(back, admin, on(EditorAction.BACK))
    router.callback_query.register(withdraw, admin, on(EditorAction.WITHDRAW_OK))
    router.callback_query.register(cancel, admin, on(EditorAction.CANCEL))
