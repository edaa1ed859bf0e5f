"""Edits and deletions of delivered messages, drained by the delivery worker from
``delivery_changes`` with the sends' guarantees: the same rate limiter and 429 pause, one
message a second to a chat, retries with back-off, and a row done only once Telegram
confirmed it (a crash repeats at most one edit, which Telegram shrugs off as "not modified").
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram.exceptions import AiogramError, TelegramBadRequest, TelegramRetryAfter

from bot.delivery.policy import Outcome, classify, describe
from bot.domain.changes import Change, ChangeAction, ChangeState
from bot.domain.models import Delivery

if TYPE_CHECKING:
    from bot.delivery.worker import DeliveryWorker

log = logging.getLogger(__name__)

# Telegram's answers that mean the change is as good as made, or can't be made.
_ALREADY = ("message is not modified", "message to delete not found")
_TOO_OLD = ("message can't be deleted",)


class ChangeSender:
    def __init__(self, worker: DeliveryWorker) -> None:
        self.worker = worker

    async def drain_once(self) -> set[int]:
        """Carry out the changes due now (one batch); returns the facts touched."""
        worker = self.worker
        touched: set[int] = set()
        due = await worker.store.changes.due(worker.batch_size, now=worker.clock())
        for fact_id in {change.fact_id for change in due if change.action is ChangeAction.EDIT}:
            worker.forget(fact_id)  # render the text as edited, not the one cached
        for change in due:
            if worker.stopping:
                break
            await self._apply(change)
            touched.add(change.fact_id)
        return touched

    async def _apply(self, change: Change) -> None:
        worker, repo = self.worker, self.worker.store.changes
        wait_until = worker.chat_free_at(change.chat_id)
        if wait_until is not None:
            await repo.retry_later(change.id, wait_until, "per-chat spacing", count_attempt=False)
            return
        await worker.respect_pause()
        try:
            async with worker.limiter:
                if change.action is ChangeAction.DELETE:
                    await worker.bot.delete_message(
                        change.chat_id, change.message_id, request_timeout=worker.request_timeout
                    )
                else:
                    rendered = await worker.render(
                        Delivery(0, change.fact_id, change.chat_id, change.locale, 0)
                    )
                    if rendered is None:
                        await repo.finish(change, ChangeState.FAILED, "fact not found")
                        return
                    text, markup = rendered
                    await worker.bot.edit_message_text(
                        text=text,
                        chat_id=change.chat_id,
                        message_id=change.message_id,
                        reply_markup=markup,
                        request_timeout=worker.request_timeout,
                    )
        except (AiogramError, TimeoutError, OSError) as error:
            await self._failed(change, error)
            return
        worker.sent_to(change.chat_id)
        await repo.finish(change, ChangeState.DONE)

    async def _failed(self, change: Change, error: BaseException) -> None:
        worker, repo = self.worker, self.worker.store.changes
        reason = describe(error)
        message = error.message.lower() if isinstance(error, TelegramBadRequest) else ""
        outcome = classify(error)
        if any(phrase in message for phrase in _ALREADY):
            await repo.finish(change, ChangeState.DONE, reason)
        elif change.action is ChangeAction.DELETE and any(phrase in message for phrase in _TOO_OLD):
            await repo.finish(change, ChangeState.KEPT, reason)
        elif outcome is Outcome.PAUSE and isinstance(error, TelegramRetryAfter):
            until = worker.pause_for(error.retry_after)
            await repo.retry_later(change.id, until, reason, count_attempt=False)
        elif outcome is Outcome.RETRY and not worker.policy.gives_up(change.attempts + 1):
            delay = worker.policy.delay(change.attempts + 1)
            await repo.retry_later(change.id, worker.clock() + delay, reason)
        else:
            log.warning(
                "%s of fact %s in chat %s failed: %s", change.action, change.fact_id, change.chat_id, reason
            )
            await repo.finish(change, ChangeState.FAILED, reason)
