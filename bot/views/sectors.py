"""/sectors: the list of sectors, and one sector's card a page at a time.

The card lists its items newest first, five to a page (◀️ 1/3 ▶️), each with a button that
opens the item in full (bot/views/topic.py); a text shortened here says where to read the rest.
"""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import FactCb, MenuAction, MenuCb, SectorCb, SubscribeCb, TopicCb
from bot.domain.models import Fact, Sector, SectorCard, Topic
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    as_of,
    bold,
    button,
    cite,
    italic,
    numbering,
    quote,
    rows,
    share_button,
    sources_block,
    topic_meta,
    urls_of,
)

PAGE_SIZE = 5
TEXT_PREVIEW = 200  # characters of an item's text shown on the card; the rest on its own card
FACT_PREVIEW = 300
BUTTON_TITLE = 40


def page_count(items: int) -> int:
    return max(1, -(-items // PAGE_SIZE))


def clamp_page(page: int, items: int) -> int:
    """A forged or outdated page number shows the nearest page that exists."""
    return min(max(page, 0), page_count(items) - 1)


def render_sector_list(sectors: tuple[Sector, ...]) -> Rendered:
    lines = [bold(_("🏭 Sectors of cooperation")), _("Choose a sector to see what is happening in it:"), ""]
    lines += [f"{quote(s.emoji)} {bold(s.name)}: {quote(s.summary)}" for s in sectors]
    choices = [button(f"{s.emoji} {s.name}", SectorCb(sector_id=s.id)) for s in sectors]
    turnover = [button(_("📊 Turnover"), MenuCb(action=MenuAction.TURNOVER))]
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[*rows(choices, 2), turnover]))


def _shortened(text: str, limit: int) -> str | None:
    """``text`` cut at a word before ``limit`` characters, or None when it fits whole."""
    if len(text) <= limit:
        return None
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:—–-") + "…"


def _topic_block(
    number: int, topic: Topic, numbers: dict[str, int], urls: dict[str, str], locale: str, today: dt.date
) -> str:
    short = _shortened(topic.text, TEXT_PREVIEW)
    text = (
        quote(topic.text)
        if short is None
        else quote(short) + " " + italic(_("(read more: button {n} below)").format(n=number))
    )
    return (
        f"{number}. {bold(topic.title)}\n"
        f"{italic(topic_meta(topic, locale, today))} {cite(topic.source_ids, numbers, urls)}\n"
        f"{text}"
    )


def _facts_block(facts: tuple[Fact, ...], locale: str) -> str:
    lines = [bold(_("📰 Latest updates"))]
    for fact in facts:
        short = _shortened(fact.text, FACT_PREVIEW)
        text = quote(fact.text) if short is None else quote(short) + " " + italic(_("(read more below)"))
        lines.append(f"{italic(fmt.date(fact.created_at[:10], locale))} · {text}")
    return "\n".join(lines)


def _following(subscribed: bool, through_all: bool) -> str | None:
    if through_all:
        return _("🔔 Following: this chat follows all sectors.")
    return _("🔔 Following: this chat follows this sector.") if subscribed else None


def _button_title(number: int, title: str) -> str:
    short = title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1].rstrip() + "…"
    return f"{number}. {short}"


def sector_card_keyboard(
    card: SectorCard, page: int, locale: str, *, subscribed: bool, share_query: str | None = None
) -> InlineKeyboardMarkup:
    sector_id = card.sector.id
    first = page * PAGE_SIZE
    shown = card.topics[first : first + PAGE_SIZE]
    layout: list[list[InlineKeyboardButton]] = [
        [button(_button_title(first + n, topic.title), TopicCb(topic_id=topic.id, page=page))]
        for n, topic in enumerate(shown, 1)
    ]
    if page == 0:
        layout += [
            [
                button(
                    _("📰 Read in full: {date}").format(date=fmt.date(fact.created_at[:10], locale)),
                    FactCb(fact_id=fact.id, sector_id=sector_id),
                )
            ]
            for fact in card.facts
            if _shortened(fact.text, FACT_PREVIEW) is not None
        ]
    pages = page_count(len(card.topics))
    if pages > 1:
        layout.append(
            [
                button("◀️", SectorCb(sector_id=sector_id, page=(page - 1) % pages)),
                button(f"{page + 1}/{pages}", SectorCb(sector_id=sector_id, page=page)),
                button("▶️", SectorCb(sector_id=sector_id, page=(page + 1) % pages)),
            ]
        )
    label = _("🔕 Unsubscribe") if subscribed else _("🔔 Subscribe")
    layout += [
        [button(label, SubscribeCb(sector_id=sector_id, card=True, on=not subscribed))],
        [
            button(_("◀️ All sectors"), SectorCb(sector_id="")),
            button(_("📊 Turnover"), MenuCb(action=MenuAction.TURNOVER)),
        ],
    ]
    if share_query:
        # @bot <sector name> in any chat: the same card, ready to send (inline mode).
        layout.append([share_button(share_query)])
    return InlineKeyboardMarkup(inline_keyboard=layout)


def render_sector_card(
    card: SectorCard,
    locale: str,
    *,
    today: dt.date,
    page: int = 0,
    subscribed: bool = False,
    through_all: bool = False,
) -> Rendered:
    """Page ``page`` (0-based, clamped) of the card: five items, newest first, with the
    sources they cite; the latest published updates on the first page. It says "following" when
    the chat follows the sector, also through "all sectors"."""
    page = clamp_page(page, len(card.topics))
    first = page * PAGE_SIZE
    topics = card.topics[first : first + PAGE_SIZE]
    used = {sid for topic in topics for sid in topic.source_ids}
    sources = [source for source in card.sources if source.id in used]
    numbers = numbering(sources)
    urls = urls_of(sources)
    head = [f"{quote(card.sector.emoji)} {bold(card.sector.name)}", quote(card.sector.summary)]
    following = _following(subscribed, through_all)
    if following:
        head.append(italic(following))
    dated = as_of(card.sources, locale)
    if dated:
        head.append(dated)
    parts = ["\n".join(head)]
    if card.facts and page == 0:
        parts.append(_facts_block(card.facts, locale))
    parts += [
        _topic_block(first + n, topic, numbers, urls, locale, today) for n, topic in enumerate(topics, 1)
    ]
    if not card.topics:
        parts.append(italic(_("No items in this sector yet.")))
    if sources:
        parts.append(sources_block(sources, locale))
    markup = sector_card_keyboard(card, page, locale, subscribed=subscribed, share_query=card.sector.name)
    return Rendered("\n\n".join(parts), markup)


def render_unknown_sector(sector_id: str, sectors: tuple[Sector, ...]) -> Rendered:
    listed = render_sector_list(sectors)
    head = _("There is no sector “{sector}”.").format(sector=quote(sector_id[:40]))
    return Rendered(f"{head}\n\n{listed.text}", listed.markup)
