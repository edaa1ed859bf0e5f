"""Updates Telegram itself never sends: text with lone surrogates (not valid Unicode), user or
chat ids past Telegram's 52 bits, an update type this aiogram doesn't know. They come from a
forged webhook request or a broken Bot API server; each is ignored with one INFO line
(a button press still gets its spinner stopped) instead of failing somewhere deep inside a
handler with a traceback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import AiogramError
from aiogram.types import Chat, TelegramObject, Update, User
from aiogram.types.update import UpdateTypeLookupError
from pydantic import BaseModel

from bot.domain.limits import TELEGRAM_ID_LIMIT

log = logging.getLogger(__name__)


def known_type(update: Update) -> str | None:
    """The update's type ("message", "callback_query", …), or None for one aiogram can't read."""
    try:
        return update.event_type
    except UpdateTypeLookupError:
        return None


def forgery(update: Update, data: dict[str, Any]) -> str | None:
    """Why Telegram could not have sent ``update``, or None."""
    if known_type(update) is None:
        return "an update of a type this bot does not know"
    user: User | None = data.get("event_from_user")
    chat: Chat | None = data.get("event_chat")
    for known in (user, chat):
        if known is not None and not -TELEGRAM_ID_LIMIT < known.id < TELEGRAM_ID_LIMIT:
            return "an id past Telegram's 52 bits"
    if has_lone_surrogate(update):
        return "text that is not valid Unicode"
    return None


def has_lone_surrogate(value: object) -> bool:
    """Whether any string in ``value`` (a model, its lists and dicts) fails UTF-8 encoding, as a
    lone surrogate does: a walk over the fields set, cheaper than a JSON dump of the update."""
    if isinstance(value, str):
        if value.isascii():
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, BaseModel):  # the fields Telegram sent (the rest are defaults)
        fields = value.__dict__
        extra = value.__pydantic_extra__ or {}
        return any(
            has_lone_surrogate(fields[name] if name in fields else extra.get(name))
            for name in value.__pydantic_fields_set__
        )
    if isinstance(value, list | tuple):
        return any(has_lone_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(key) or has_lone_surrogate(item) for key, item in value.items())
    return False


class ForgedUpdateMiddleware(BaseMiddleware):
    """An outer middleware on ``dispatcher.update``, before the locale and the handlers."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or (why := forgery(event, data)) is None:
            return await handler(event, data)
        log.info("update %s ignored: %s", event.update_id, why)
        query = event.callback_query
        if query is not None and query.id.isascii():
            # Stop the button's spinner; say nothing, since nothing here can be trusted.
            with contextlib.suppress(AiogramError, OSError, TimeoutError):
                await query.answer()
        return UNHANDLED
