"""The message a subscriber gets for a published fact (and the admin's preview of it)."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel import Locale

from bot.callbacks import ManageSubscriptionsCb, SectorCb
from bot.domain.models import Sector
from bot.views import format as fmt
from bot.views.common import Rendered, bold, button, italic, link, quote


def language_name(locale: str, in_locale: str) -> str:
    """ "русский", "орыс тілі", … from CLDR, in the reader's language."""
    name = Locale.parse(locale).get_display_name(in_locale) or locale
    return name[:1].upper() + name[1:]


def sector_label(sector: Sector | None) -> str:
    if sector is None:
        return _("🗂 All sectors")
    return f"{sector.emoji} {sector.name}"


def render_fact(
    *,
    sector: Sector | None,
    created_at: str,
    text: str,
    text_locale: str,
    reader_locale: str,
    source_url: str | None = None,
) -> Rendered:
    """``sector`` None means the fact concerns every sector. The source link, when the fact has
    one (every fact an editor publishes does), is the last line."""
    heading = _("📰 Update: {sector}").format(sector=bold(sector_label(sector)))
    lines = [f"{heading} · {quote(fmt.date(created_at[:10], reader_locale))}", "", quote(text)]
    if text_locale != reader_locale:
        lines += [
            "",
            italic(
                _("Original language: {language}").format(language=language_name(text_locale, reader_locale))
            ),
        ]
    if source_url:
        host = urlsplit(source_url).hostname or source_url
        lines += ["", _("🔗 Source: {link}").format(link=link(host.removeprefix("www."), source_url))]
    mine = button(_("⚙️ My subscriptions"), ManageSubscriptionsCb())
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[mine]]))


def render_fact_in_full(
    *, sector: Sector | None, created_at: str, text: str, text_locale: str, reader_locale: str, back_to: str
) -> Rendered:
    """A published update opened from a sector card ("read more"): the whole text, and Back."""
    shown = render_fact(
        sector=sector, created_at=created_at, text=text, text_locale=text_locale, reader_locale=reader_locale
    )
    back = [button(_("◀️ Back"), SectorCb(sector_id=back_to))]
    rows = [back, *(shown.markup.inline_keyboard if shown.markup else [])]
    return Rendered(shown.text, InlineKeyboardMarkup(inline_keyboard=rows))
