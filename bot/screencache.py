"""Rendered screens kept per (data version, locale, screen, arguments).

Most of what the bot shows depends only on the dataset and the reader's language: /turnover
for each period, /sectors, the sector cards, /sources pages, inline results. Each is rendered
once and then served from memory until a load, fetch or publish changes the data version.
Concurrent first requests for one screen share one render. The cache is bounded (LRU) and
lives on the :class:`~bot.store.Store`, one per process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from cachetools import LRUCache

if TYPE_CHECKING:
    from bot.store import Store

T = TypeVar("T")

_FAILED = object()  # a first render raised: one of its waiters renders again


class ScreenCache:
    def __init__(self, maxsize: int = 2048) -> None:
        self._done: LRUCache[Hashable, Any] = LRUCache(maxsize=maxsize)
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = self.misses = 0

    async def get(self, key: Hashable, render: Callable[[], Awaitable[T]]) -> T:
        """The screen for ``key``: from memory, from a render already under way, or rendered now."""
        try:
            value: T = self._done[key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return value
        pending = self._pending.get(key)
        if pending is not None:
            shared = await asyncio.shield(pending)
            if shared is not _FAILED:
                self.hits += 1
                return shared  # type: ignore[no-any-return]
            return await self.get(key, render)  # the first render failed: one of us tries again
        self.misses += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            value = await render()
        except BaseException:
            future.set_result(_FAILED)
            raise
        finally:
            del self._pending[key]
        if not future.done():
            future.set_result(value)
        self._done[key] = value
        return value

    def clear(self) -> None:
        self._done.clear()


class DataVersion:
    """What the dataset looks like now, as a string that changes whenever it changes.

    This process's loads and publishes call :meth:`bump`; another process's (``python -m bot
    data load`` beside the running bot) are noticed by reading the stored version, at most once
    every ``interval`` seconds, so a hot path pays for a read about once a second, not per update.
    """

    def __init__(
        self,
        read: Callable[[], Awaitable[str]],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self.interval = interval
        self._clock = clock
        self._value: str | None = None
        self._checked_at = float("-inf")
        self._reading: asyncio.Future[str] | None = None

    async def current(self) -> str:
        now = self._clock()
        if self._value is not None and now - self._checked_at < self.interval:
            return self._value
        if self._reading is None:  # one read for every update that arrives meanwhile
            self._reading = asyncio.ensure_future(self._read())
        reading = self._reading
        try:
            value = await asyncio.shield(reading)
        finally:
            if self._reading is reading and reading.done():
                self._reading = None
        if reading.done() and self._checked_at < now:
            self._value, self._checked_at = value, now
        return value

    def bump(self, value: str) -> None:
        """This process changed the data; ``value`` is the version it stored."""
        self._value = value
        self._checked_at = self._clock()


async def cached(store: Store, key: tuple[Hashable, ...], render: Callable[[], Awaitable[T]]) -> T:
    """``render()`` once per data version and ``key`` (which names the screen, its arguments and
    the locale whenever the result has text in it); later calls are served from memory."""
    return await store.screens.get((await store.version.current(), *key), render)
