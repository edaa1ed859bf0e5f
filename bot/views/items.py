"""Lists of items: the newest across sectors ("новости"), or those about a place ("Алматы").
Each item is a button that opens its own card."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SearchCb
from bot.domain.models import Sector, Topic
from bot.search.model import TargetKind
from bot.views import format as fmt
from bot.views.common import Rendered, bold, button, italic, quote, status_label
from bot.views.menu import main_menu

MAX_ITEMS = 8
BUTTON_LABEL = 48


def _label(topic: Topic) -> str:
    title = topic.title if len(topic.title) <= BUTTON_LABEL else topic.title[: BUTTON_LABEL - 1] + "…"
    return "▪️ " + title


def _item(topic: Topic, sector: Sector, locale: str) -> str:
    meta = [status_label(topic.status)]
    if topic.date:
        meta.append(fmt.date(topic.date, locale))
    return f"{quote(sector.emoji)} {bold(topic.title)}\n{italic(' · '.join(meta))}"


def _render(heading: str, items: Sequence[tuple[Topic, Sector]], locale: str) -> Rendered:
    shown = list(items)[:MAX_ITEMS]
    hint = _("Newest first; tap one to open it.")
    head = f"{bold(quote(heading))}\n{hint}"
    text = "\n\n".join([head, *(_item(topic, sector, locale) for topic, sector in shown)])
    layout = [[button(_label(topic), SearchCb(kind=TargetKind.TOPIC, item=topic.id))] for topic, _s in shown]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=layout))


def render_latest(items: Sequence[tuple[Topic, Sector]], locale: str) -> Rendered:
    """The newest items across sectors."""
    if not items:
        return Rendered(_("There is no news in our data yet."), main_menu())
    return _render(_("📰 Latest news"), items, locale)


def render_place(place: str, items: Sequence[tuple[Topic, Sector]], locale: str) -> Rendered:
    """The items about ``place`` (its name in the reader's language)."""
    if not items:
        text = _("Our data has nothing about {place} yet.").format(place=bold(quote(place)))
        return Rendered(f"📍 {text}", main_menu())
    return _render(_("📍 {place}: what our data says").format(place=place), items, locale)
