"""What each screen shows: ask the store, hand the result to a view.

Shared by commands, deep links, buttons, free text and inline mode, so ``/turnover 2024``,
``/start turnover_2024``, the 2024 button and "оборот за 2024" render through one path.
Knows nothing of aiogram's Dispatcher or of SQL; sending is bot/handlers/telegram.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.deeplinks import DeepLink, LinkKind
from bot.domain.models import ALL_SECTORS, Flow, Period, Sector, Topic
from bot.domain.trade import headline_period, nearest_periods, parse_period, resolve_period
from bot.product_screens import has_products, products_screen
from bot.screencache import cached
from bot.search.model import Intent, Target, TargetKind
from bot.store import Store
from bot.views import format as fmt
from bot.views.chart import TurnoverChart, turnover_chart
from bot.views.common import Rendered
from bot.views.compare import render_compare
from bot.views.facts import render_fact_in_full
from bot.views.items import MAX_ITEMS, render_latest, render_place
from bot.views.search import focus_flows, target_label
from bot.views.sectors import PAGE_SIZE as SECTOR_PAGE
from bot.views.sectors import render_sector_card, render_sector_list, render_unknown_sector
from bot.views.sources import PAGE_SIZE, page_count, render_sources
from bot.views.topic import render_topic_card
from bot.views.turnover import render_no_data, render_turnover, render_unknown_period


async def turnover_screen(
    store: Store, locale: str, query: str | None = None, focus: Sequence[Flow] = ()
) -> Rendered:
    """The latest period by default; ``query`` is what the reader typed after /turnover;
    ``focus`` the flows a question asked about, shown first."""
    coverage = await cached(store, ("coverage",), store.trade.coverage)
    headline = headline_period(coverage)
    if headline is None:
        return render_no_data()
    periods = tuple(sorted(coverage, reverse=True))  # newest first, as the buttons show them
    shown = headline
    if query and len(query.split()) == 2:  # "/turnover 2023 2024": the two side by side
        return await compare_screen(store, locale, tuple(query.split()))
    if query:
        try:
            requested = parse_period(query)
        except ValueError:
            return render_unknown_period(query, periods, locale, parsed=False)
        found = resolve_period(requested, coverage)
        if found is None:
            # Never another period's card: say so, and offer the periods there are, nearest first.
            nearest = nearest_periods(requested, coverage, limit=len(coverage))
            return render_unknown_period(fmt.period(requested, locale), nearest, locale, parsed=True)
        shown = found

    async def render() -> Rendered:
        return render_turnover(await store.trade.report(shown, locale, periods), locale, focus)

    return await cached(store, ("turnover", shown, tuple(focus), locale), render)


async def compare_screen(store: Store, locale: str, keys: Sequence[str]) -> Rendered:
    """Two periods side by side (the earlier first); a period without data is refused as
    /turnover refuses it."""
    coverage = await cached(store, ("coverage",), store.trade.coverage)
    found = []
    for key in keys[:2]:
        try:
            period = resolve_period(parse_period(key), coverage)
        except ValueError:
            period = None
        if period is None:
            return await turnover_screen(store, locale, key)
        found.append(period)
    old, new = sorted(set(found))[0], sorted(set(found))[-1]
    if old == new:
        return await turnover_screen(store, locale, old.key)
    periods = tuple(sorted(coverage, reverse=True))

    async def render() -> Rendered:
        reports = [await store.trade.report(p, locale, periods) for p in (old, new)]
        return render_compare(reports[0], reports[1], locale)

    return await cached(store, ("compare", old, new, locale), render)


async def latest_screen(store: Store, locale: str) -> Rendered:
    """The newest items across sectors."""

    async def render() -> Rendered:
        topics = await store.topics.latest(locale, MAX_ITEMS)
        return render_latest(await _with_sectors(store, topics, locale), locale)

    return await cached(store, ("latest", locale), render)


async def place_screen(store: Store, locale: str, place: str, items: Sequence[Target]) -> Rendered:
    """The items about a place (``place``: its name in ``locale``), newest first."""
    ids = tuple(dict.fromkeys(t.id for t in items if t.kind is TargetKind.TOPIC))
    topics = await store.topics.some(ids, locale)
    return render_place(place, await _with_sectors(store, topics, locale), locale)


async def _with_sectors(store: Store, topics: Sequence[Topic], locale: str) -> list[tuple[Topic, Sector]]:
    found = []
    for topic in topics:
        sector = await store.sectors.get(topic.sector_id, locale)
        if sector is not None:
            found.append((topic, sector))
    return found


async def turnover_details_screen(store: Store, locale: str, period_key: str) -> Rendered:
    """The detailed card of a period (footnotes: who stated each figure, our inferences); a
    period with no data (an old or forged button) gets the summary card's answer."""
    coverage = await cached(store, ("coverage",), store.trade.coverage)
    try:
        period = Period.from_key(period_key)
    except ValueError:
        period = None
    if period is None or period not in coverage:
        return await turnover_screen(store, locale, period_key or None)
    periods = tuple(sorted(coverage, reverse=True))

    async def render() -> Rendered:
        return render_turnover(await store.trade.report(period, locale, periods), locale, details=True)

    return await cached(store, ("turnover-details", period, locale), render)


async def sectors_screen(store: Store, locale: str) -> Rendered:
    async def render() -> Rendered:
        return render_sector_list(await store.sectors.all(locale))

    return await cached(store, ("sectors", locale), render)


async def sector_screen(
    store: Store,
    locale: str,
    sector_id: str,
    chat_id: int | None = None,
    page: int = 0,
    today: dt.date | None = None,
) -> Rendered:
    """Page ``page`` of the sector card; with ``chat_id`` its subscribe button shows that
    chat's state. ``today`` (UTC by default) ages the plans whose date is over."""
    followed = await store.subscriptions.sectors_of(chat_id) if chat_id is not None else frozenset()
    through_all = ALL_SECTORS in followed  # "all sectors" covers this one too
    subscribed = through_all or sector_id in followed
    day = today or utc_today()

    async def render() -> Rendered:
        card = await store.sectors.card(sector_id, locale)
        if card is None:
            return render_unknown_sector(sector_id, await store.sectors.all(locale))
        return render_sector_card(
            card, locale, today=day, page=page, subscribed=subscribed, through_all=through_all
        )

    shown = max(0, min(page, 999))  # the view clamps; this only bounds the cache key
    return await cached(
        store, ("sector", sector_id[:64], shown, subscribed, through_all, day, locale), render
    )


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def sources_screen(store: Store, locale: str, page: int = 0, source_id: str | None = None) -> Rendered:
    """Page ``page`` of the sources, or the page listing ``source_id``."""
    sources = await cached(store, ("sources", locale), lambda: store.sources.all(locale))
    if source_id is not None:
        ids = [source.id for source in sources]
        page = ids.index(source_id) // PAGE_SIZE if source_id in ids else 0
    shown = max(0, min(page, page_count(len(sources)) - 1))

    async def render() -> Rendered:
        return render_sources(sources, shown, locale, await store.sources.backing(locale))

    return await cached(store, ("sources", shown, locale), render)


async def topic_screen(
    store: Store, locale: str, topic_id: str, page: int | None = None, today: dt.date | None = None
) -> Rendered | None:
    """One item in full; Back returns to page ``page`` of its sector card (by default the
    page that lists it)."""
    day = today or utc_today()

    async def render() -> Rendered | None:
        topic = await store.topics.get(topic_id, locale)
        if topic is None:
            return None
        sector = await store.sectors.get(topic.sector_id, locale)
        if sector is None:
            return None
        back = page
        if back is None:
            ids = [t.id for t in await store.topics.of_sector(topic.sector_id, locale)]
            back = ids.index(topic.id) // SECTOR_PAGE if topic.id in ids else 0
        sources = await store.sources.by_ids(topic.source_ids, locale)
        return render_topic_card(topic, sector, sources, locale, today=day, page=max(0, back))

    return await cached(store, ("topic", topic_id[:64], page, day, locale), render)


async def fact_screen(store: Store, locale: str, fact_id: int, sector_id: str) -> Rendered:
    """A published update in full, with Back to its sector card."""
    content = await store.facts.content(fact_id, locale)
    if content is None or content.kind != "news":
        return await sector_screen(store, locale, sector_id)
    sector = await store.sectors.get(content.sector_id, locale)
    return render_fact_in_full(
        sector=sector,
        created_at=content.created_at,
        text=content.text,
        text_locale=content.text_locale,
        reader_locale=locale,
        back_to=sector_id,
    )


async def target_screen(
    store: Store, locale: str, target: Target, period: str | None = None, chat_id: int | None = None
) -> Rendered:
    """The screen that answers a search target, exactly as its command shows it; ``period``
    (a key) for the trade figures; ``chat_id`` for the subscribe button of a sector card. A
    published fact opens its sector's card, where it is listed. A target gone since (a topic
    removed) shows the sectors."""
    intent = target.flow_intent
    if intent is not None:
        return await turnover_screen(store, locale, target.period or period, focus_flows(intent))
    if target.kind is TargetKind.INTENT and target.id == Intent.SOURCES:
        return await sources_screen(store, locale)
    if target.kind is TargetKind.SOURCE:
        return await sources_screen(store, locale, source_id=target.id)
    if target.kind is TargetKind.SECTOR:
        return await sector_screen(store, locale, target.id, chat_id)
    if target.kind is TargetKind.PRODUCTS:
        return await products_screen(store, locale, focus=target.id)
    if target.kind is TargetKind.COMPARE:
        return await compare_screen(store, locale, target.id.split("+"))
    if target.kind is TargetKind.NEWS:
        return await latest_screen(store, locale)
    if target.kind is TargetKind.FACT and target.id.isdigit():
        sector_id = await store.facts.sector_of(int(target.id))
        if sector_id is not None and sector_id != ALL_SECTORS:
            return await sector_screen(store, locale, sector_id, chat_id)
    elif target.kind is TargetKind.TOPIC:
        screen = await topic_screen(store, locale, target.id)
        if screen is not None:
            return screen
    return await sectors_screen(store, locale)


async def target_labels(store: Store, locale: str, targets: Sequence[Target]) -> list[tuple[Target, str]]:
    """Each target with its label in ``locale`` (suggestion buttons, inline results)."""
    titles = await store.search.titles([(target.kind.value, target.id) for target in targets], locale)
    names = {
        target: titles[target.kind.value, target.id]
        for target in targets
        if (target.kind.value, target.id) in titles
    }
    for target in targets:
        if target.kind is TargetKind.SECTOR:
            sector = await store.sectors.get(target.id, locale)
            if sector is not None:
                names[target] = f"{sector.emoji} {sector.name}"
    return [(target, target_label(target, names, locale)) for target in targets]


async def chart_screen(store: Store, locale: str) -> TurnoverChart | None:
    """Every figure of every period, drawn as one chart; None when no data is loaded."""

    async def model() -> TurnoverChart | None:
        figures = [
            figure
            for period in await store.trade.periods()
            for figure in await store.trade.figures(period, locale)
        ]
        source_ids = tuple(dict.fromkeys(sid for figure in figures for sid in figure.source_ids))
        return turnover_chart(figures, await store.sources.by_ids(source_ids, locale), locale)

    return await cached(store, ("chart", locale), model)


async def deep_link_screen(link: DeepLink, store: Store, locale: str, chat_id: int) -> Rendered:
    """The screen a /start deep link opens."""
    if link.kind is LinkKind.SECTOR:
        return await sector_screen(store, locale, link.argument, chat_id)
    if link.kind is LinkKind.TURNOVER:
        return await turnover_screen(store, locale, link.argument)
    if link.kind is LinkKind.SECTORS:
        return await sectors_screen(store, locale)
    return await sources_screen(store, locale)


__all__ = ["cached", "has_products", "products_screen"]  # for the handlers: one module of screens
