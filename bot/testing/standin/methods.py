"""The stand-in's Bot API methods: which handler answers which method, and the bot's profile
(commands, descriptions, menu button) as the bot set it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection

from bot.testing.limits import utf16_length
from bot.testing.members import NO_GIFTS, chat_member
from bot.testing.standin.chats import Chats
from bot.testing.standin.messages import MessageMethods
from bot.testing.standin.model import ApiError, Json
from bot.testing.standin.updates import Updates

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


class Methods:
    def __init__(
        self,
        chats: Chats,
        updates: Updates,
        *,
        validate: bool,
        record: bool,
        limited_methods: Collection[str],
    ) -> None:
        self.chats = chats
        self.updates = updates
        self.validate = validate
        self.record = record
        self.limited_methods = frozenset(method.lower() for method in limited_methods)
        self.messages = MessageMethods(chats, validate=validate)
        #: setMyCommands results by (scope JSON, language_code); "" is the default language.
        self.commands: dict[tuple[str, str], list[dict[str, Json]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.menu_buttons: dict[int | None, Json] = {}

    def _keep(self, name: str) -> bool:
        """Whether a message sent with ``name`` is kept (for edits): not when only counted."""
        return self.record or name not in self.limited_methods

    def dispatch(self, method: str, params: dict[str, Json], files: dict[str, bytes] | None = None) -> Json:
        name = method.lower()
        simple: dict[str, Callable[[dict[str, Json]], Json]] = {
            "getme": lambda _: {
                **self.chats.bot_user(),
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": lambda _: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates.queue),
            },
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": lambda p: self.commands.get(_commands_key(p), []),
            "setmydescription": lambda p: self._set_description(p, "description", 512, self.descriptions),
            "setmyshortdescription": lambda p: self._set_description(
                p, "short_description", 120, self.short_descriptions
            ),
            "getmydescription": lambda p: {
                "description": self.descriptions.get(p.get("language_code", ""), "")
            },
            "getmyshortdescription": lambda p: {
                "short_description": self.short_descriptions.get(p.get("language_code", ""), "")
            },
            "setchatmenubutton": self._set_menu_button,
            "sendmessage": lambda p: self.messages.send(p, keep=self._keep("sendmessage")),
            "editmessagetext": self.messages.edit_message_text,
            "editmessagereplymarkup": self.messages.edit_reply_markup,
            "answercallbackquery": self.messages.answer_callback,
            "sendchataction": lambda _: True,
            "deletemessage": self.messages.delete_message,
            "getchatmember": self._get_chat_member,
            "getchat": self._get_chat,
        }
        if name in simple:
            return simple[name](params)
        if name == "sendmediagroup":
            media = params.get("media") or []
            keep = self._keep(name)
            return [self.messages.send(params, caption_of=item, keep=keep) for item in media]
        keep = self._keep(name)
        if name == "sendphoto":
            sizes = self.messages.photo_sizes(params, files or {})
            message = self.messages.send(params, caption_of=params, keep=keep)
            message["photo"] = sizes
            return message
        if name.startswith("send"):  # sendDocument, sendVideo, ...: a Message with the caption
            return self.messages.send(params, caption_of=params, keep=keep)
        return True

    def _get_chat_member(self, params: dict[str, Json]) -> Json:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        chat = self.chats.find(chat_id)
        if chat is not None:
            chat_id = chat["id"]
        if not isinstance(chat_id, int) or not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        bot = self.chats.bot_user()
        status = self.chats.members.get((chat_id, user_id), "member")
        return chat_member(status, user_id, bot if user_id == bot["id"] else None)

    def _get_chat(self, params: dict[str, Json]) -> Json:
        chat = self.chats.find(params.get("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": NO_GIFTS}
        return {**chat, **extra}

    def _delete_webhook(self, params: dict[str, Json]) -> bool:
        if params.get("drop_pending_updates"):
            self.updates.queue.clear()
        return True

    def _set_my_commands(self, params: dict[str, Json]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        if self.validate:
            _check_language_code(params)
            if len(commands) > 100:
                raise ApiError(400, "Bad Request: too many commands")
            for command in commands:
                if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                    raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                    raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[_commands_key(params)] = commands
        return True

    def _delete_my_commands(self, params: dict[str, Json]) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    def _set_description(self, params: dict[str, Json], key: str, limit: int, store: dict[str, str]) -> bool:
        value = str(params.get(key, ""))
        if self.validate:
            _check_language_code(params)
            if utf16_length(value) > limit:
                raise ApiError(400, f"Bad Request: {key.replace('_', ' ')} is too long")
        store[str(params.get("language_code", ""))] = value
        return True

    def _set_menu_button(self, params: dict[str, Json]) -> bool:
        chat_id = params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = params.get("menu_button")
        return True


def _commands_key(params: dict[str, Json]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code", ""))


def _check_language_code(params: dict[str, Json]) -> None:
    code = params.get("language_code")
    if code is not None and not re.fullmatch(r"[a-z]{2}", str(code)):
        raise ApiError(400, "Bad Request: invalid language code specified")
