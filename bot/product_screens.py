"""The /products screen: the top HS chapters each way, per reporter and year (from the
official statistics of UN Comtrade). Part of the screens (bot/screens.py re-exports it)."""

from __future__ import annotations

from bot.domain.models import Flow, Reporter
from bot.domain.products import ChapterFocus, Direction, ProductsReport, chapter_focus, top_chapters
from bot.domain.trade import parse_period
from bot.screencache import cached
from bot.store import Store
from bot.views.common import Rendered
from bot.views.products import render_no_products, render_products, render_unknown_products_period


async def has_products(store: Store) -> bool:
    return bool(await cached(store, ("products-periods",), store.official.chapter_periods))


async def products_screen(
    store: Store, locale: str, query: str | None = None, reporter: str | None = None, focus: str | None = None
) -> Rendered:
    """The top HS chapters of a year (``query``; the latest with chapter data by default), in
    ``reporter``'s statistics (the first with data that year by default); ``focus``: an HS
    chapter the card points out ("31"), or the direction shown first ("kz_to_by")."""
    if focus is not None and not (len(focus) == 2 and focus.isdigit()) and focus != "kz_to_by":
        focus = None  # "all", "by_to_kz" (the card's own order), or a forged button
    available = tuple(await cached(store, ("products-periods",), store.official.chapter_periods))
    if not available:
        return render_no_products()
    years = tuple(dict.fromkeys(period for period, _r in available))
    period = years[0]
    if query:
        try:
            requested = parse_period(query)
        except ValueError:
            requested = None
        if requested is None or requested not in years:
            return render_unknown_products_period(query, years)
        period = requested
    reporters = sorted((r for p, r in available if p == period), key=lambda r: r is not Reporter.BELARUS)
    shown = next((r for r in reporters if r.value == reporter), reporters[0])

    async def render() -> Rendered:
        chapters = await store.official.stored_chapters(period, shown)
        directions = []
        flows = [Flow.EXPORT_BY_TO_KZ, Flow.EXPORT_KZ_TO_BY]
        if focus == "kz_to_by":
            flows.reverse()
        values: dict[Flow, dict[str, float]] = {}
        for flow in flows:
            of_flow = [c for c in chapters if c.flow is flow]
            if not of_flow:
                continue
            values[flow] = {c.chapter: c.value_usd for c in of_flow}
            total, top = top_chapters(values[flow])
            directions.append(Direction(flow, of_flow[0].mirror, total, top, len(of_flow)))
        pointed: ChapterFocus | None = None
        if focus and focus.isdigit():
            pointed = chapter_focus(focus, values)
        source_ids = tuple(dict.fromkeys(c.source_id for c in chapters))
        report = ProductsReport(
            period=period,
            reporter=shown,
            directions=tuple(directions),
            names=await store.official.chapter_names(locale),
            sources=await store.sources.by_ids(source_ids, locale),
            available=available,
            focus=pointed,
        )
        return render_products(report, locale)

    return await cached(store, ("products", period, shown, focus, locale), render)
