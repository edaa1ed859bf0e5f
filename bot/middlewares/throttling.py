"""Flood control: a user past the allowed rate gets one polite notice, then silence until the
window has passed. Admins are exempt."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import gettext as _
from cachetools import TTLCache

from bot.metrics import Metrics


class ThrottlingMiddleware(BaseMiddleware):
    """An outer middleware on messages, callback queries and inline queries.

    Each user has a sliding window of ``window`` seconds in which ``limit`` updates pass.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        exempt: frozenset[int] = frozenset(),
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.exempt = exempt
        self.metrics = metrics
        self.clock = clock
        # Bounded and self-expiring: a user quiet for a window is forgotten, and a burst of a
        # million distinct users can't grow the process past ``max_users`` entries.
        self._seen: TTLCache[int, deque[float]] = TTLCache(max_users, ttl=window, timer=clock)
        self._warned: TTLCache[int, bool] = TTLCache(max_users, ttl=window, timer=clock)

    def _allow(self, user_id: int) -> bool:
        now = self.clock()
        stamps = self._seen.get(user_id) or deque()
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        self._seen[user_id] = stamps  # (re)set: lives a window from its latest update
        return True

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.id in self.exempt or self._allow(user.id):
            return await handler(event, data)
        if self.metrics:
            self.metrics.throttled.inc()
        if user.id not in self._warned:
            # One notice per window; everything else is dropped unanswered.
            self._warned[user.id] = True
            notice = _("⏳ Too many requests. Please wait a few seconds and try again.")
            if isinstance(event, Message):
                await event.answer(notice)
            elif isinstance(event, CallbackQuery):
                await event.answer(notice, show_alert=False)
        elif isinstance(event, CallbackQuery):
            await event.answer()  # stop the button's spinner, say nothing more
        return None
