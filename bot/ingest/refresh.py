"""The fetch use case: Comtrade rows → figures → compared with the store → one transaction.

``python -m bot data fetch`` and the refresh loop of ``run`` both come here::

    rows = await client.fetch_all(plan_queries(years, monthly=monthly, preview=client.preview))
    result = await refresh(store, map_rows(rows, retrieved=today), chapter_names=names,
                           announcer=announcer)

Nothing is written unless the rows bring a value the store does not hold: running a fetch twice
changes no figure, no source date, no data version and sends no alert. Otherwise, in one
transaction, new values are added, revised ones replace the stored value and are recorded in
``official_revisions``, the sources of those values get the retrieval date, the alert to the
``figures`` subscribers is queued (by ``announcer``, which renders it), and the data version is
bumped so that cached screens are drawn anew. Any failure before or inside it leaves the
database exactly as it was. Figures a narrower fetch does not mention stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol, TypeVar

import aiosqlite

from bot.ingest.hs_chapters import ChapterName
from bot.ingest.mapping import ChapterFigure, OfficialFigure, OfficialStatistics, diff
from bot.store import Store
from bot.store.db import bump_data_version
from bot.store.stats import Revision, StoredChapter, StoredFigure

T = TypeVar("T")


class Announcer(Protocol):
    """Tells the ``figures`` subscribers what changed (bot/alerts.py renders and queues it)."""

    async def snapshot(self) -> dict[str, str]:
        """What the screens show now, before the fetch writes."""
        ...

    async def announce(self, conn: aiosqlite.Connection, baseline: Mapping[str, str]) -> int:
        """Queue the alert inside ``conn``'s transaction; returns how many chats get it."""
        ...


@dataclass(frozen=True)
class RefreshResult:
    rows: int
    figures_new: int
    figures_revised: int
    figures_unchanged: int
    chapters_new: int
    chapters_revised: int
    alerted: int  # chats that get an alert

    @property
    def changed(self) -> bool:
        return bool(self.figures_new or self.figures_revised or self.chapters_new or self.chapters_revised)

    def summary(self) -> str:
        """One line for the command line and the log."""
        if not self.changed:
            return (
                f"{self.rows} rows, {self.figures_unchanged} figures: nothing new (the database is unchanged)"
            )
        return (
            f"{self.rows} rows: {self.figures_new} new figures, {self.figures_revised} revised, "
            f"{self.figures_unchanged} unchanged; {self.chapters_new} new HS chapter figures, "
            f"{self.chapters_revised} revised; alert queued for {self.alerted} chats"
        )


def _as(target: type[T], value: Any) -> T:
    """The same record as the other side's type: the ingest's figures and the store's have the
    same fields (kept apart so that neither package imports the other's)."""
    return target(**{field.name: getattr(value, field.name) for field in fields(target)})  # type: ignore[arg-type]


async def refresh(
    store: Store,
    stats: OfficialStatistics,
    *,
    rows: int,
    chapter_names: Mapping[str, ChapterName],
    announcer: Announcer | None = None,
    now: dt.datetime | None = None,
) -> RefreshResult:
    """Store what ``stats`` brings anew (see the module's docstring)."""
    now = now or dt.datetime.now(dt.UTC)
    figures = diff([_as(OfficialFigure, f) for f in await store.official.stored_figures()], stats.figures)
    chapters = diff([_as(ChapterFigure, c) for c in await store.official.stored_chapters()], stats.chapters)
    alerted = 0
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not (figures.changes or chapters.changes):
        async with store.db.transaction() as conn:
            await store.official.mark_fetched(conn, stamp)
    else:
        revisions = [
            Revision(new.period, new.reporter, new.flow, None, old.value_usd, new.value_usd, new.source_id)
            for old, new in figures.revised
        ] + [
            Revision(
                new.period, new.reporter, new.flow, new.chapter, old.value_usd, new.value_usd, new.source_id
            )
            for old, new in chapters.revised
        ]
        written_figures = [*figures.new, *(new for _old, new in figures.revised)]
        written_chapters = [*chapters.new, *(new for _old, new in chapters.revised)]
        touched = {f.source_id for f in written_figures} | {c.source_id for c in written_chapters}
        async with store.db.transaction() as conn:
            baseline = await announcer.snapshot() if announcer is not None else {}
            await store.official.write(
                conn,
                retrieved=stats.sources[0].retrieved.isoformat() if stats.sources else now.date().isoformat(),
                sources=[source for source in stats.sources if source.id in touched],
                figures=[_as(StoredFigure, f) for f in written_figures],
                chapters=[_as(StoredChapter, c) for c in written_chapters],
                revisions=revisions,
                chapter_names={code: name.model_dump() for code, name in chapter_names.items()},
            )
            if announcer is not None:
                alerted = await announcer.announce(conn, baseline)
            await store.official.mark_fetched(conn, stamp)
            version = await bump_data_version(conn)
        store.version.bump(version)
    return RefreshResult(
        rows=rows,
        figures_new=len(figures.new),
        figures_revised=len(figures.revised),
        figures_unchanged=len(figures.unchanged),
        chapters_new=len(chapters.new),
        chapters_revised=len(chapters.revised),
        alerted=alerted,
    )


__all__ = ["Announcer", "RefreshResult", "refresh"]
