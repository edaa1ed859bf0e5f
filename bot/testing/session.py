"""The bot without Telegram: a Bot API session that answers every call locally, the way
Telegram would, and records it.

``python -m bot chat`` and the tests both use it (with :class:`bot.testing.client.BotClient`),
so what a developer tries in the terminal is exactly what the tests check.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncGenerator
from contextvars import ContextVar
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import EditMessageText, GetChat, GetChatMember, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.testing.limits import png_size
from bot.testing.members import NO_GIFTS, chat_member

BOT_ID = 42
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "BK Trade", "username": "bk_trade_bot"}


_RESPONSE_MODELS: dict[Any, type[Response[Any]]] = {}


def _response_model(returning: Any) -> type[Response[Any]]:
    """``Response[returning]``, built once: pydantic keeps parametrized models only weakly and
    would otherwise rebuild the schema now and then, a few milliseconds each time."""
    model = _RESPONSE_MODELS.get(returning)
    if model is None:
        model = _RESPONSE_MODELS[returning] = Response[returning]
    return model


def _chat(chat_id: int | str | None) -> dict[str, Any]:
    """The chat a reply went to: users have positive ids, groups negative ones."""
    numeric = (
        int(chat_id)
        if isinstance(chat_id, int) or (isinstance(chat_id, str) and chat_id.lstrip("-").isdigit())
        else 0
    )
    return {"id": chat_id, "type": "private" if numeric > 0 else "group"}


#: Where each call is also recorded, with its answer, while one update is handled: the client
#: sets it around ``feed_update``, so that updates handled at once each get their own calls
#: (and a task the handler starts inherits it).
calls_for_this_update: ContextVar[list[tuple[TelegramMethod[Any], Any]] | None] = ContextVar(
    "calls_for_this_update", default=None
)


class RecordingSession(BaseSession):
    """Answers every Bot API call locally, the way Telegram would, and keeps a record of it."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []  # what was answered to each request, as Telegram's JSON
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._failures: list[tuple[str | None, TelegramAPIError]] = []
        #: getChatMember's answers, as a test sets them (:meth:`set_member`); "member" otherwise.
        self.members: dict[tuple[int, int], str] = {}
        #: getChat's answers by chat id (:meth:`add_chat`), also found by ``@username``.
        self.chats: dict[int, dict[str, Any]] = {}

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember says of ``user_id`` in ``chat_id``: ``creator``, ``administrator``,
        ``member``, ``restricted``, ``left`` or ``kicked``."""
        self.members[(chat_id, user_id)] = status

    def add_chat(self, chat_id: int, chat_type: str, title: str, username: str | None = None) -> None:
        """A chat getChat knows (by id, or by ``@username``)."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type, "title": title}
        if username:
            chat["username"] = username
        self.chats[chat_id] = chat

    def fail_next(self, error: TelegramAPIError, *, api_method: str | None = None) -> None:
        """The next call (of ``api_method``, e.g. ``"editMessageText"``) raises ``error``."""
        self._failures.append((api_method, error))

    def _failure_for(self, method: TelegramMethod[Any]) -> TelegramAPIError | None:
        for index, (api_method, error) in enumerate(self._failures):
            if api_method in (None, method.__api_method__):
                del self._failures[index]
                return error
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        update_calls = calls_for_this_update.get()
        failure = self._failure_for(method)
        if failure is not None:
            self.results.append(None)
            if update_calls is not None:
                update_calls.append((method, None))
            raise failure
        result = self._result(method)
        self.results.append(result)
        if update_calls is not None:
            update_calls.append((method, result))
        response = _response_model(method.__returning__).model_validate(
            {"ok": True, "result": result}, context={"bot": bot}
        )
        return cast(TelegramType, response.result)

    def _result(self, method: TelegramMethod[Any]) -> Any:
        now = int(dt.datetime.now(tz=dt.UTC).timestamp())
        if isinstance(method, SendMessage | EditMessageText):
            message_id = method.message_id if isinstance(method, EditMessageText) else next(self._message_ids)
            markup = method.reply_markup
            return {
                "message_id": message_id,
                "date": now,
                "chat": _chat(method.chat_id),
                "from": BOT_USER,
                "text": method.text,
                "reply_markup": markup.model_dump(mode="json", exclude_none=True) if markup else None,
            }
        if isinstance(method, SendPhoto):
            markup = method.reply_markup
            return {
                "message_id": next(self._message_ids),
                "date": now,
                "chat": _chat(method.chat_id),
                "from": BOT_USER,
                "photo": self._photo_sizes(method.photo),
                "caption": method.caption,
                "reply_markup": markup.model_dump(mode="json", exclude_none=True)
                if isinstance(markup, InlineKeyboardMarkup)
                else None,
            }
        if method.__api_method__ == "getMe":
            return BOT_USER
        if isinstance(method, GetChatMember):
            status = self.members.get((int(method.chat_id), method.user_id), "member")
            return chat_member(status, method.user_id, BOT_USER if method.user_id == BOT_ID else None)
        if isinstance(method, GetChat):
            return self._get_chat(method.chat_id)
        return True

    def _get_chat(self, chat_id: int | str) -> dict[str, Any]:
        for chat in self.chats.values():
            if chat["id"] == chat_id or (
                isinstance(chat_id, str)
                and chat.get("username", "").casefold() == chat_id.lstrip("@").casefold()
            ):
                return {
                    **chat,
                    "accent_color_id": 0,
                    "max_reaction_count": 11,
                    "accepted_gift_types": NO_GIFTS,
                }
        raise TelegramBadRequest(method=GetChat(chat_id=chat_id), message="Bad Request: chat not found")

    def _photo_sizes(self, photo: Any) -> list[dict[str, Any]]:
        """Telegram's answer to a photo: a thumbnail and the full size, each with a file_id.

        An upload gets new file_ids (``photo-1``); a file_id sent again comes back as it was.
        """
        if isinstance(photo, str):
            return [{"file_id": photo, "file_unique_id": f"u-{photo}", "width": 1280, "height": 1280}]
        number = next(self._file_ids)
        data = photo.data if isinstance(photo, BufferedInputFile) else b""
        width, height = png_size(data) or (1280, 1280)
        scale = min(1.0, 90 / max(width, height, 1))
        return [
            {
                "file_id": f"photo-{number}-thumb",
                "file_unique_id": f"u-photo-{number}-thumb",
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            },
            {
                "file_id": f"photo-{number}",
                "file_unique_id": f"u-photo-{number}",
                "width": width,
                "height": height,
            },
        ]

    async def stream_content(  # pragma: no cover - the bot downloads no files
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""

    async def close(self) -> None:
        pass
