"""What the worker sends for an outbox row, or for a chat's digest rows due together."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.domain.models import ALL_SECTORS, Delivery
from bot.store import Store
from bot.views.alerts import alert_markup
from bot.views.common import Rendered
from bot.views.digest import render_digest
from bot.views.facts import render_fact

Message = tuple[str, InlineKeyboardMarkup | None]


class Renderer:
    """Renders each (fact, locale) once: it is the same for every reader of that language."""

    def __init__(self, store: Store, i18n: I18n, cache_size: int = 64) -> None:
        self.store, self.i18n = store, i18n
        self._cache_size = cache_size
        self._rendered: dict[tuple[int, str], Message | None] = {}
        self._digests: dict[tuple[tuple[int, ...], str], tuple[Message | None, int, frozenset[int]]] = {}

    async def single(self, row: Delivery) -> Message | None:
        key = (row.fact_id, row.locale)
        if key not in self._rendered:
            if len(self._rendered) >= self._cache_size:
                self._rendered.pop(next(iter(self._rendered)))
            self._rendered[key] = await self._render_anew(row)
        return self._rendered[key]

    def forget(self, fact_id: int) -> None:
        """The fact was edited: render it (and the digests that hold it) anew."""
        for key in [key for key in self._rendered if key[0] == fact_id]:
            del self._rendered[key]
        for digest_key in [key for key in self._digests if fact_id in key[0]]:
            del self._digests[digest_key]

    async def digest(self, rows: Sequence[Delivery]) -> tuple[Message | None, list[Delivery], list[Delivery]]:
        """One message for a chat's digest rows (oldest first): (the message, the rows it
        holds, the rows whose fact is gone). Rows that do not fit stay for the next one.

        Readers of one language who were sent the same facts get the same digest: it is
        rendered once (a broadcast's digests are thousands of the same message)."""
        key = (tuple(row.fact_id for row in rows), rows[0].locale)
        if key not in self._digests:
            if len(self._digests) >= self._cache_size:
                self._digests.pop(next(iter(self._digests)))
            self._digests[key] = await self._digest_anew(rows)
        message, taken, missing = self._digests[key]
        present = [row for index, row in enumerate(rows) if index not in missing]
        return message, present[:taken], [rows[index] for index in missing]

    async def _digest_anew(self, rows: Sequence[Delivery]) -> tuple[Message | None, int, frozenset[int]]:
        """(the message, how many of the rows with a fact it holds, the positions of the others)."""
        items: list[Rendered] = []
        missing: set[int] = set()
        for index, row in enumerate(rows):
            message = await self.single(row)
            if message is None:
                missing.add(index)
            else:
                items.append(Rendered(*message))
        if not items:
            return None, 0, frozenset(missing)
        with self.i18n.context(), self.i18n.use_locale(rows[0].locale):
            rendered, taken = render_digest(items)
        return (rendered.text, rendered.markup), taken, frozenset(missing)

    async def _render_anew(self, row: Delivery) -> Message | None:
        content = await self.store.facts.content(row.fact_id, row.locale)
        if content is None:
            return None
        if content.kind == "alert":  # generated from new data: sent as rendered when queued
            return content.text, alert_markup(
                await self.store.alerts.buttons(row.fact_id, content.text_locale)
            )
        sector = (
            None
            if content.sector_id == ALL_SECTORS
            else await self.store.sectors.get(content.sector_id, row.locale)
        )
        with self.i18n.context(), self.i18n.use_locale(row.locale):
            rendered = render_fact(
                sector=sector,
                created_at=content.created_at,
                text=content.text,
                text_locale=content.text_locale,
                reader_locale=row.locale,
                source_url=content.source_url,
            )
        return rendered.text, rendered.markup
