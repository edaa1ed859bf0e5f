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
    ) -> None:
        self.limit = limit
        self.window = window
        self.exempt = exempt
        self.metrics = metrics
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}
        self._checked = 0

    def _allow(self, user_id: int) -> bool:
        now = self.clock()
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        self._checked += 1
        if self._checked % 1000 == 0:  # forget users who went quiet
            self._seen = {uid: s for uid, s in self._seen.items() if s and now - s[-1] < self.window}
            self._warned_until = {uid: t for uid, t in self._warned_until.items() if t > now}
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
        now = self.clock()
        if self._warned_until.get(user.id, 0.0) <= now:
            # One notice per window; everything else is dropped unanswered.
            self._warned_until[user.id] = now + self.window
            notice = _("⏳ Too many requests. Please wait a few seconds and try again.")
            if isinstance(event, Message):
                await event.answer(notice)
            elif isinstance(event, CallbackQuery):
                await event.answer(notice, show_alert=False)
        elif isinstance(event, CallbackQuery):
            await event.answer()  # stop the button's spinner, say nothing more
        return None
