"""The editors' commands (ADMIN_IDS): /publish (bot/handlers/publish.py), the edit and
withdraw buttons on its summary (bot/handlers/editor.py) and /stats; anyone else gets a polite
refusal, and the attempt is logged."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import EditorCb, PublishCb
from bot.handlers import editor, publish, telegram
from bot.handlers.filters import IsAdmin
from bot.store import Store
from bot.views.admin import render_refusal, render_stats
from bot.views.common import Rendered
from bot.views.stats import render_insights

__all__ = ["IsAdmin", "register", "register_refusals"]

log = logging.getLogger(__name__)


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
    insights = render_insights(
        await store.insights.chat_kinds(),
        await store.insights.last_runs(),
        await store.insights.top_unsure(),
        locale,
    )
    await telegram.answer(message, Rendered(f"{screen.text}\n\n{insights}"))


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


def register(router: Router) -> None:
    """The editors' handlers, on a router that passes only editors' updates (see
    bot/handlers/__init__.py): /stats, /publish's guided flow, the edit and withdraw buttons."""
    router.message.register(stats, Command("stats"))
    publish.register(router)
    editor.register(router)


def register_refusals(router: Router) -> None:
    """Everyone else: a polite refusal, nothing stored or sent, and a line in the log."""
    # An editor's stale button passes on to the fallback ("outdated"), not to a refusal.
    others = ~IsAdmin()
    router.message.register(refuse, Command("publish", "stats"), others)
    router.callback_query.register(refuse_button, PublishCb.filter(), others)
    router.callback_query.register(refuse_button, EditorCb.filter(), others)
