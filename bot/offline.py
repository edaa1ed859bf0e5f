"""The bot without Telegram: a session that records every API call and a client that talks
to the real Dispatcher as a user would. ``python -m bot chat`` and the tests both use it, so
what a developer tries in the terminal is exactly what the tests check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import struct
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import AnswerInlineQuery, EditMessageText, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

BOT_USER = {"id": 42, "is_bot": True, "first_name": "BK Trade", "username": "bk_trade_bot"}
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header; None if ``data`` is no PNG."""
    if len(data) < 24 or not data.startswith(_PNG_MAGIC) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


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


class RecordingSession(BaseSession):
    """Answers every Bot API call locally, the way Telegram would, and keeps a record of it."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []  # what was answered to each request, as Telegram's JSON
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._failures: list[tuple[str | None, TelegramAPIError]] = []

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
        failure = self._failure_for(method)
        if failure is not None:
            self.results.append(None)
            raise failure
        result = self._result(method)
        self.results.append(result)
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
        return True

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


@dataclass
class Reply:
    """One call the bot made: the method and what "Telegram" answered."""

    method: TelegramMethod[Any]
    result: Any

    @property
    def text(self) -> str:
        """The message text, or a photo's caption."""
        if isinstance(self.method, SendPhoto):
            return str(self.method.caption or "")
        return str(getattr(self.method, "text", "") or "")

    @property
    def photo(self) -> bytes | str | None:
        """A sent photo: the PNG bytes of an upload, or the file_id sent again."""
        if not isinstance(self.method, SendPhoto):
            return None
        photo = self.method.photo
        if isinstance(photo, str):
            return photo
        return photo.data if isinstance(photo, BufferedInputFile) else None

    @property
    def markup(self) -> InlineKeyboardMarkup | None:
        markup = getattr(self.method, "reply_markup", None)
        return markup if isinstance(markup, InlineKeyboardMarkup) else None

    @property
    def buttons(self) -> list[InlineKeyboardButton]:
        return [button for row in (self.markup.inline_keyboard if self.markup else []) for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.buttons]

    def button(self, text: str) -> InlineKeyboardButton:
        """The button whose label is ``text``, else the only one containing it."""
        exact = [b for b in self.buttons if b.text == text]
        partial = [b for b in self.buttons if text in b.text]
        found = exact or partial
        if len(found) != 1:
            raise LookupError(f"no single button {text!r} among {self.button_texts}")
        return found[0]


@dataclass
class Replies:
    """Everything the bot did in answer to one update."""

    calls: list[Reply] = field(default_factory=list)

    def __iter__(self) -> Iterator[Reply]:
        return iter(self.calls)

    def __len__(self) -> int:
        return len(self.calls)

    @property
    def messages(self) -> list[Reply]:
        """What a user sees: new messages, photos and edits, in order."""
        return [c for c in self.calls if isinstance(c.method, SendMessage | EditMessageText | SendPhoto)]

    @property
    def photos(self) -> list[Reply]:
        return [c for c in self.calls if isinstance(c.method, SendPhoto)]

    @property
    def last(self) -> Reply:
        if not self.messages:
            raise LookupError(
                f"the bot sent no message; calls: {[c.method.__api_method__ for c in self.calls]}"
            )
        return self.messages[-1]

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.messages)

    def of(self, api_method: str) -> list[Reply]:
        return [c for c in self.calls if c.method.__api_method__ == api_method]


class BotClient:
    """A Telegram user in a private chat with the bot, feeding real Updates to the Dispatcher."""

    _update_ids = itertools.count(1)

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        user_id: int = 1001,
        first_name: str = "Aigerim",
        language_code: str | None = "ru",
    ) -> None:
        if not isinstance(bot.session, RecordingSession):
            raise TypeError("BotClient needs a Bot built on a RecordingSession")
        self.dispatcher = dispatcher
        self.bot = bot
        self.session: RecordingSession = bot.session
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self._message_ids = itertools.count(10_000)

    def _user(self, lang: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        language_code = self.language_code if lang is None else lang
        if language_code:
            user["language_code"] = language_code
        return user

    async def _feed(self, payload: dict[str, Any]) -> Replies:
        update = Update.model_validate(
            {"update_id": next(self._update_ids), **payload}, context={"bot": self.bot}
        )
        before = len(self.session.requests)
        await self.dispatcher.feed_update(self.bot, update)
        calls = zip(self.session.requests[before:], self.session.results[before:], strict=True)
        return Replies([Reply(method, self._as_message(method, raw)) for method, raw in calls])

    def _as_message(self, method: TelegramMethod[Any], raw: Any) -> Any:
        if isinstance(method, SendMessage | EditMessageText | SendPhoto) and isinstance(raw, dict):
            return Message.model_validate(raw, context={"bot": self.bot})
        return raw

    async def send(self, text: str, *, lang: str | None = None, chat_type: str = "private") -> Replies:
        """The user types ``text`` (a command or anything else) in their private chat with the
        bot, or with ``chat_type="group"`` in a group the bot is in."""
        now = int(dt.datetime.now(tz=dt.UTC).timestamp())
        if chat_type == "private":
            chat = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        else:
            chat = {"id": -self.user_id, "type": chat_type, "title": "Trade desk"}
        message = {
            "message_id": next(self._message_ids),
            "date": now,
            "chat": chat,
            "from": self._user(lang),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._feed({"message": message})

    async def press(self, data: str, *, on: Reply | None = None, lang: str | None = None) -> Replies:
        """The user's client sends callback ``data`` (what a button carries, or a forgery)."""
        query: dict[str, Any] = {
            "id": str(next(self._update_ids)),
            "from": self._user(lang),
            "chat_instance": f"chat-{self.user_id}",
            "data": data,
        }
        if on is not None and isinstance(on.result, Message):
            query["message"] = on.result.model_dump(mode="json", exclude_none=True, by_alias=True)
        return await self._feed({"callback_query": query})

    async def inline(
        self, query: str, *, lang: str | None = None, chat_type: str = "sender"
    ) -> AnswerInlineQuery:
        """The user types ``@bot query`` in some chat; returns the bot's AnswerInlineQuery."""
        update_id = next(self._update_ids)
        inline_query = {
            "id": f"iq-{update_id}",
            "from": self._user(lang),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        replies = await self._feed({"inline_query": inline_query})
        answers = [reply.method for reply in replies.of("answerInlineQuery")]
        if len(answers) != 1 or not isinstance(answers[0], AnswerInlineQuery):
            called = [c.method.__api_method__ for c in replies]
            raise LookupError(f"expected one answerInlineQuery, got {called}")
        return answers[0]

    async def click(self, reply: Reply, button_text: str, *, lang: str | None = None) -> Replies:
        """The user taps the button labelled ``button_text`` under ``reply``."""
        button = reply.button(button_text)
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} carries no callback data")
        return await self.press(button.callback_data, on=reply, lang=lang)
