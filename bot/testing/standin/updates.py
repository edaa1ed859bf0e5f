"""The updates a test pushes (messages, button presses) and the long poll that hands them out."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

from bot.testing.limits import utf16_length
from bot.testing.standin.chats import Chats
from bot.testing.standin.model import Json


class Updates:
    def __init__(self, chats: Chats, *, max_poll_wait: float) -> None:
        self.chats = chats
        self.max_poll_wait = max_poll_wait
        self.closing = False
        self.queue: list[dict[str, Json]] = []  # pushed, not yet confirmed by a getUpdates offset
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()

    def wake(self) -> None:
        """Let every waiting getUpdates look again."""
        event, self._new_update = self._new_update, asyncio.Event()
        event.set()

    def push_update(self, update: dict[str, Json]) -> dict[str, Json]:
        queued = {
            "update_id": next(self._update_ids),
            **{k: v for k, v in update.items() if k != "update_id"},
        }
        self.queue.append(queued)
        self.wake()
        return queued

    def push_message(
        self,
        text: str,
        *,
        user_id: int,
        language_code: str | None,
        chat_id: int | None,
        first_name: str,
        username: str | None,
    ) -> dict[str, Json]:
        if language_code is None:
            language_code = self.chats.users.get(user_id, {}).get("language_code", "en")
        user = self.chats.user(user_id, language_code, first_name, username)
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Json] = {
            "message_id": self.chats.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chats.chat(chat_id),
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]
        self.chats.messages[(chat_id, message["message_id"])] = message
        return self.push_update({"message": message})

    def push_callback(
        self,
        message: dict[str, Json],
        data: str,
        *,
        user_id: int | None,
        language_code: str | None,
        first_name: str,
    ) -> dict[str, Json]:
        chat_id = int(message["chat"]["id"])
        user_id = chat_id if user_id is None else user_id
        if language_code is None and user_id in self.chats.users:
            language_code = self.chats.users[user_id].get("language_code")
        user = self.chats.user(user_id, language_code, first_name, None)
        key = (chat_id, int(message["message_id"]))
        self.chats.messages.setdefault(key, message)
        callback_id = str(next(self._callback_ids) + 4_000_000_000)
        self.chats.issued_callbacks.add(callback_id)
        return self.push_update(
            {
                "callback_query": {
                    "id": callback_id,
                    "from": user,
                    "message": message,
                    "chat_instance": str(-chat_id if chat_id > 0 else chat_id),
                    "data": data,
                }
            }
        )

    async def get_updates(self, params: dict[str, Json]) -> list[dict[str, Json]]:
        """getUpdates: what is queued past ``offset`` (confirming what is before it), waiting up
        to ``timeout`` seconds (at most ``max_poll_wait``) for something to arrive."""
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            new_update = self._new_update
            if isinstance(offset, int) and offset > 0:
                self.queue = [u for u in self.queue if u["update_id"] >= offset]
            ready = self.queue[offset:] if isinstance(offset, int) and offset < 0 else self.queue
            remaining = deadline - loop.time()
            if ready or self.closing or remaining <= 0:
                return ready[:limit]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(new_update.wait(), remaining)
