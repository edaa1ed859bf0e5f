"""/sectors: the list of sectors and one sector's card."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuAction, MenuCb, SectorCb, SubscribeCb
from bot.domain.limits import SAFE_LIMIT, utf16_length
from bot.domain.models import Sector, SectorCard, SectorUpdate, Topic
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    bold,
    cite,
    italic,
    numbering,
    quote,
    share_button,
    sources_block,
    status_label,
)


def render_sector_list(sectors: tuple[Sector, ...]) -> Rendered:
    lines = [bold(_("🏭 Sectors of cooperation")), _("Choose a sector to see what is happening in it:"), ""]
    lines += [f"{quote(s.emoji)} {bold(s.name)}: {quote(s.summary)}" for s in sectors]
    builder = InlineKeyboardBuilder()
    for sector in sectors:
        builder.button(text=f"{sector.emoji} {sector.name}", callback_data=SectorCb(sector_id=sector.id))
    builder.adjust(2)
    builder.row(
        InlineKeyboardButton(text=_("📊 Turnover"), callback_data=MenuCb(action=MenuAction.TURNOVER).pack())
    )
    return Rendered("\n".join(lines), builder.as_markup())


def _topic_block(topic: Topic, numbers: dict[str, int], locale: str) -> str:
    meta = [status_label(topic.status)]
    if topic.date:
        meta.append(fmt.date(topic.date, locale))
    return (
        f"▪️ {bold(topic.title)}\n"
        f"{italic(' · '.join(meta))} {cite(topic.source_ids, numbers)}\n"
        f"{quote(topic.text)}"
    )


def _updates_block(updates: tuple[SectorUpdate, ...], locale: str) -> str:
    lines = [bold(_("📰 Latest updates"))]
    for update in updates:
        text = update.text if len(update.text) <= 300 else update.text[:299] + "…"
        lines.append(f"{italic(fmt.date(update.created_at[:10], locale))} · {quote(text)}")
    return "\n".join(lines)


def _card_text(card: SectorCard, shown: int, locale: str) -> str:
    topics = card.topics[:shown]
    used = {sid for topic in topics for sid in topic.source_ids}
    sources = [source for source in card.sources if source.id in used]
    numbers = numbering(sources)
    parts = [f"{quote(card.sector.emoji)} {bold(card.sector.name)}\n{quote(card.sector.summary)}"]
    if card.updates:
        parts.append(_updates_block(card.updates, locale))
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
    builder = InlineKeyboardBuilder()
    label = _("🔕 Unsubscribe") if subscribed else _("🔔 Subscribe")
    builder.button(text=label, callback_data=SubscribeCb(sector_id=sector_id, card=True, on=not subscribed))
    builder.button(text=_("◀️ All sectors"), callback_data=SectorCb(sector_id=""))
    builder.button(text=_("📊 Turnover"), callback_data=MenuCb(action=MenuAction.TURNOVER))
    builder.adjust(1, 2)
    if share_query:
        # @bot <sector name> in any chat: the same card, ready to send (inline mode).
        builder.row(share_button(share_query))
    return builder.as_markup()


def render_sector_card(card: SectorCard, locale: str, *, subscribed: bool = False) -> Rendered:
    """The card with as many topics as fit one Telegram message, newest first."""
    shown = len(card.topics)
    text = _card_text(card, shown, locale)
    while utf16_length(text) > SAFE_LIMIT and shown > 1:
        shown -= 1
        text = _card_text(card, shown, locale)
    return Rendered(text, sector_card_keyboard(card.sector.id, subscribed, card.sector.name))


def render_unknown_sector(sector_id: str, sectors: tuple[Sector, ...]) -> Rendered:
    listed = render_sector_list(sectors)
    head = _("There is no sector “{sector}”.").format(sector=quote(sector_id[:40]))
    return Rendered(f"{head}\n\n{listed.text}", listed.markup)
