"""A Telegram user talking to the real Dispatcher: ``send("/turnover")``, ``click(reply, "2024")``,
``click(reply, TurnoverCb(period="2024"))``, then the text, the buttons and the answers.

Modelled on aiogram_dialog's ``BotClient``: buttons are found by label, by callback data or
taken by position, and a callback query's answer is asserted explicitly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerInlineQuery,
    EditMessageText,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.testing.limits import utf16_length
from bot.testing.members import chat_member
from bot.testing.session import BOT_ID, BOT_USER, RecordingSession, calls_for_this_update

_MENTION_RE = re.compile(r"@[A-Za-z0-9_]{3,}")
#: Who an anonymous group admin's messages come from (with the group as ``sender_chat``).
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


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

    def button_with_data(self, data: CallbackData | str) -> InlineKeyboardButton:
        """The one button that carries ``data`` (``TurnoverCb(period="2024")`` or packed)."""
        packed = data.pack() if isinstance(data, CallbackData) else data
        found = [b for b in self.buttons if b.callback_data == packed]
        if len(found) != 1:
            carried = [b.callback_data for b in self.buttons]
            raise LookupError(f"{len(found)} buttons carry {packed!r}; the buttons carry {carried}")
        return found[0]

    def button_at(self, row: int, column: int = 0) -> InlineKeyboardButton:
        """The button at ``row``, ``column`` of the keyboard (from 0)."""
        keyboard = self.markup.inline_keyboard if self.markup else []
        try:
            return keyboard[row][column]
        except IndexError:
            shape = [len(cells) for cells in keyboard]
            raise LookupError(f"no button at ({row}, {column}); rows of {shape}") from None


@dataclass
class Replies:
    """Everything the bot did in answer to one update."""

    calls: list[Reply] = field(default_factory=list)
    #: The callback query these calls answer, when the update was a button press.
    callback_query_id: str | None = None

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

    def assert_answered(self) -> AnswerCallbackQuery:
        """The one answerCallbackQuery for the pressed button (else AssertionError): without it
        the user's client shows a spinner for a while."""
        if self.callback_query_id is None:
            raise AssertionError("not an answer to a button press")
        answers = [c.method for c in self.calls if isinstance(c.method, AnswerCallbackQuery)]
        called = [c.method.__api_method__ for c in self.calls]
        if len(answers) != 1:
            raise AssertionError(f"the callback query was answered {len(answers)} times; calls: {called}")
        if answers[0].callback_query_id != self.callback_query_id:
            raise AssertionError(
                f"answered query {answers[0].callback_query_id!r}, not {self.callback_query_id!r}"
            )
        return answers[0]


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
        calls: list[tuple[TelegramMethod[Any], Any]] = []
        recording = calls_for_this_update.set(calls)
        try:
            await self.dispatcher.feed_update(self.bot, update)
        finally:
            calls_for_this_update.reset(recording)
        query = update.callback_query
        return Replies(
            [Reply(method, self._as_message(method, raw)) for method, raw in calls],
            callback_query_id=query.id if query is not None else None,
        )

    def _as_message(self, method: TelegramMethod[Any], raw: Any) -> Any:
        if isinstance(method, SendMessage | EditMessageText | SendPhoto) and isinstance(raw, dict):
            return Message.model_validate(raw, context={"bot": self.bot})
        return raw

    async def send(
        self,
        text: str,
        *,
        lang: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to: Reply | None = None,
        anonymous: bool = False,
        forwarded_from: dict[str, Any] | None = None,
    ) -> Replies:
        """The user types ``text`` (a command or anything else) in their private chat with the
        bot, or with ``chat_type="group"`` in a group the bot is in (``chat_id``, by default
        minus the user's id). ``@names`` in it are mentions; ``reply_to`` a message of the bot's
        makes it a reply; ``anonymous``: an anonymous group admin, writing as the group;
        ``forwarded_from``: a channel (as a Chat dict) the message is a post forwarded from."""
        now = int(dt.datetime.now(tz=dt.UTC).timestamp())
        if chat_type == "private":
            chat = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        else:
            chat = {"id": chat_id or -self.user_id, "type": chat_type, "title": "Trade desk"}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": now,
            "chat": chat,
            "from": self._user(lang),
            "text": text,
        }
        entities = [
            {"type": "mention", "offset": utf16_length(text[: m.start()]), "length": utf16_length(m[0])}
            for m in _MENTION_RE.finditer(text)
        ]
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": utf16_length(command)})
        if entities:
            message["entities"] = entities
        if anonymous:
            message["from"] = dict(ANONYMOUS_ADMIN)
            message["sender_chat"] = chat
        if reply_to is not None and isinstance(reply_to.result, Message):
            message["reply_to_message"] = reply_to.result.model_dump(
                mode="json", exclude_none=True, by_alias=True
            )
        if forwarded_from is not None:
            message["forward_origin"] = {
                "type": "channel",
                "date": now,
                "chat": forwarded_from,
                "message_id": 7,
            }
        return await self._feed({"message": message})

    async def membership(self, chat: dict[str, Any], old: str, new: str) -> Replies:
        """The user changed the bot's status in ``chat`` (a Chat dict) from ``old`` to ``new``
        (``member``, ``administrator``, ``left``, ``kicked``): a ``my_chat_member`` update."""
        now = int(dt.datetime.now(tz=dt.UTC).timestamp())
        update = {
            "chat": chat,
            "from": self._user(None),
            "date": now,
            "old_chat_member": chat_member(old, BOT_ID, BOT_USER),
            "new_chat_member": chat_member(new, BOT_ID, BOT_USER),
        }
        return await self._feed({"my_chat_member": update})

    async def press(
        self, data: CallbackData | str, *, on: Reply | None = None, lang: str | None = None
    ) -> Replies:
        """The user's client sends callback ``data`` (what a button carries, or a forgery)."""
        query: dict[str, Any] = {
            "id": str(next(self._update_ids)),
            "from": self._user(lang),
            "chat_instance": f"chat-{self.user_id}",
            "data": data.pack() if isinstance(data, CallbackData) else data,
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

    async def click(
        self, reply: Reply, button: str | CallbackData | InlineKeyboardButton, *, lang: str | None = None
    ) -> Replies:
        """The user taps a button under ``reply``: the one labelled ``button`` (a str), the one
        carrying ``button`` (a CallbackData), or that very button (e.g. ``reply.button_at(0, 1)``)."""
        if isinstance(button, str):
            button = reply.button(button)
        elif isinstance(button, CallbackData):
            button = reply.button_with_data(button)
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} carries no callback data")
        return await self.press(button.callback_data, on=reply, lang=lang)
