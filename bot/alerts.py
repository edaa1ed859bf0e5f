"""Alerts when data changes: after a ``data load`` or a ``data fetch``, one message per reader.

What readers were told of is kept in the ``announced`` table: every trade figure the screens
show (news and official, keyed by period, reporter, flow and sources, with its value) and
every topic id. A load or fetch compares what the screens show now with it:

- ``figures`` subscribers get one alert listing each reporter's period that is new (a new
  period, or a period newly covered by another reporter or source, such as UN Comtrade's 2023
  beside the news' 2023) or revised (a value changed), with buttons to the cards;
- sector subscribers get one message listing the new topics of all the sectors they follow;
- a reader following both gets one message with both parts, not two.

The alerts are facts of kind 'alert' rendered in all four languages when queued, delivered by
the outbox worker like any fact (rate limit, retries, resume after a crash). The first time
(no ``announced`` rows yet), the state before the load or fetch is the reference, or, with
none given, the present state is recorded without alerts, so a fresh install or an upgraded
database does not alert on data the readers have seen.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import aiosqlite
from aiogram.utils.i18n import I18n

from bot.domain.models import ALL_SECTORS, FIGURES, LOCALES, Flow, Period, Sector, Status, TradeFigure
from bot.domain.trade import FLOW_ORDER
from bot.store import Store
from bot.store.alerts import AlertMessage, Reader, follows_sector
from bot.views.alerts import (
    FigureNews,
    buttons_of,
    combine_alerts,
    render_figures_alert,
    render_topics_alert,
)
from bot.views.common import Rendered, status_label

log = logging.getLogger(__name__)


class Waker(Protocol):
    def wake(self) -> None: ...


def _figure_key(figure: TradeFigure) -> str:
    return "|".join((figure.period.key, figure.reporter or "-", figure.flow, " ".join(figure.source_ids)))


def _figure_value(figure: TradeFigure) -> str:
    return f"{figure.value_usd!r}|{figure.growth_pct!r}"


async def _figures(store: Store) -> dict[str, TradeFigure]:
    """Every figure the screens show, by a key that is unique within the data."""
    found: dict[str, TradeFigure] = {}
    for period in await store.trade.periods():
        for figure in await store.trade.figures(period, "en"):
            key = base = _figure_key(figure)
            copy = 1
            while key in found:
                copy += 1
                key = f"{base}#{copy}"
            found[key] = figure
    return found


async def figure_state(store: Store) -> dict[str, str]:
    return {key: _figure_value(figure) for key, figure in (await _figures(store)).items()}


async def topic_state(store: Store) -> dict[str, str]:
    return dict.fromkeys(await store.alerts.topic_ids(), "")


def _render_all(i18n: I18n, render: object) -> dict[str, AlertMessage]:
    messages = {}
    for locale in LOCALES:
        with i18n.context(), i18n.use_locale(locale):
            rendered: Rendered = render(locale)  # type: ignore[operator]
        messages[str(locale)] = AlertMessage(rendered.text, buttons_of(rendered))
    return messages


def _growth(figure: TradeFigure, figures: Sequence[TradeFigure]) -> float | None:
    """The figure's own growth, else from the same statistics (reporter, outlet kind) a year before."""
    if figure.growth_pct is not None or figure.value_usd is None:
        return figure.growth_pct
    year_before = Period(year=figure.period.year - 1, start=figure.period.start, end=figure.period.end)
    official = figure.source_ids[:1] != () and figure.source_ids[0].startswith("comtrade-")
    for other in figures:
        if (
            other.period == year_before
            and other.reporter == figure.reporter
            and other.flow == figure.flow
            and other.value_usd
            and other.source_ids[:1] != ()
            and other.source_ids[0].startswith("comtrade-") == official
        ):
            return round((figure.value_usd / other.value_usd - 1) * 100)
    return None


class FigureAnnouncer:
    """Alerts the ``figures`` subscribers (see the module's docstring); the fetch calls it
    inside its transaction (bot/ingest/refresh.py)."""

    def __init__(self, store: Store, i18n: I18n) -> None:
        self._store, self._i18n = store, i18n

    async def snapshot(self) -> dict[str, str]:
        return await figure_state(self._store)

    async def news(self, conn: aiosqlite.Connection, baseline: Mapping[str, str] | None) -> list[FigureNews]:
        """What is new or revised since readers were last told; recorded as told in ``conn``."""
        store = self._store
        figures = await _figures(store)
        state = {key: _figure_value(figure) for key, figure in figures.items()}
        told = await store.alerts.announced("figure")
        reference = told if told is not None else (baseline if baseline is not None else state)
        await store.alerts.set_announced(conn, "figure", state)
        return await self._news(figures, state, reference)

    async def announce(self, conn: aiosqlite.Connection, baseline: Mapping[str, str] | None) -> int:
        """A fetch's alert (figures only) to the ``figures`` subscribers; returns how many."""
        store = self._store
        news = await self.news(conn, baseline)
        readers = await store.alerts.figure_readers()
        if not news or not readers:
            return 0
        messages = _render_all(self._i18n, lambda locale: render_figures_alert(news, locale))
        await store.alerts.queue(conn, sector_id=FIGURES, messages=messages, readers=readers)
        log.info("figures alert queued for %d chats: %d items", len(readers), len(news))
        return len(readers)

    async def _news(
        self, figures: Mapping[str, TradeFigure], state: Mapping[str, str], reference: Mapping[str, str]
    ) -> list[FigureNews]:
        groups: dict[tuple[Period, str, tuple[str, ...]], dict[str, list[str]]] = {}
        for key, value in state.items():
            before = reference.get(key)
            if before == value:
                continue
            figure = figures[key]
            group = groups.setdefault((figure.period, figure.reporter or "", figure.source_ids), {})
            group.setdefault("new" if before is None else "revised", []).append(key)
        all_figures = list(figures.values())
        source_ids = tuple(dict.fromkeys(sid for figure in all_figures for sid in figure.source_ids))
        outlets = {source.id: source.outlet for source in await self._store.sources.by_ids(source_ids)}
        rank = {flow: index for index, flow in enumerate(FLOW_ORDER)}
        news = []
        for (period, reporter, sids), changes in groups.items():
            revised = "new" not in changes
            keys = changes.get("new") or changes["revised"]
            if not revised:  # the whole group is news: lead with its turnover
                keys = [
                    k
                    for k, f in figures.items()
                    if (f.period, f.reporter or "", f.source_ids) == (period, reporter, sids)
                ]
            headline_key = min(keys, key=lambda k: (figures[k].value_usd is None, rank[figures[k].flow]))
            headline = figures[headline_key]
            if headline.flow is Flow.BALANCE and headline.value_usd is None and headline.growth_pct is None:
                continue
            previous = None
            if revised:
                previous = _parse_value(reference[headline_key])
                if previous is None:
                    continue
            news.append(
                FigureNews(
                    headline=headline,
                    outlets=tuple(dict.fromkeys(outlets.get(sid, sid) for sid in sids)),
                    growth_pct=_growth(headline, all_figures),
                    previous_value=previous,
                )
            )
        news.sort(key=lambda n: (n.revised, -n.headline.period.year, n.headline.reporter or ""))
        return news


def _parse_value(value: str) -> float | None:
    head = value.split("|", 1)[0]
    try:
        return float(head)
    except ValueError:
        return None


async def new_topics(
    store: Store, conn: aiosqlite.Connection, baseline: Mapping[str, str] | None
) -> list[str]:
    """The topics readers were not told of yet; recorded as told in ``conn``."""
    state = await topic_state(store)
    told = await store.alerts.announced("topic")
    reference = told if told is not None else (baseline if baseline is not None else state)
    await store.alerts.set_announced(conn, "topic", state)
    return [topic_id for topic_id in state if topic_id not in reference]


Sections = dict[str, list[tuple[Sector, list[tuple[str, str, str]]]]]


async def _topic_sections(store: Store, topic_ids: Sequence[str], sector_of: Mapping[str, str]) -> Sections:
    """Per language, the sectors of ``topic_ids`` with their topics as (id, title, status)."""
    sectors = tuple(dict.fromkeys(sector_of[t] for t in topic_ids))
    sections: Sections = {}
    for locale in LOCALES:
        for sector_id in sectors:
            sector = await store.sectors.get(sector_id, locale)
            if sector is None:
                continue
            items = []
            for topic_id in topic_ids:
                topic = await store.topics.get(topic_id, locale)
                if topic is not None and topic.sector_id == sector_id:
                    items.append((topic.id, topic.title, str(topic.status)))
            sections.setdefault(str(locale), []).append((sector, items))
    return sections


async def _queue_alerts(
    store: Store, i18n: I18n, conn: aiosqlite.Connection, news: Sequence[FigureNews], topics: Sequence[str]
) -> int:
    """One message per reader: the new figures if they follow them, the new topics of the
    sectors they follow, or both in one. Readers who get the same are one alert fact."""
    sector_of = dict(await store.alerts.topic_sectors(topics)) if topics else {}
    groups: dict[tuple[bool, tuple[str, ...]], list[Reader]] = {}
    for reader in await store.alerts.readers():
        figures = bool(news) and FIGURES in reader.follows
        mine = tuple(t for t in topics if t in sector_of and follows_sector(reader, sector_of[t]))
        if figures or mine:
            groups.setdefault((figures, mine), []).append(reader)
    for (figures, topic_ids), readers in groups.items():
        sections = await _topic_sections(store, topic_ids, sector_of) if topic_ids else {}

        def render(locale: str, figures: bool = figures, sections: Sections = sections) -> Rendered:
            parts = [render_figures_alert(news, locale)] if figures else []
            if sections.get(locale):
                shown = [
                    (sector, [(tid, title, status_label(Status(status))) for tid, title, status in items])
                    for sector, items in sections[locale]
                ]
                parts.append(render_topics_alert(shown))
            return combine_alerts(parts)

        sectors = tuple(dict.fromkeys(sector_of[t] for t in topic_ids))
        sector_id = (
            FIGURES if not sectors else sectors[0] if len(sectors) == 1 and not figures else ALL_SECTORS
        )
        await store.alerts.queue(
            conn, sector_id=sector_id, messages=_render_all(i18n, render), readers=readers
        )
    chats = sum(len(readers) for readers in groups.values())
    if chats:
        log.info(
            "new data alert queued for %d chats: %d figures items, %d topics", chats, len(news), len(topics)
        )
    return chats


async def announce_new_data(
    store: Store,
    i18n: I18n,
    *,
    figures_before: Mapping[str, str] | None = None,
    topics_before: Mapping[str, str] | None = None,
    worker: Waker | None = None,
) -> int:
    """After a load (or at start-up, to catch up): alert on new figures and topics in one
    transaction; returns how many chats get a message."""
    async with store.db.transaction() as conn:
        news = await FigureAnnouncer(store, i18n).news(conn, figures_before)
        topics = await new_topics(store, conn, topics_before)
        chats = await _queue_alerts(store, i18n, conn, news, topics)
    if chats and worker is not None:
        worker.wake()
    return chats


async def load_and_announce(
    store: Store, directory: Path, i18n: I18n, *, force: bool = True, worker: Waker | None = None
) -> bool:
    """``data load`` with its alerts: load ``directory`` (all or nothing), then tell the
    subscribers what it brought. Returns whether anything was loaded."""
    figures_before = await figure_state(store)
    topics_before = await topic_state(store)
    loaded = await store.load_data(directory, force=force)
    if loaded:
        await announce_new_data(
            store, i18n, figures_before=figures_before, topics_before=topics_before, worker=worker
        )
    return loaded
