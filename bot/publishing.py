"""Publishing a fact: the one use case behind ``/publish``, its guided flow and
``python -m bot publish FILE``.

It checks the sector (``all`` included) and the text's length once for all three, stores the
fact with one outbox row per recipient (one transaction, :meth:`FactRepo.publish`), wakes the
delivery worker and, for an admin in a chat, keeps a progress message in step.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.domain.limits import FACT_TEXT_LIMIT, utf16_length
from bot.domain.models import ALL_SECTORS, Sector, sector_argument
from bot.store import Store
from bot.store.facts import Published
from bot.views.admin import render_progress

log = logging.getLogger(__name__)


class PublishError(ValueError):
    """The fact can't be published as given. ``field`` names what is wrong (for a file's error
    line); ``length`` is set when the text is too long."""

    def __init__(self, field: str, problem: str, length: int | None = None) -> None:
        super().__init__(problem)
        self.field, self.problem, self.length = field, problem, length


class Waker(Protocol):
    def wake(self) -> None: ...


class ProgressMessage(Protocol):
    """Where an admin watches the delivery: a message the bot sent and can edit."""

    chat_id: int
    message_id: int

    async def edit(self, text: str) -> None: ...


class ProgressSender(Protocol):
    async def __call__(self, text: str) -> ProgressMessage: ...


@dataclass(frozen=True)
class Target:
    """A checked sector: its id (``'*'`` for all sectors) and the sector (None for all)."""

    sector_id: str
    sector: Sector | None


async def resolve_sector(store: Store, word: str, locale: str) -> Target | None:
    """The sector ``word`` names (an id, ``all`` or ``*``), or None if there is no such sector."""
    sectors = await store.sectors.all(locale)
    sector_id = sector_argument(word, {s.id for s in sectors})
    if sector_id is None:
        return None
    return Target(sector_id, next((s for s in sectors if s.id == sector_id), None))


def check_text(text: str, field: str = "text") -> str:
    """The text stripped; :class:`PublishError` if empty or over :data:`FACT_TEXT_LIMIT`
    UTF-16 units (as Telegram counts)."""
    cleaned = text.strip()
    if not cleaned:
        raise PublishError(field, "the text is empty")
    length = utf16_length(cleaned)
    if length > FACT_TEXT_LIMIT:
        raise PublishError(field, f"{length} characters, over the limit of {FACT_TEXT_LIMIT}", length)
    return cleaned


async def publish(
    store: Store,
    *,
    sector_id: str,
    texts: Mapping[str, str],
    original: str,
    author_id: int | None,
    worker: Waker | None = None,
    progress: ProgressSender | None = None,
) -> Published:
    """Store the fact and its outbox rows, wake ``worker``; with ``progress``, show the
    delivery's progress in a message the worker then keeps up to date."""
    if sector_id != ALL_SECTORS and not await store.sectors.exists(sector_id):
        raise PublishError("sector", f"unknown sector '{sector_id}'")
    checked = {locale: check_text(text, f"text.{locale}") for locale, text in texts.items()}
    published = await store.facts.publish(sector_id, checked, original, author_id)
    log.info("fact %s published to %s: %s recipients", published.fact_id, sector_id, published.recipients)
    if progress is None:
        if worker is not None:
            worker.wake()
        return published
    counts = await store.outbox.counts(published.fact_id)
    message = await progress(render_progress(published.fact_id, counts))
    await store.facts.set_progress_message(published.fact_id, message.chat_id, message.message_id)
    if worker is not None:
        worker.wake()
    # The worker may have finished before it could know where the progress is shown.
    now = await store.outbox.counts(published.fact_id)
    if now != counts:
        await message.edit(render_progress(published.fact_id, now))
    return published
