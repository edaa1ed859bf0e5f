"""Alerts sent when a load or fetch brings new data: new or revised trade figures (to the
``figures`` subscribers), new topics (to the sectors' subscribers). One message per reader per
load or fetch, however many items: a summary with buttons to the cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import ManageSubscriptionsCb, SearchCb, TurnoverCb
from bot.domain.models import Period, Sector, TradeFigure
from bot.search.model import TargetKind
from bot.views import format as fmt
from bot.views.common import Rendered, bold, button, quote, reporter_label
from bot.views.digest import merged_keyboard
from bot.views.turnover import flow_title, short_period

MAX_LINES = 8  # items listed per section; the rest are counted
MAX_BUTTONS = 6
_CALLBACK_LIMIT = 64


@dataclass(frozen=True)
class FigureNews:
    """One reporter's figures for one period from one set of sources, new or revised."""

    headline: TradeFigure  # the turnover where there is one
    outlets: tuple[str, ...]  # "UN Comtrade", "news.by"
    growth_pct: float | None  # the figure's own, else computed from the same statistics a year before
    previous_value: float | None = None  # set for a revision: the value it replaced

    @property
    def revised(self) -> bool:
        return self.previous_value is not None


def _figure_text(news: FigureNews, locale: str) -> str:
    figure = news.headline
    parts = []
    if figure.value_usd is not None:
        parts.append(fmt.bounded(fmt.money(figure.value_usd, locale), figure.value_bound))
    if news.growth_pct is not None:
        parts.append(fmt.bounded(fmt.percent(news.growth_pct, locale), figure.growth_bound))
    value = ", ".join(parts)
    if news.previous_value is not None:
        was = fmt.money(news.previous_value, locale)
        value = _("{value} (was {previous})").format(value=value, previous=was)
    what = _("{statistics}, {period} ({outlets})").format(
        statistics=reporter_label(figure.reporter),
        period=fmt.period(figure.period, locale),
        outlets=", ".join(news.outlets),
    )
    return f"{quote(what)}: {quote(flow_title(figure.flow))} {bold(value)}"


def _listed(lines: list[str]) -> list[str]:
    shown = [f"• {line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES
        shown.append(quote(ngettext("…and {count} more", "…and {count} more", rest).format(count=rest)))
    return shown


def render_figures_alert(news: Sequence[FigureNews], locale: str) -> Rendered:
    """ "🆕 New trade figures: 🇰🇿 Kazakh statistics, 2024 (UN Comtrade): Trade turnover $1.3B, +12%"."""
    added = [_figure_text(item, locale) for item in news if not item.revised]
    revised = [_figure_text(item, locale) for item in news if item.revised]
    lines: list[str] = []
    if added:
        lines += [bold(_("🆕 New trade figures")), *_listed(added)]
    if revised:
        lines += [""] if lines else []
        lines += [bold(_("✏️ Revised trade figures")), *_listed(revised)]
    periods: list[Period] = sorted({item.headline.period for item in news}, reverse=True)
    buttons = [
        button(_("📊 {period}").format(period=short_period(period, locale)), TurnoverCb(period=period.key))
        for period in periods[:MAX_BUTTONS]
    ]
    buttons.append(button(_("⚙️ My subscriptions"), ManageSubscriptionsCb()))
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons]))


def render_topics_alert(sections: Sequence[tuple[Sector, Sequence[tuple[str, str, str]]]]) -> Rendered:
    """New topics by sector; each topic as (id, title, status label) in the reader's language."""
    lines = [bold(_("🆕 New in the sectors you follow"))]
    buttons: list[InlineKeyboardButton] = []
    for sector, topics in sections:
        lines += ["", bold(f"{sector.emoji} {sector.name}")]
        lines += _listed([f"{quote(title)} · {quote(status)}" for _id, title, status in topics])
        for topic_id, title, _status in topics:
            data = SearchCb(kind=TargetKind.TOPIC, item=topic_id)
            if len(buttons) < MAX_BUTTONS and len(data.pack().encode()) <= _CALLBACK_LIMIT:
                label = title if len(title) <= 40 else title[:39] + "…"
                buttons.append(button(f"📌 {label}", data))
    buttons.append(button(_("⚙️ My subscriptions"), ManageSubscriptionsCb()))
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons]))


def combine_alerts(parts: Sequence[Rendered]) -> Rendered:
    """Several alerts for one reader as one message: the texts one after the other, the
    buttons merged ("My subscriptions" once, last)."""
    if len(parts) == 1:
        return parts[0]
    return Rendered("\n\n".join(part.text for part in parts), merged_keyboard(parts, MAX_BUTTONS * 2))


def buttons_of(rendered: Rendered) -> tuple[tuple[str, str], ...]:
    """The callback buttons of a rendered alert, to store with its text."""
    if rendered.markup is None:
        return ()
    return tuple(
        (b.text, b.callback_data)
        for row in rendered.markup.inline_keyboard
        for b in row
        if b.callback_data is not None
    )


def alert_markup(buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """The stored buttons of an alert, one to a row, as the worker sends them."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)] for text, data in buttons]
    )
