"""Publishing a fact: the one use case behind ``/publish``, its guided flow and
``python -m bot publish FILE``, and the editor's way back: editing and withdrawing it.

It checks the sector (``all`` included), the text's length and the source link once for all
three, stores the fact with one outbox row per recipient (one transaction,
:meth:`FactRepo.publish`), wakes the delivery worker and, for an admin in a chat, keeps a
progress message in step. An edit or a withdrawal queues one change per message delivered,
which the same worker carries out at the same pace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from bot.domain.limits import FACT_TEXT_LIMIT, SOURCE_URL_LIMIT, utf16_length
from bot.domain.models import ALL_SECTORS, Sector, sector_argument
from bot.store import Store
from bot.store.facts import AlreadyPublished, Published, Withdrawn
from bot.views.common import Rendered
from bot.views.editor import render_progress

log = logging.getLogger(__name__)


class PublishError(ValueError):
    """The fact can't be published as given. ``field`` names what is wrong (for a file's error
    line); ``length`` is set when the text is too long."""

    def __init__(self, field: str, problem: str, length: int | None = None) -> None:
        super().__init__(problem)
        self.field, self.problem, self.length = field, problem, length


class Waker(Protocol):
    def wake(self) -> None: ...


class Watcher(Waker, Protocol):
    """The delivery worker, which keeps the editor's progress message up to date."""

    def watch(self, fact_id: int, shown: Rendered | None = None) -> None: ...


class ProgressMessage(Protocol):
    """Where an admin watches the delivery: a message the bot sent and can edit."""

    chat_id: int
    message_id: int

    async def edit(self, screen: Rendered) -> None: ...


class ProgressSender(Protocol):
    async def __call__(self, screen: Rendered) -> ProgressMessage: ...


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


_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def check_source_url(url: str, field: str = "source") -> str:
    """The source link stripped: an http(s) address with a host; :class:`PublishError` if it is
    missing or malformed."""
    cleaned = url.strip()
    if not cleaned:
        raise PublishError(field, "the source link is missing")
    if len(cleaned) > SOURCE_URL_LIMIT or any(ch.isspace() or ord(ch) < 32 for ch in cleaned):
        raise PublishError(field, f"'{cleaned[:80]}' is not a web address")
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        raise PublishError(field, f"'{cleaned[:80]}' is not a web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise PublishError(field, f"'{cleaned[:80]}' is not an http or https address")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if not _HOST.match(ascii_host.rstrip(".")) or "." not in ascii_host.strip("."):
        raise PublishError(field, f"'{cleaned[:80]}' has no valid host")
    return cleaned


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
    source_url: str,
    key: str | None = None,
    worker: Watcher | None = None,
    progress: ProgressSender | None = None,
) -> Published:
    """Store the fact and its outbox rows, wake ``worker``; with ``progress``, show the
    delivery's progress in a message the worker then keeps up to date.

    ``key`` names the confirmation that publishes (a chat and message): a second tap on it
    raises :class:`AlreadyPublished` and sends nothing."""
    if sector_id != ALL_SECTORS and not await store.sectors.exists(sector_id):
        raise PublishError("sector", f"unknown sector '{sector_id}'")
    checked = {locale: check_text(text, f"text.{locale}") for locale, text in texts.items()}
    source = check_source_url(source_url)
    published = await store.facts.publish(sector_id, checked, original, author_id, source_url=source, key=key)
    log.info("fact %s published to %s: %s recipients", published.fact_id, sector_id, published.recipients)
    if progress is None:
        if worker is not None:
            worker.wake()
        return published
    shown = await summary_screen(store, published.fact_id)
    message = await progress(shown)
    await store.facts.set_progress_message(published.fact_id, message.chat_id, message.message_id)
    if worker is not None:
        # From here on the worker alone edits it (also if it sent everything before it could
        # know where the progress is shown): two editors would race to the same text.
        worker.watch(published.fact_id, shown)
    return published


async def summary_screen(store: Store, fact_id: int) -> Rendered:
    """The editor's progress message for ``fact_id``: delivery, then edits and withdrawal, in
    the locale the caller set."""
    return render_progress(fact_id, await store.outbox.counts(fact_id), await store.changes.of_fact(fact_id))


async def edit(store: Store, fact_id: int, *, locale: str, text: str, worker: Waker | None = None) -> int:
    """Replace the fact's text (in the editor's language) and edit every message delivered;
    returns how many chats get the edit. :class:`LookupError` if the fact is gone."""
    chats = await store.facts.edit(fact_id, locale, check_text(text))
    log.info("fact %s edited: %s chats to update", fact_id, chats)
    if worker is not None:
        worker.wake()
    return chats


async def withdraw(store: Store, fact_id: int, *, worker: Waker | None = None) -> Withdrawn:
    """Take the fact off the cards and delete every message delivered that Telegram still
    lets the bot delete (48 hours); :class:`LookupError` if it is withdrawn already."""
    withdrawn = await store.facts.withdraw(fact_id)
    log.info("fact %s withdrawn: %s chats to delete, %s kept", fact_id, withdrawn.deleting, withdrawn.kept)
    if worker is not None:
        worker.wake()
    return withdrawn


__all__ = ["AlreadyPublished", "PublishError", "Published", "Withdrawn", "edit", "publish", "withdraw"]
