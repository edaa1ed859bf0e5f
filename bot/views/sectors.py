"""/sectors: the list of sectors and one sector's card."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import MenuAction, MenuCb, SectorCb, SubscribeCb
from bot.domain.limits import SAFE_LIMIT, utf16_length
from bot.domain.models import Fact, Sector, SectorCard, Topic
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    bold,
    button,
    cite,
    italic,
    numbering,
    quote,
    rows,
    share_button,
    sources_block,
    status_label,
)


def render_sector_list(sectors: tuple[Sector, ...]) -> Rendered:
    lines = [bold(_("🏭 Sectors of cooperation")), _("Choose a sector to see what is happening in it:"), ""]
    lines += [f"{quote(s.emoji)} {bold(s.name)}: {quote(s.summary)}" for s in sectors]
    choices = [button(f"{s.emoji} {s.name}", SectorCb(sector_id=s.id)) for s in sectors]
    turnover = [button(_("📊 Turnover"), MenuCb(action=MenuAction.TURNOVER))]
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[*rows(choices, 2), turnover]))


def _topic_block(topic: Topic, numbers: dict[str, int], locale: str) -> str:
    meta = [status_label(topic.status)]
    if topic.date:
        meta.append(fmt.date(topic.date, locale))
    return (
        f"▪️ {bold(topic.title)}\n"
        f"{italic(' · '.join(meta))} {cite(topic.source_ids, numbers)}\n"
        f"{quote(topic.text)}"
    )


def _facts_block(facts: tuple[Fact, ...], locale: str) -> str:
    lines = [bold(_("📰 Latest updates"))]
    for fact in facts:
        text = fact.text if len(fact.text) <= 300 else fact.text[:299] + "…"
        lines.append(f"{italic(fmt.date(fact.created_at[:10], locale))} · {quote(text)}")
    return "\n".join(lines)


def _following(subscribed: bool, through_all: bool) -> str | None:
    if through_all:
        return _("🔔 Following: this chat follows all sectors.")
    return _("🔔 Following: this chat follows this sector.") if subscribed else None


def _card_text(card: SectorCard, shown: int, locale: str, following: str | None = None) -> str:
    topics = card.topics[:shown]
    used = {sid for topic in topics for sid in topic.source_ids}
    sources = [source for source in card.sources if source.id in used]
    numbers = numbering(sources)
    parts = [f"{quote(card.sector.emoji)} {bold(card.sector.name)}\n{quote(card.sector.summary)}"]
    if following:
        parts[0] += "\n" + italic(following)
    if card.facts:
        parts.append(_facts_block(card.facts, locale))
    parts += [_topic_block(topic, numbers, locale) for topic in topics]
    hidden = len(card.topics) - shown
    if hidden:
        parts.append(
            italic(
                ngettext("…and {n} more item.", "…and {n} more items.", hidden).format(n=hidden),
            )
        )
    if not card.topics:
        parts.append(italic(_("No items in this sector yet.")))
    if sources:
        parts.append(sources_block(sources, locale))
    return "\n\n".join(parts)


def sector_card_keyboard(
    sector_id: str, subscribed: bool, share_query: str | None = None
) -> InlineKeyboardMarkup:
    label = _("🔕 Unsubscribe") if subscribed else _("🔔 Subscribe")
    layout = [
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
    card: SectorCard, locale: str, *, subscribed: bool = False, through_all: bool = False
) -> Rendered:
    """The card with as many topics as fit one Telegram message, newest first; it says
    "following" when the chat follows the sector, also through "all sectors"."""
    shown = len(card.topics)
    following = _following(subscribed, through_all)
    text = _card_text(card, shown, locale, following)
    while utf16_length(text) > SAFE_LIMIT and shown > 1:
        shown -= 1
        text = _card_text(card, shown, locale, following)
    return Rendered(text, sector_card_keyboard(card.sector.id, subscribed, card.sector.name))


def render_unknown_sector(sector_id: str, sectors: tuple[Sector, ...]) -> Rendered:
    listed = render_sector_list(sectors)
    head = _("There is no sector “{sector}”.").format(sector=quote(sector_id[:40]))
    return Rendered(f"{head}\n\n{listed.text}", listed.markup)
