"""Every request the stand-in received, in order, and waiting for the one a test expects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bot.testing.standin.model import ApiCall
from bot.testing.standin.params import summary

Predicate = Callable[[ApiCall], bool]


class CallLog:
    def __init__(self) -> None:
        self._calls: list[ApiCall] = []
        self._new_call = asyncio.Event()
        self._first_unconsumed = 0  # every call before this index is consumed

    @property
    def calls(self) -> list[ApiCall]:
        """Every recorded call, oldest first (a copy)."""
        return list(self._calls)

    def of(self, method: str) -> list[ApiCall]:
        return [call for call in self._calls if call.method.lower() == method.lower()]

    def record(self, call: ApiCall) -> None:
        self._calls.append(call)
        self.wake()

    def wake(self) -> None:
        """Let every wait_for look again (a call was recorded, or a recorded one answered)."""
        event, self._new_call = self._new_call, asyncio.Event()
        event.set()

    def consume_all(self) -> None:
        """Mark every call recorded so far as consumed, so wait_for only sees later ones."""
        for call in self._calls[self._first_unconsumed :]:
            call.consumed = True
        self._first_unconsumed = len(self._calls)

    async def wait_for(
        self,
        method: str | None,
        predicate: Predicate | None = None,
        timeout: float = 10,
    ) -> ApiCall:
        """The oldest not yet consumed call of ``method`` (any if None) that ``predicate`` accepts.

        Waits up to ``timeout`` seconds for one; marks it consumed; raises TimeoutError (listing
        what was seen) if none comes.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower() if method is not None else None
        # Each call is looked at once (calls don't change once recorded), except a getUpdates
        # still waiting for its answer, looked at again until it has one: no rescans per call.
        position = self._first_unconsumed
        unanswered: list[ApiCall] = []
        while True:
            new_call = self._new_call
            while self._first_unconsumed < len(self._calls) and self._calls[self._first_unconsumed].consumed:
                self._first_unconsumed += 1
            position = max(position, self._first_unconsumed)
            candidates = [c for c in unanswered if not c.consumed] + self._calls[position:]
            position = len(self._calls)
            unanswered = []
            for call in candidates:
                if call.consumed or (wanted is not None and call.method.lower() != wanted):
                    continue
                if predicate is None or predicate(call):
                    call.consumed = True
                    return call
                if not call.response:
                    unanswered.append(call)
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [
                    f"{c.method}({summary(c.params)}) -> {c.status}"
                    for c in self._calls
                    if c.method.lower() != "getupdates"
                ]
                raise TimeoutError(
                    f"no {method or 'call'} matching the predicate within {timeout} s; "
                    f"calls seen (without getUpdates): {seen[-15:]}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(new_call.wait(), remaining)
