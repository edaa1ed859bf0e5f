"""What each screen shows: ask the store, hand the result to a view.

Shared by commands, deep links and buttons, so ``/turnover 2024``, ``/start turnover_2024``
and the 2024 button render through one path.
"""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message

from bot.domain.trade import headline_period, parse_period, resolve_period
from bot.store.repo import Store
from bot.views.chart import TurnoverChart, turnover_chart
from bot.views.common import Rendered
from bot.views.sectors import render_sector_card, render_sector_list, render_unknown_sector
from bot.views.sources import render_sources
from bot.views.turnover import render_no_data, render_turnover, render_unknown_period

log = logging.getLogger(__name__)


async def turnover_screen(store: Store, locale: str, query: str | None = None) -> Rendered:
    """The latest period by default; ``query`` is what the reader typed after /turnover."""
    coverage = await store.trade.coverage()
    headline = headline_period(coverage)
    if headline is None:
        return render_no_data()
    if not query:
        return render_turnover(await store.trade.report(headline, locale), locale)
    periods = tuple(sorted(coverage, reverse=True))
    try:
        requested = parse_period(query)
    except ValueError:
        return render_unknown_period(query, periods, locale, parsed=False)
    found = resolve_period(requested, coverage)
    if found is None:
        return render_unknown_period(query, periods, locale, parsed=True)
    return render_turnover(await store.trade.report(found, locale), locale)


async def sectors_screen(store: Store, locale: str) -> Rendered:
    return render_sector_list(await store.sectors.all(locale))


async def sector_screen(store: Store, locale: str, sector_id: str, chat_id: int | None = None) -> Rendered:
    """The sector card; with ``chat_id`` its subscribe button shows that chat's state."""
    card = await store.sectors.card(sector_id, locale)
    if card is None:
        return render_unknown_sector(sector_id, await store.sectors.all(locale))
    subscribed = chat_id is not None and sector_id in await store.subscriptions.sectors_of(chat_id)
    return render_sector_card(card, locale, subscribed=subscribed)


async def sources_screen(store: Store, locale: str, page: int = 0) -> Rendered:
    return render_sources(await store.sources.all(), page, locale)


async def chart_screen(store: Store, locale: str) -> TurnoverChart | None:
    """Every figure of every period, drawn as one chart; None when no data is loaded."""
    figures = [
        figure
        for period in await store.trade.periods()
        for figure in await store.trade.figures(period, locale)
    ]
    source_ids = tuple(dict.fromkeys(sid for figure in figures for sid in figure.source_ids))
    return turnover_chart(figures, await store.sources.by_ids(source_ids), locale)


async def answer(message: Message, screen: Rendered) -> None:
    await message.answer(screen.text, reply_markup=screen.markup)


async def edit_markup(callback: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons under the message the button was on."""
    if not isinstance(callback.message, Message):
        return
    try:
        await callback.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


async def edit(callback: CallbackQuery, screen: Rendered) -> None:
    """Show ``screen`` in place of the message the button was on (or anew if that is gone)."""
    message = callback.message
    if message is None or isinstance(message, InaccessibleMessage):
        if callback.from_user is not None and callback.bot is not None:
            await callback.bot.send_message(callback.from_user.id, screen.text, reply_markup=screen.markup)
        return
    try:
        await message.edit_text(screen.text, reply_markup=screen.markup)
    except TelegramBadRequest as exc:
        # The same button tapped twice: Telegram refuses an edit that changes nothing.
        if "message is not modified" not in exc.message:
            raise
        log.debug("edit skipped: message not modified")
