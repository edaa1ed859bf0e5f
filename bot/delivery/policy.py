"""What to do when Telegram refuses a delivery: the retry policy, free of I/O."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from enum import StrEnum

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)


class Outcome(StrEnum):
    PAUSE = "pause"  # 429: the whole queue waits retry_after, the row stays pending
    MOVE = "move"  # the group became a supergroup: follow it and send again
    GONE = "gone"  # blocked, deactivated, chat not found: deactivate, never retry
    RETRY = "retry"  # 5xx, timeout, network: back off and try again, a bounded number of times
    FAIL = "fail"  # anything else: the request itself is wrong, retrying won't help


_GONE_PHRASES = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")


def classify(error: BaseException) -> Outcome:
    if isinstance(error, TelegramRetryAfter):
        return Outcome.PAUSE
    if isinstance(error, TelegramMigrateToChat):
        return Outcome.MOVE
    if isinstance(error, TelegramForbiddenError):
        return Outcome.GONE
    if isinstance(error, TelegramBadRequest | TelegramNotFound):
        message = error.message.lower()
        return Outcome.GONE if any(phrase in message for phrase in _GONE_PHRASES) else Outcome.FAIL
    if isinstance(error, TelegramServerError | TelegramNetworkError | asyncio.TimeoutError | OSError):
        return Outcome.RETRY
    if isinstance(error, TelegramAPIError):
        return Outcome.FAIL
    return Outcome.RETRY


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter: about base·2ⁿ seconds, capped, n attempts at most."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 300.0

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """The wait after ``attempts`` failed tries ("equal jitter": half fixed, half random)."""
        ceiling = min(self.max_delay, self.base_delay * float(2 ** max(attempts - 1, 0)))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


def describe(error: BaseException) -> str:
    """A short reason for /stats, never a traceback and never a URL with the token."""
    if isinstance(error, TelegramAPIError | ClientDecodeError):  # the decode error: not its content
        return f"{type(error).__name__}: {error.message}"[:200]
    return type(error).__name__
