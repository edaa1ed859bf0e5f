"""The editor's progress message, kept in step with the outbox by the delivery worker: edited
at most every ``interval`` seconds while a fact is delivered, and once more at the end (with
the buttons to edit or withdraw it), and again as its edits or withdrawal go out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from aiogram import Bot
from aiogram.exceptions import AiogramError
from aiogram.utils.i18n import I18n
from aiolimiter import AsyncLimiter
from cachetools import LRUCache

from bot.delivery.policy import describe
from bot.publishing import summary_screen
from bot.store import Store
from bot.views.common import Rendered

log = logging.getLogger(__name__)


class ProgressReporter:
    def __init__(
        self,
        bot: Bot,
        store: Store,
        i18n: I18n,
        limiter: AsyncLimiter,
        clock: Callable[[], float],
        interval: float,
    ) -> None:
        self.bot, self.store, self.i18n, self.limiter = bot, store, i18n, limiter
        self.clock, self.interval = clock, interval
        self._shown: dict[int, tuple[float, Rendered | None]] = {}
        # Facts with no progress message (published from the CLI): bounded, as facts accumulate.
        self._no_progress_until: LRUCache[int, float] = LRUCache(maxsize=1024)

    @property
    def in_flight(self) -> set[int]:
        """Facts whose progress is still shown as under way."""
        return set(self._shown)

    def showing(self, fact_id: int, screen: Rendered | None) -> None:
        """The progress message shows ``screen`` now (None: unknown): report from there, at the
        next pass."""
        self._no_progress_until.pop(fact_id, None)
        self._shown[fact_id] = (float("-inf"), screen)

    async def report(self, fact_ids: Iterable[int], *, final_check: bool) -> None:
        """Edit each fact's progress message if it changed; not more often than ``interval``
        unless ``final_check``."""
        for fact_id in sorted(set(fact_ids)):
            shown_at, shown = self._shown.get(fact_id, (0.0, None))
            if not final_check and self.clock() - shown_at < self.interval:
                continue
            if not final_check and self._no_progress_until.get(fact_id, 0.0) > self.clock():
                continue
            target = await self.store.facts.progress_message(fact_id)
            if target is None:
                self._shown.pop(fact_id, None)
                self._no_progress_until[fact_id] = self.clock() + self.interval
                continue
            with self.i18n.context(), self.i18n.use_locale(await self.store.facts.author_locale(fact_id)):
                screen = await summary_screen(self.store, fact_id)
            if screen != shown:
                chat_id, message_id = target
                try:
                    async with self.limiter:
                        await self.bot.edit_message_text(
                            text=screen.text,
                            chat_id=chat_id,
                            message_id=message_id,
                            reply_markup=screen.markup,
                        )
                except (AiogramError, TimeoutError, OSError) as error:
                    log.info("could not update the progress of fact %s: %s", fact_id, describe(error))
            # Under way while it shows no buttons (still delivering) or a change is pending.
            changes = await self.store.changes.of_fact(fact_id)
            if (screen.markup is not None or changes.withdrawn) and not changes.pending:
                self._shown.pop(fact_id, None)
            else:
                self._shown[fact_id] = (self.clock(), screen)
