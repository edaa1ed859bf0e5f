"""Unhandled errors: the traceback goes to the log, the reader gets a polite message."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.views.menu import render_error

log = logging.getLogger(__name__)


async def on_blocked(event: ErrorEvent) -> None:
    """The user blocked the bot: nothing to tell them, nothing broken on our side."""
    log.info("update %s: the user has blocked the bot", event.update.update_id)


async def on_error(event: ErrorEvent) -> None:
    update = event.update
    log.error(
        "update %s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(render_error(), show_alert=True)
        elif update.message is not None:
            await update.message.answer(render_error())
    except Exception:  # the reply itself may be what failed; the log already has the story
        log.warning("could not tell the user about the failure of update %s", update.update_id)


def register(router: Router) -> None:
    router.error.register(on_blocked, ExceptionTypeFilter(TelegramForbiddenError))
    router.error.register(on_error)
