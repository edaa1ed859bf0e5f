"""The outbox worker: sends pending deliveries at Telegram's pace and never loses one.

One message is in flight at a time, and a row becomes 'sent' only after Telegram confirmed
it, so a crash can repeat at most that one message; every other row is either confirmed or
still pending, and the next start resumes the pending ones. A digest is one message too: a
chat's digest rows due together are sent as one and marked sent in one statement. A row due
inside its reader's quiet hours is held back until they end (bot/domain/schedule.py).

When the store can't write (a full disk, a read-only or locked file), a message Telegram has
taken is remembered as sent here, and nothing more is sent until the store has written it
down: the worker pauses, longer each time, with one ERROR line per pause. So an unwritable
store costs no duplicates while the process lives, and at most that one message if it dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import AiogramError, TelegramMigrateToChat, TelegramRetryAfter
from aiogram.utils.i18n import I18n
from aiolimiter import AsyncLimiter

from bot.delivery.changes import ChangeSender
from bot.delivery.policy import Outcome, RetryPolicy, classify, describe
from bot.delivery.progress import ProgressReporter
from bot.delivery.render import Message, Renderer
from bot.domain.models import Delivery
from bot.domain.schedule import quiet_until
from bot.store import Store
from bot.views.common import Rendered

log = logging.getLogger(__name__)


@dataclass
class DeliveryStats:
    """Counters since start-up (also what /metrics will expose)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    moved: int = 0
    rate_limited: int = 0
    paused_seconds: float = 0.0
    by_outcome: dict[str, int] = field(default_factory=dict)


class DeliveryWorker:
    """Drains the ``deliveries`` outbox inside ``python -m bot run``."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        i18n: I18n,
        *,
        rate_limit: float = 25.0,
        per_chat_interval: float = 1.0,
        policy: RetryPolicy | None = None,
        batch_size: int = 200,
        idle_poll: float = 1.0,
        progress_interval: float = 2.0,
        request_timeout: int = 15,
        clock: Callable[[], float] = time.time,
        pause: float = 1.0,
        max_pause: float = 60.0,
    ) -> None:
        """``pause``: the first wait after a failed pass (the store refusing a write), doubled
        after each further failure up to ``max_pause``."""
        self.bot = bot
        self.store = store
        self.i18n = i18n
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.idle_poll = idle_poll
        self.per_chat_interval = per_chat_interval
        self.request_timeout = request_timeout
        self.clock = clock
        # A small bucket (1/20 s of sends): smooth enough that Telegram sees no burst (any
        # second holds at most rate + burst), large enough that timer overshoot doesn't eat
        # the rate (a bucket of one reached half of 1,000/s).
        burst = max(1.0, rate_limit / 20)
        self.limiter = AsyncLimiter(burst, burst / rate_limit)
        self.stats = DeliveryStats()
        self._paused_until = 0.0
        self._last_to_chat: dict[int, float] = {}
        self.progress = ProgressReporter(bot, store, i18n, self.limiter, clock, progress_interval)
        self.changes = ChangeSender(self)  # edits and withdrawals of what was delivered
        self.renderer = Renderer(store, i18n)
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._stop_requested = asyncio.Event()
        self.pause, self.max_pause = pause, max_pause
        self._failed_passes = 0
        # Delivery id → message id: Telegram took the message, the store has not recorded it yet.
        self._unrecorded: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="delivery-worker")

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the message in flight, then stop; pending rows stay for the next start."""
        self._stopping = True
        self._wakeup.set()
        self._stop_requested.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, grace)
            except TimeoutError:
                self._task.cancel()
            self._task = None

    def wake(self) -> None:
        """Something was published: look at the outbox now rather than at the next poll."""
        self._wakeup.set()

    def watch(self, fact_id: int, shown: Rendered | None = None) -> None:
        """Keep ``fact_id``'s progress message up to date from now on (it shows ``shown``)."""
        self.progress.showing(fact_id, shown)
        self.wake()

    async def run(self) -> None:
        log.info("delivery worker started")
        while not self._stopping:
            try:
                if not await self.drain_once() and not self._stopping:
                    await self._idle()
            except Exception as error:
                await self._pause_after(error)
                continue
            if self._failed_passes:
                log.info("deliveries resume after %s failed passes", self._failed_passes)
                self._failed_passes = 0
        if self._unrecorded:
            try:
                await self._record_sent()
            except Exception as error:
                log.error(
                    "%s message(s) sent but not recorded (%s): the next start sends them again",
                    len(self._unrecorded),
                    _reason(error),
                )
        log.info("delivery worker stopped")

    async def _pause_after(self, error: Exception) -> None:
        """One ERROR line (the first of a series with its traceback), then a wait that doubles
        with each failure in a row; a stop ends it."""
        self._failed_passes += 1
        wait = min(self.max_pause, self.pause * 2.0 ** (self._failed_passes - 1))
        unrecorded = f"; {len(self._unrecorded)} sent, not yet recorded" if self._unrecorded else ""
        log.error(
            "deliveries paused for %.0f s: %s%s",
            wait,
            _reason(error),
            unrecorded,
            exc_info=error if self._failed_passes == 1 else None,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_requested.wait(), timeout=wait)

    async def _record_sent(self) -> None:
        """Write down what Telegram took while the store refused; raises while it still does."""
        for delivery_id, message_id in list(self._unrecorded.items()):
            await self.store.outbox.mark_sent(delivery_id, message_id)
            del self._unrecorded[delivery_id]

    @property
    def stopping(self) -> bool:
        return self._stopping

    async def _idle(self) -> None:
        due = [await self.store.outbox.next_attempt_at(), await self.store.changes.next_attempt_at()]
        next_at = min((at for at in due if at is not None), default=None)
        wait = self.idle_poll if next_at is None else max(0.0, min(self.idle_poll, next_at - self.clock()))
        self._wakeup.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=wait)

    # -- one pass ----------------------------------------------------------------------------

    async def drain_once(self) -> bool:
        """Send every row due now (one batch); returns whether there was anything to do.

        Raises when the store fails; a message already sent is then kept in memory, and the
        next pass records it before it sends anything."""
        await self._record_sent()
        rows = await self.store.outbox.due(self.batch_size, now=self.clock())
        quiet = await self.store.chat_settings.quiet_hours(row.chat_id for row in rows)
        # Every digest row due of the chats with one in this batch, in one query.
        digests = await self.store.outbox.digest_rows((r.chat_id for r in rows if r.digest), self.clock())
        touched: set[int] = set()
        changed_chats: set[int] = set()  # blocked or moved in this batch: their other rows changed too
        done: set[int] = set()  # rows sent in a digest with an earlier one
        for row in rows:
            if self._stopping:
                break
            if row.chat_id in changed_chats or row.id in done:
                continue
            schedule = quiet.get(row.chat_id)
            until = quiet_until(schedule, self.clock()) if schedule else None
            if until is not None:  # came due inside the reader's quiet hours (a retry, a late start)
                await self.store.outbox.retry_later(row.id, until, "quiet hours", count_attempt=False)
                continue
            outcome, group = await self._deliver(row, digests.get(row.chat_id))
            if outcome in (Outcome.GONE, Outcome.MOVE):
                changed_chats.add(row.chat_id)
            done.update(member.id for member in group)
            touched.update(member.fact_id for member in group)
            await self.progress.report(touched, final_check=False)
        changed = await self.changes.drain_once()
        await self.progress.report(touched | changed | self.progress.in_flight, final_check=True)
        return bool(rows or changed)

    async def _deliver(
        self, row: Delivery, digest: list[Delivery] | None = None
    ) -> tuple[Outcome | None, list[Delivery]]:
        """Send one row, or the chat's ``digest`` rows due with it, as one message; returns
        what went wrong (None when it was sent or deferred) and the rows it concerned."""
        wait_until = self.chat_free_at(row.chat_id)
        if wait_until is not None:
            # At most one message a second to one chat: come back to this row later.
            await self.store.outbox.retry_later(row.id, wait_until, "per-chat spacing", count_attempt=False)
            return None, [row]
        group, rendered = await self._render(row, digest)
        if rendered is None:
            return Outcome.FAIL, group
        text, markup = rendered
        ids = [member.id for member in group]
        await self.respect_pause()
        async with self.limiter:
            try:
                message = await self.bot.send_message(
                    row.chat_id, text, reply_markup=markup, request_timeout=self.request_timeout
                )
            except (AiogramError, TimeoutError, OSError) as error:
                # AiogramError covers Telegram's answers and the ones that are not Telegram's
                # (an HTML 502 page from a proxy fails to decode): classify() sorts them out.
                return await self._handle_failure(row, ids, error), group
        self.sent_to(row.chat_id)
        self.stats.sent += 1
        try:
            await self.store.outbox.mark_sent(ids, message.message_id)
        except Exception:
            for delivery_id in ids:  # sent: never again, whatever the store says
                self._unrecorded[delivery_id] = message.message_id
            raise
        if len(self._last_to_chat) > 10_000:
            horizon = self.clock() - self.per_chat_interval
            self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if v > horizon}
        return None, group

    def chat_free_at(self, chat_id: int) -> float | None:
        """When the next message to ``chat_id`` may go, if not now (one a second to a chat)."""
        last = self._last_to_chat.get(chat_id)
        if last is not None and self.clock() - last < self.per_chat_interval:
            return last + self.per_chat_interval
        return None

    def sent_to(self, chat_id: int) -> None:
        self._last_to_chat[chat_id] = self.clock()

    def forget(self, fact_id: int) -> None:
        """The fact was edited: render it anew."""
        self.renderer.forget(fact_id)

    async def render(self, row: Delivery) -> Message | None:
        """The message for one row (an edit's new text too): once per (fact, locale)."""
        return await self.renderer.single(row)

    async def _render(
        self, row: Delivery, digest: list[Delivery] | None
    ) -> tuple[list[Delivery], Message | None]:
        """The rows one message carries and the message; rows whose fact is gone are marked
        failed (None when nothing is left to send)."""
        if not row.digest:
            message = await self.renderer.single(row)
            missing, group = ([row], [row]) if message is None else ([], [row])
        else:
            message, group, missing = await self.renderer.digest(digest or [row])
        if missing:
            await self.store.outbox.mark_failed([m.id for m in missing], "fact not found")
            self.stats.failed += len(missing)
        return (group or missing), message

    async def respect_pause(self) -> None:
        while (wait := self._paused_until - self.clock()) > 0:  # noqa: ASYNC110 (the pause may grow)
            await asyncio.sleep(wait)

    def pause_for(self, seconds: float) -> float:
        """429: the whole queue waits ``seconds``; returns until when."""
        self.stats.rate_limited += 1
        self.stats.paused_seconds += seconds
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        log.warning("Telegram asked to slow down: pausing deliveries for %s s", seconds)
        return self._paused_until

    async def _handle_failure(self, row: Delivery, ids: list[int], error: BaseException) -> Outcome:
        outcome = classify(error)
        self.stats.by_outcome[outcome] = self.stats.by_outcome.get(outcome, 0) + 1
        reason = describe(error)
        if outcome is Outcome.PAUSE and isinstance(error, TelegramRetryAfter):
            # 429: the whole queue waits; this row keeps its place and its attempts.
            until = self.pause_for(error.retry_after)
            await self.store.outbox.retry_later(ids, until, reason, count_attempt=False)
        elif outcome is Outcome.MOVE and isinstance(error, TelegramMigrateToChat):
            self.stats.moved += 1
            log.info("chat %s became %s; following it", row.chat_id, error.migrate_to_chat_id)
            await self.store.outbox.move_chat(row.chat_id, error.migrate_to_chat_id)
        elif outcome is Outcome.GONE:
            self.stats.blocked += 1
            await self.store.outbox.mark_blocked(row.chat_id, reason)
        elif outcome is Outcome.RETRY and not self.policy.gives_up(row.attempts + 1):
            self.stats.retried += 1
            delay = self.policy.delay(row.attempts + 1)
            await self.store.outbox.retry_later(ids, self.clock() + delay, reason)
        else:
            self.stats.failed += 1
            log.warning("delivery %s to chat %s failed for good: %s", row.id, row.chat_id, reason)
            await self.store.outbox.mark_failed(ids, reason)
        return outcome


def _reason(error: BaseException) -> str:
    """``disk I/O error``, ``database is locked``: what an ERROR line says went wrong."""
    if isinstance(error, sqlite3.Error):
        return f"the store refuses ({error})"
    return describe(error) if isinstance(error, AiogramError) else f"{type(error).__name__}: {error}"[:200]
