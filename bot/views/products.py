"""/products: the top ten HS chapters each way, with value and share, per reporter."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import ProductsCb, SearchCb, TurnoverCb
from bot.domain.models import Period, Reporter
from bot.domain.products import Direction, ProductsReport
from bot.search.model import Target
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    bold,
    button,
    cite,
    italic,
    numbering,
    quote,
    reporter_label,
    rows,
    sources_block,
)
from bot.views.menu import main_menu
from bot.views.turnover import flow_title

MAX_YEARS = 6  # year buttons


def chapter_name(code: str, names: dict[str, str] | None = None) -> str:
    if names and code in names:
        return names[code]
    if code in ("98", "99"):
        return _("Goods not specified by kind")
    return _("HS chapter {code}").format(code=code)


def _percent(value: float, locale: str) -> str:
    return fmt.percent(round(value, 1) if value < 10 else round(value), locale, signed=False)


def _direction(direction: Direction, report: ProductsReport, locale: str) -> list[str]:
    total = fmt.money(direction.total_usd, locale)
    lines = ["", f"{bold(flow_title(direction.flow))} · {quote(total)}"]
    if direction.mirror:
        if report.reporter is Reporter.KAZAKHSTAN:
            lines.append(italic(_("As Kazakhstan's imports from Belarus (the Kazakh side's view)")))
        else:
            lines.append(italic(_("As Belarus's imports from Kazakhstan (the Belarusian side's view)")))
    names = dict(report.names)
    for place, share in enumerate(direction.top, 1):
        name = chapter_name(share.chapter, names)
        value = f"{fmt.money(share.value_usd, locale)} · {_percent(share.share_pct, locale)}"
        lines.append(f"{place}. {quote(name)} ({quote(share.chapter)}): {bold(value)}")
    return lines


def _focus(report: ProductsReport, locale: str) -> list[str]:
    """ "🔎 Fertilizers (31): …" — where the chapter the reader asked about stands each way."""
    focus = report.focus
    if focus is None:
        return []
    name = f"🔎 {quote(chapter_name(focus.chapter, dict(report.names)))} ({quote(focus.chapter)})"
    if not focus.places:
        none = _("no trade in this chapter in these statistics for {period}").format(
            period=fmt.period(report.period, locale)
        )
        return ["", f"{name}: {italic(none)}"]
    lines = ["", bold(name)]
    for flow, share, rank, count in focus.places:
        value = f"{fmt.money(share.value_usd, locale)} · {_percent(share.share_pct, locale)}"
        place = _("No. {rank} of {count} chapters").format(rank=rank, count=count)
        lines.append(f"{quote(flow_title(flow))}: {bold(value)}, {quote(place)}")
    return lines


def products_keyboard(report: ProductsReport, locale: str) -> InlineKeyboardMarkup:
    reporters = [r for p, r in report.available if p == report.period]
    switch = [
        button(
            f"• {reporter_label(r)} •" if r is report.reporter else reporter_label(r),
            ProductsCb(period=report.period.key, reporter=r.value),
        )
        for r in reporters
    ]
    years = list(dict.fromkeys(p for p, _r in report.available))[:MAX_YEARS]
    year_buttons = [
        button(
            f"• {p.year} •" if p == report.period else str(p.year),
            ProductsCb(period=p.key, reporter=report.reporter.value),
        )
        for p in years
    ]
    back = InlineKeyboardButton(
        text=_("📊 Turnover"), callback_data=TurnoverCb(period=report.period.key).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[*rows(switch, 2), *rows(year_buttons, 3), [back]])


def render_products(report: ProductsReport, locale: str) -> Rendered:
    numbers = numbering(report.sources)
    ids = [s.id for s in report.sources]
    lines = [
        bold(_("📦 What is traded: the top HS chapters")),
        f"{bold(fmt.period(report.period, locale))} · {quote(reporter_label(report.reporter))} {cite(ids, numbers)}",
    ]
    lines += _focus(report, locale)
    for direction in report.directions:
        lines += _direction(direction, report, locale)
    lines += ["", italic(_("Shares are of the direction's trade over all HS chapters."))]
    lines += ["", sources_block(report.sources, locale)]
    return Rendered("\n".join(lines), products_keyboard(report, locale))


def render_no_products(related: Sequence[tuple[Target, str]] = (), *, asked: bool = False) -> Rendered:
    """No chapter data fetched yet. ``asked``: a question about goods led here; it is offered
    ``related`` items it may mean instead, or else the main menu, never a dead end."""
    text = _("No breakdown by product is loaded yet. Please try again later.")
    if not related:
        return Rendered(text, main_menu() if asked else None)
    layout = [[button(label, SearchCb(kind=target.kind, item=target.id))] for target, label in related[:3]]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=layout))


def render_unknown_products_period(query: str, periods: tuple[Period, ...]) -> Rendered:
    shown = quote(query[:40] + ("…" if len(query) > 40 else ""))
    years = ", ".join(str(p.year) for p in periods)
    text = _("I have no breakdown by product for {period}. Years with one: {years}.").format(
        period=bold(shown), years=years
    )
    buttons = [button(str(p.year), ProductsCb(period=p.key)) for p in periods[:MAX_YEARS]]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows(buttons, 3)))
