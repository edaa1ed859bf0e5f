"""Pieces every view shares: the rendered reply, citations and labels.

Views are pure functions of domain objects and the reader's locale (aiogram's i18n context
is set by the locale middleware, or by ``i18n.use_locale`` outside a handler).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.dates import date_passed, newest
from bot.domain.models import Reporter, Source, Status, Topic
from bot.views import format as fmt


def quote(text: str) -> str:
    """Escape text for Telegram HTML (``&``, ``<``, ``>``)."""
    return escape(text, quote=False)


def bold(text: str) -> str:
    """``<b>`` around escaped text (aiogram's ``html.bold`` does not escape)."""
    return f"<b>{quote(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{quote(text)}</i>"


def link(text: str, url: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{quote(text)}</a>'


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """A callback button. Hot views build their markup directly from these: aiogram's
    InlineKeyboardBuilder deep-copies its markup on every added button."""
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """``buttons`` laid out ``width`` to a row."""
    return [list(buttons[start : start + width]) for start in range(0, len(buttons), width)]


@dataclass(frozen=True)
class Rendered:
    """A reply ready to send: HTML text and its inline keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def share_button(query: str) -> InlineKeyboardButton:
    """Opens the chat picker with ``@bot query`` typed (inline mode): the card goes to any
    chat, sources and all."""
    return InlineKeyboardButton(text=_("📤 Share"), switch_inline_query=query[:256])


def cite(source_ids: Sequence[str], numbering: dict[str, int], urls: Mapping[str, str] | None = None) -> str:
    """``[1][2]`` markers pointing into the card's numbered source list; each a link to its
    article where ``urls`` (see :func:`urls_of`) knows one."""
    marks = []
    for sid in source_ids:
        if sid not in numbering:
            continue
        mark = f"[{numbering[sid]}]"
        url = urls.get(sid) if urls else None
        marks.append(link(mark, url) if url else mark)
    return "".join(marks)


def urls_of(sources: Sequence[Source]) -> dict[str, str]:
    return {source.id: source.url for source in sources if source.url}


def as_of(sources: Sequence[Source], locale: str) -> str | None:
    """ "As of <date of the newest source>", None when no source is dated."""
    date = newest(source.date for source in sources)
    if date is None:
        return None
    return italic(_("As of {date}").format(date=fmt.date(date, locale)))


def source_line(number: int | None, source: Source, locale: str) -> str:
    """One source as HTML: number, outlet (linked where the data has a link), title, date."""
    outlet = link(source.outlet, source.url) if source.url else quote(source.outlet)
    parts = [outlet]
    if source.reporter is not None:  # official statistics: whose report, and when it was read
        parts.append(quote(official_report(source.reporter)))
        parts.append(quote(_("retrieved {date}").format(date=fmt.date(source.date, locale))))
        prefix = f"[{number}] " if number is not None else "• "
        return prefix + ", ".join(parts)
    if source.title:
        parts.append(_("“{title}”").format(title=quote(source.title)))
    if source.about:  # what the article reports (where the headline is not known), in the reader's language
        parts.append(quote(source.about))
    parts.append(quote(fmt.date(source.date, locale)))
    prefix = f"[{number}] " if number is not None else "• "
    return prefix + ", ".join(parts)


def sources_block(sources: Sequence[Source], locale: str) -> str:
    lines = [bold(_("Sources"))]
    lines += [source_line(number, source, locale) for number, source in enumerate(sources, 1)]
    return "\n".join(lines)


def numbering(sources: Sequence[Source]) -> dict[str, int]:
    return {source.id: number for number, source in enumerate(sources, 1)}


def reporter_label(reporter: Reporter | None) -> str:
    if reporter is Reporter.BELARUS:
        return _("🇧🇾 Belarusian statistics")
    if reporter is Reporter.KAZAKHSTAN:
        return _("🇰🇿 Kazakh statistics")
    return _("🗣 As stated in the source")


def official_report(reporter: Reporter) -> str:
    """The title of a UN Comtrade source: whose report it is."""
    if reporter is Reporter.BELARUS:
        return _("Belarus's report")
    return _("Kazakhstan's report")


def country(reporter: Reporter) -> str:
    """The country in the genitive-free form the balance sentence needs."""
    if reporter is Reporter.BELARUS:
        return _("in Belarus's favour")
    return _("in Kazakhstan's favour")


def status_label(status: Status) -> str:
    labels = {
        Status.LAUNCHED: _("✅ launched"),
        Status.SIGNED: _("🖋 signed"),
        Status.IN_PROGRESS: _("🔄 in progress"),
        Status.PLANNED: _("🗓 planned"),
        Status.ANNOUNCED: _("📣 announced"),
        Status.BACKGROUND: _("ℹ️ background"),
    }
    return labels[status]


def topic_meta(topic: Topic, locale: str, today: dt.date) -> str:
    """Status and date of an item; a plan or announcement whose date is over says so."""
    meta = [status_label(topic.status)]
    if topic.date:
        meta.append(fmt.date(topic.date, locale))
    if date_passed(topic, today):
        meta.append(_("⌛ date passed; no outcome reported"))
    return " · ".join(meta)
