"""One item of a sector card in full: status (aged where its date is over), date, text,
"as of" and its sources, with Back to the card's page it was opened from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SectorCb
from bot.domain.models import Sector, Source, Topic
from bot.views.common import (
    Rendered,
    as_of,
    bold,
    button,
    cite,
    italic,
    numbering,
    quote,
    share_button,
    sources_block,
    topic_meta,
    urls_of,
)


def render_topic_card(
    topic: Topic,
    sector: Sector,
    sources: Sequence[Source],
    locale: str,
    *,
    today: dt.date,
    page: int = 0,
) -> Rendered:
    """The item with its sources; Back returns to page ``page`` of its sector's card."""
    numbers = numbering(sources)
    head = [
        f"{quote(sector.emoji)} {quote(sector.name)}",
        bold(topic.title),
        f"{italic(topic_meta(topic, locale, today))} {cite(topic.source_ids, numbers, urls_of(sources))}",
    ]
    dated = as_of(sources, locale)
    if dated:
        head.append(dated)
    parts = ["\n".join(head), quote(topic.text)]
    if sources:
        parts.append(sources_block(sources, locale))
    back = _("◀️ Back: {emoji} {sector}").format(emoji=sector.emoji, sector=sector.name)
    layout = [[button(back, SectorCb(sector_id=sector.id, page=page))], [share_button(topic.title)]]
    return Rendered("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=layout))
