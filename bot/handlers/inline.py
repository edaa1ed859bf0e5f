"""Inline mode: ``@bot <question>`` in any chat offers the matching cards, each with its
sources, in the reader's language and ready to send; an empty query offers the headline
figures. (Inline mode is switched on at @BotFather with /setinline.)"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.enums import ParseMode
from aiogram.types import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import gettext as _

from bot import deeplinks, screens
from bot.domain.trade import headline_period
from bot.search.engine import SearchEngine
from bot.search.model import Intent, Target, TargetKind
from bot.store import Store
from bot.views.search import InlineCard, inline_card, open_in_bot_keyboard

log = logging.getLogger(__name__)

MAX_RESULTS = 8
CACHE_SECONDS = 30  # short: new data is searchable at once; per user: answers are in their language
MAX_QUERY = 256
ALSO_SHOWN = 0.5  # after the answer, other items that account for at least half the query


async def _targets(
    store: Store, engine: SearchEngine, text: str, headline: str | None
) -> list[tuple[Target, str | None]]:
    """What to offer, best first, each with the period its figures are for."""
    if not text:
        # The headline figures first, then every other period with data.
        periods = [p.key for p in await store.trade.periods()]
        ordered = [headline, *(p for p in periods if p != headline)] if headline else periods
        return [(Target.figures(key, Intent.TURNOVER), key) for key in ordered]
    decision = await engine.ask(text, typing=True)
    found: list[tuple[Target, str | None]] = []
    if decision.target is not None:
        found.append((decision.target, decision.period))
    for candidate in decision.ranked:
        if candidate.coverage >= ALSO_SHOWN and candidate.target != decision.target:
            found.append((candidate.target, candidate.target.period))
    # A place's list needs the decision's items: the cards of those items are offered instead.
    return [(target, period) for target, period in found if target.kind is not TargetKind.PLACE]


def _as_shown(target: Target, period: str | None) -> Target:
    """A flow answer with its period, so that its label names the period shown."""
    intent = target.flow_intent
    if intent is not None and period and not target.period:
        return Target.figures(period, intent)
    return target


async def inline_query(query: InlineQuery, store: Store, engine: SearchEngine, locale: str, bot: Bot) -> None:
    text = query.query.strip()[:MAX_QUERY]
    me = await bot.me()
    found = headline_period(await store.trade.coverage())
    headline = found.key if found else None
    cards: list[InlineCard] = []
    seen: set[str] = set()
    for target, period in await _targets(store, engine, text, headline):
        if len(cards) >= MAX_RESULTS:
            break
        shown = _as_shown(target, period or headline)
        screen = await screens.target_screen(store, locale, shown)
        if screen.text in seen:  # the same card reached two ways
            continue
        seen.add(screen.text)
        title = (await screens.target_labels(store, locale, [shown]))[0][1]
        topic = await store.topics.get(target.id, locale) if target.kind is TargetKind.TOPIC else None
        link = deeplinks.for_target(shown, topic.sector_id if topic else None)
        url = await create_start_link(bot, link.payload) if link and me.username else None
        cards.append(inline_card(f"{shown.kind}:{shown.id}", title, screen, url))
    results = [
        InlineQueryResultArticle(
            id=card.id,
            title=card.title,
            description=card.description,
            input_message_content=InputTextMessageContent(
                message_text=card.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
            reply_markup=open_in_bot_keyboard(card.deep_link) if card.deep_link else None,
        )
        for card in cards
    ]
    log.debug("inline query: %d results", len(results))
    nothing = InlineQueryResultsButton(text=_("Nothing found: ask the bot"), start_parameter="inline")
    await query.answer(
        list(results),
        cache_time=CACHE_SECONDS,
        is_personal=True,
        button=None if results else nothing,
    )


def register(router: Router) -> None:
    router.inline_query.register(inline_query)
