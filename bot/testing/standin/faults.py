"""How the stand-in refuses ``sendMessage`` (the limited methods) the way Telegram does under
load: 429 past a rate limit, and the failures of a :class:`FaultPlan`, by chat or by chance."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable

from bot.testing.standin.model import (
    BLOCKED,
    CHAT_NOT_FOUND,
    MIGRATED,
    ApiError,
    Dropped,
    FaultPlan,
    Json,
    SendCounters,
)


class Limits:
    """The rate limits and the fault plan, counting what they did in ``counters``."""

    def __init__(
        self,
        *,
        send_limit: float | None,
        per_chat_limit: float | None,
        retry_after: int | None,
        plan: FaultPlan,
        counters: SendCounters,
        seed: int,
        clock: Callable[[], float],
    ) -> None:
        self.send_limit = send_limit
        self.per_chat_limit = per_chat_limit
        self.retry_after = retry_after
        self.plan = plan
        self.counters = counters
        self.clock = clock
        self._rng = random.Random(seed)
        self._window: deque[float] = deque()  # clock times of the calls let through, last second
        self._last_to_chat: dict[int, float] = {}

    def check(self, params: dict[str, Json]) -> None:
        """429 past ``send_limit`` (sliding 1-second window, every request let through counts) or
        ``per_chat_limit`` (spacing after the last message the chat got: failed requests don't count)."""
        now = self.clock()
        if self.send_limit is not None:
            window = self._window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= max(1, math.floor(self.send_limit)):
                raise self._too_many(window[0] + 1.0 - now)
        chat_id = params.get("chat_id")
        if self.per_chat_limit is not None and isinstance(chat_id, int):
            spacing = 1.0 / self.per_chat_limit
            last = self._last_to_chat.get(chat_id)
            if last is not None and now - last < spacing:
                self.counters.per_chat_limited += 1
                raise self._too_many(last + spacing - now)
            if len(self._last_to_chat) > 50_000:  # forget chats outside the spacing, now and then
                self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if now - v < spacing}
        if self.send_limit is not None:
            self._window.append(now)

    def delivered(self, chat_id: int) -> None:
        """A message reached ``chat_id``: the per-chat spacing starts now."""
        if self.per_chat_limit is not None:
            self._last_to_chat[chat_id] = self.clock()

    def _too_many(self, wait: float) -> ApiError:
        seconds = self.retry_after if self.retry_after is not None else max(1, math.ceil(wait))
        return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def inject(self, params: dict[str, Json]) -> str | None:
        """Raise the failure the plan has for this request; or return "bad_gateway_html" (answer
        with nginx's HTML page) or "lost_answer" (deliver, then close the connection); or None."""
        plan = self.plan
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            if chat_id in plan.blocked:
                self.counters.refused[chat_id] = "blocked"
                raise ApiError(403, BLOCKED, fault="blocked")
            if chat_id in plan.not_found:
                self.counters.refused[chat_id] = "chat_not_found"
                raise ApiError(400, CHAT_NOT_FOUND, fault="chat_not_found")
            if chat_id in plan.migrate:
                raise ApiError(
                    400, MIGRATED, parameters={"migrate_to_chat_id": plan.migrate[chat_id]}, fault="migrate"
                )
            for name, scripted in (
                ("server_error", plan.server_errors),
                ("bad_gateway_html", plan.bad_gateways_html),
                ("timeout", plan.timeouts),
                ("lost_answer", plan.lost_answers),
            ):
                if scripted.get(chat_id, 0) > 0:
                    scripted[chat_id] -= 1
                    return self._fault(name)
        chance = self._rng.random()
        for name, rate in (
            ("server_error", plan.server_error_rate),
            ("bad_gateway_html", plan.bad_gateway_html_rate),
            ("timeout", plan.timeout_rate),
            ("lost_answer", plan.lost_answer_rate),
        ):
            if (chance := chance - rate) < 0:
                return self._fault(name)
        if chance - plan.blocked_rate < 0 and isinstance(chat_id, int):
            plan.blocked.add(chat_id)
            self.counters.refused[chat_id] = "blocked"
            raise ApiError(403, BLOCKED, fault="blocked")
        return None

    def _fault(self, name: str) -> str:
        if name == "server_error":
            if self._rng.random() < 0.5:
                raise ApiError(500, "Internal Server Error", fault=name)
            raise ApiError(502, "Bad Gateway", fault=name)
        self.counters.count_fault(name)
        if name == "timeout":
            raise Dropped(self.plan.timeout_delay)
        return name
