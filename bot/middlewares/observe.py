"""Every update: counted, timed, tagged in the log with its id and user, and tracked while in
flight so that shutdown can wait for it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.logs import update_context
from bot.metrics import Metrics
from bot.middlewares.forged import known_type

log = logging.getLogger(__name__)


class ObserveMiddleware(BaseMiddleware):
    """An outer middleware on ``dispatcher.update``."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_type = (known_type(event) or "unknown") if isinstance(event, Update) else type(event).__name__
        user = data.get("event_from_user")
        token = update_context.set(
            {"update_id": getattr(event, "update_id", None), "user_id": user.id if user else None}
        )
        self.in_flight += 1
        self._idle.clear()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        except Exception:
            self.metrics.errors.labels(type=update_type).inc()
            raise
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.updates.labels(type=update_type).inc()
            self.metrics.latency.labels(type=update_type).observe(elapsed)
            # One line per update, tagged with its id and user by the log filter; never its text.
            log.info("%s handled in %.1f ms", update_type, elapsed * 1000)
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()
            update_context.reset(token)

    async def wait_idle(self, within: float) -> bool:
        """Wait until no update is being handled; False if ``within`` seconds ran out first."""
        try:
            await asyncio.wait_for(self._idle.wait(), within)
        except TimeoutError:
            return False
        return True
