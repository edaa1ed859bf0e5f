"""The stand-in's message methods: send*, edits, deletions and callback answers, refused where
Telegram refuses them (unless ``validate`` is off)."""

from __future__ import annotations

import time

from bot.testing.limits import (
    CALLBACK_ANSWER_LIMIT,
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    png_size,
    utf16_length,
)
from bot.testing.standin.chats import Chats
from bot.testing.standin.model import NOT_MODIFIED, ApiError, Json
from bot.testing.telegram_html import markup_problems, plain_text


def _check_html(text: str) -> None:
    """Refuse what Telegram's HTML parser refuses, as it words it."""
    problems = markup_problems(text)
    if problems:
        raise ApiError(400, f"Bad Request: can't parse entities: {problems[0]}")


class MessageMethods:
    def __init__(self, chats: Chats, *, validate: bool) -> None:
        self.chats = chats
        self.validate = validate

    def target_chat(self, params: dict[str, Json]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _checked_text(self, params: dict[str, Json], key: str, limit: int) -> str:
        raw = params.get(key)
        if raw is None:
            if key == "text":
                raise ApiError(400, "Bad Request: message text is empty")
            return ""
        raw = str(raw)
        parse_mode = params.get("parse_mode")
        if self.validate and parse_mode is not None and str(parse_mode).lower() == "html":
            _check_html(raw)
        text = plain_text(raw, parse_mode)
        if self.validate:
            if key == "text" and not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if utf16_length(text) > limit:
                raise ApiError(
                    400,
                    "Bad Request: message is too long"
                    if key == "text"
                    else "Bad Request: message caption is too long",
                )
        return text

    def _checked_markup(self, params: dict[str, Json]) -> Json:
        markup = params.get("reply_markup")
        if self.validate and isinstance(markup, dict):
            for row in markup.get("inline_keyboard") or []:
                for button in row:
                    if not str(button.get("text", "")).strip():
                        raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def send(
        self, params: dict[str, Json], *, caption_of: dict[str, Json] | None = None, keep: bool = True
    ) -> dict[str, Json]:
        """The Message for a send* call; kept in :attr:`messages` (for edits) when ``keep``."""
        chat_id = self.target_chat(params)
        markup = self._checked_markup(params)
        message: dict[str, Json] = {
            "message_id": self.chats.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chats.chat(chat_id),
            "from": self.chats.bot_user(),
        }
        raw: str | None = None
        if caption_of is None:
            message["text"] = self._checked_text(params, "text", MESSAGE_LIMIT)
            raw = str(params["text"])
        elif caption_of.get("caption") is not None:
            message["caption"] = self._checked_text(caption_of, "caption", CAPTION_LIMIT)
            raw = str(caption_of["caption"])
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        if keep:
            key = (chat_id, message["message_id"])
            self.chats.messages[key] = message
            self.chats.raw[key] = (raw, params.get("parse_mode"), markup)
        return message

    def photo_sizes(self, params: dict[str, Json], files: dict[str, bytes]) -> list[dict[str, Json]]:
        """Like Telegram: an upload gets a thumbnail and the full size, each with a new file_id;
        a file_id sent again is accepted only if this server issued it."""
        photo = params.get("photo")
        # aiogram uploads the file as its own form field and names it in the parameter.
        attached = photo.removeprefix("attach://") if isinstance(photo, str) else ""
        upload = files.get("photo") or (files.get(attached) if photo != attached else None)
        if upload is not None:
            width, height = png_size(upload) or (1280, 1280)
            number = next(self.chats.file_ids)
            scale = min(1.0, 90 / max(width, height, 1))
            sizes = [
                {
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                    "suffix": "t",
                },
                {"width": width, "height": height, "suffix": ""},
            ]
            result = []
            for size in sizes:
                file_id = f"standin-photo-{number}{size.pop('suffix')}"
                entry = {"file_id": file_id, "file_unique_id": f"u-{file_id}", **size}
                self.chats.files[file_id] = entry
                result.append(entry)
            return result
        if isinstance(photo, str) and photo:
            if photo not in self.chats.files:
                if self.validate:
                    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
                return [{"file_id": photo, "file_unique_id": f"u-{photo}", "width": 1280, "height": 1280}]
            return [self.chats.files[photo]]
        raise ApiError(400, "Bad Request: there is no photo in the request")

    def _message_to_edit(self, params: dict[str, Json]) -> tuple[tuple[int, int], dict[str, Json]] | None:
        if params.get("inline_message_id"):
            return None
        chat_id = self.target_chat(params)
        message_id = params.get("message_id")
        key = (chat_id, message_id if isinstance(message_id, int) else -1)
        message = self.chats.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if self.validate and message.get("from", {}).get("id") != self.chats.bot_user()["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return key, message

    def edit_message_text(self, params: dict[str, Json]) -> Json:
        found = self._message_to_edit(params)
        text = self._checked_text(params, "text", MESSAGE_LIMIT)
        markup = self._checked_markup(params)
        if found is None:
            return True  # inline messages: Telegram returns True
        key, old = found
        raw = (str(params["text"]), params.get("parse_mode"), markup)
        if self.validate and self.chats.raw.get(key) == raw and old.get("text") == text:
            raise ApiError(400, NOT_MODIFIED)
        message = {k: v for k, v in old.items() if k not in ("text", "caption", "reply_markup", "entities")}
        message["text"] = text
        message["edit_date"] = int(time.time())
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.chats.messages[key] = message
        self.chats.raw[key] = raw
        return message

    def edit_reply_markup(self, params: dict[str, Json]) -> Json:
        found = self._message_to_edit(params)
        markup = self._checked_markup(params)
        if found is None:
            return True
        key, old = found
        if self.validate and old.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message = {k: v for k, v in old.items() if k != "reply_markup"}
        message["edit_date"] = int(time.time())
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.chats.messages[key] = message
        raw_text, parse_mode, _ = self.chats.raw.get(key, (old.get("text"), None, None))
        self.chats.raw[key] = (raw_text, parse_mode, markup)
        return message

    def answer_callback(self, params: dict[str, Json]) -> bool:
        if self.validate:
            if str(params.get("callback_query_id")) not in self.chats.issued_callbacks:
                raise ApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            if utf16_length(str(params.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def delete_message(self, params: dict[str, Json]) -> bool:
        chat_id = self.target_chat(params)
        message_id = params.get("message_id")
        if (
            self.chats.messages.pop((chat_id, message_id if isinstance(message_id, int) else -1), None)
            is None
        ):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True
