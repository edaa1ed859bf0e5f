"""The stand-in's picture of Telegram: the bot, the users it has seen, every message by chat,
the photos it issued file_ids for."""

from __future__ import annotations

import itertools

from bot.testing.standin.model import Json

RawMessage = tuple[str | None, str | None, Json]  # the text as sent, its parse_mode, its markup


class Chats:
    def __init__(self, *, bot_username: str, bot_first_name: str) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.token_seen: str | None = None
        #: The last known state of every message, by (chat_id, message_id).
        self.messages: dict[tuple[int, int], dict[str, Json]] = {}
        #: What each message was last sent or edited with (to tell "message is not modified").
        self.raw: dict[tuple[int, int], RawMessage] = {}
        #: Photos uploaded so far, by the file_id issued for them.
        self.files: dict[str, dict[str, Json]] = {}
        self.file_ids = itertools.count(1)
        self.users: dict[int, dict[str, Json]] = {}
        #: The callback queries pushed, which answerCallbackQuery may answer.
        self.issued_callbacks: set[str] = set()
        self._message_ids: dict[int, itertools.count[int]] = {}
        #: getChatMember's answers by (chat, user), as a test sets them; "member" otherwise.
        self.members: dict[tuple[int, int], str] = {}
        #: Channels (and named groups) getChat knows, by id; also found by ``@username``.
        self.known: dict[int, dict[str, Json]] = {}

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """``creator``, ``administrator``, ``member``, ``left`` or ``kicked``."""
        self.members[(chat_id, user_id)] = status

    def add_chat(
        self, chat_id: int, chat_type: str, title: str, username: str | None = None
    ) -> dict[str, Json]:
        """A channel or group with a title (and ``@username``), as getChat and updates show it."""
        chat: dict[str, Json] = {"id": chat_id, "type": chat_type, "title": title}
        if username:
            chat["username"] = username
        self.known[chat_id] = chat
        return chat

    def find(self, ref: Json) -> dict[str, Json] | None:
        """A known chat by id or ``@username``."""
        for chat in self.known.values():
            if chat["id"] == ref or (
                isinstance(ref, str)
                and str(chat.get("username", "")).casefold() == ref.lstrip("@").casefold()
            ):
                return chat
        return None

    def user(
        self, user_id: int, language_code: str | None, first_name: str, username: str | None
    ) -> dict[str, Json]:
        """A user as Telegram sends it, remembered (their chat's first name, their language)."""
        user: dict[str, Json] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def bot_user(self) -> dict[str, Json]:
        """The bot, its id the token's numeric part as on Telegram."""
        prefix = (self.token_seen or "").split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def chat(self, chat_id: int) -> dict[str, Json]:
        """A private chat for a positive id, a supergroup for a negative one."""
        if chat_id in self.known:
            return dict(self.known[chat_id])
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": "Test group"}
        chat: dict[str, Json] = {"id": chat_id, "type": "private"}
        user = self.users.get(chat_id)
        chat["first_name"] = user["first_name"] if user else "Tester"
        return chat

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up from 1 in each chat, as on Telegram."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))
