"""Free text in private chats (in groups: :mod:`bot.handlers.groups`): questions in people's own words, in any of the four languages.

The answer is the screen the matching command shows (/turnover with the asked flow first,
a sector card, a topic card, /sources), in the reader's language whatever the question's.
When nothing matches with confidence the reader is told so and offered the closest items.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery, Chat, Message

from bot import screens
from bot.callbacks import SearchCb
from bot.handlers import telegram
from bot.handlers.filters import PRIVATE, Magic
from bot.handlers.offers import offered_item, with_offer
from bot.search.engine import SearchEngine
from bot.search.model import Decision, Target, TargetKind
from bot.search.text import words
from bot.store import Store
from bot.views.common import Rendered
from bot.views.products import render_no_products
from bot.views.search import render_not_sure, render_text_only

log = logging.getLogger(__name__)

MAX_QUESTION = 512  # characters of a message the search reads


async def answer_screen(
    store: Store, locale: str, decision: Decision, chat_id: int | None = None
) -> Rendered:
    target = decision.target
    if target is not None and target.kind is TargetKind.PLACE:
        return await screens.place_screen(store, locale, decision.name(locale), decision.items)
    if target is not None and target.kind is TargetKind.PRODUCTS and not await screens.has_products(store):
        # No breakdown by product fetched yet: say so, and offer the closest other items.
        related = [t for t in decision.suggestions if t.kind is not TargetKind.PRODUCTS]
        return render_no_products(await screens.target_labels(store, locale, related), asked=True)
    if target is not None:
        return await screens.target_screen(store, locale, target, decision.period, chat_id)
    return render_not_sure(await screens.target_labels(store, locale, decision.suggestions[:3]))


async def ask(message: Message, store: Store, engine: SearchEngine, locale: str) -> None:
    decision = await engine.ask((message.text or "")[:MAX_QUESTION])
    # The decision, not the question: people's messages stay out of the log.
    log.debug(
        "search: %s (confidence %.2f, suggestions %s)",
        decision.target or "not sure",
        decision.confidence,
        ", ".join(map(str, decision.suggestions)) or "none",
    )
    if decision.target is None:
        # For the editor's /stats: what people ask that the data can't answer; the words only.
        await store.insights.record_unsure(unsure_text(message.text or ""))
    screen = await answer_screen(store, locale, decision, message.chat.id)
    item = offered_item(decision)
    if item is not None:
        screen = await with_offer(screen, store, locale, message.chat, message.from_user, item)
    await telegram.answer(message, screen)


def unsure_text(question: str) -> str:
    """The question as /stats lists it: normalized words, long numbers (a phone, an account)
    masked, at most 100 characters; no trace of who asked."""
    kept = [("#" if word.isdigit() and len(word) > 4 else word) for word in words(question[:MAX_QUESTION])]
    return " ".join(kept)[:100]


async def open_suggestion(
    callback: CallbackQuery,
    callback_data: SearchCb,
    store: Store,
    locale: str,
    event_chat: Chat | None = None,
) -> None:
    await callback.answer()
    target = Target(callback_data.kind, callback_data.item)
    chat_id = telegram.chat_id_of(event_chat, callback.from_user)
    await telegram.edit(callback, await screens.target_screen(store, locale, target, chat_id=chat_id))


async def not_text(message: Message) -> None:
    await telegram.answer(message, render_text_only())


def register(
    router: Router,
) -> None:  # In groups the bot speaks only when addressed by one of its own commands.
    router.message.register(ask, PRIVATE, Magic(F.text & ~F.text.startswith("/")))
    router.message.register(not_text, PRIVATE, Magic(~F.text))
    router.callback_query.register(open_suggestion, SearchCb.filter())
