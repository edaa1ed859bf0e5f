"""Commands typed with capitals: a phone capitalises the first letter ("/Turnover"), some people
type "/SECTORS". Telegram's commands are lowercase, so the command word is lowered before the
routers see the message; its arguments and the bot's @username are left as typed."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

_COMMAND_RE = re.compile(r"^/([^\s@]+)")


def lowered_command(text: str) -> str | None:
    """``text`` with its command word in lowercase, or None when there is nothing to change."""
    match = _COMMAND_RE.match(text)
    if match is None or match.group(1) == match.group(1).lower():
        return None
    word = match.group(1).lower()
    if len(word) != len(match.group(1)):  # entity offsets must stay right
        return None
    return f"/{word}{text[match.end() :]}"


class CommandCaseMiddleware(BaseMiddleware):
    """An outer middleware on ``dispatcher.message``."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.text and (text := lowered_command(event.text)) is not None:
            event = event.model_copy(update={"text": text}).as_(event.bot)
        return await handler(event, data)
