"""/sources: every source behind the data, a page at a time, each with what it backs."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SourcesCb
from bot.domain.models import Backing, Source
from bot.views.common import Rendered, bold, button, italic, quote, source_line
from bot.views.turnover import short_period

PAGE_SIZE = 6


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def backs_line(backing: Backing | None, locale: str) -> str | None:
    """ "Figures: Jan – Aug 2025 · Items: Collaboration with the Magnum chain; …" as HTML."""
    if backing is None:
        return None
    parts = []
    if backing.periods:
        periods = ", ".join(short_period(period, locale) for period in backing.periods)
        parts.append(_("📊 figures: {periods}").format(periods=quote(periods)))
    if backing.topics:
        quoted = "«{}»" if locale in ("ru", "be", "kk") else "“{}”"
        titles = "; ".join(quoted.format(title) for title in backing.topics)
        parts.append(_("▪️ items: {titles}").format(titles=quote(titles)))
    return "    " + italic(" · ".join(parts)) if parts else None


def render_sources(
    sources: tuple[Source, ...], page: int, locale: str, backing: Mapping[str, Backing] | None = None
) -> Rendered:
    """Page ``page`` (0-based, clamped to the pages that exist) of the source list."""
    pages = page_count(len(sources))
    page = min(max(page, 0), pages - 1)
    chunk = sources[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        bold(_("📚 Sources")),
        _("Every figure and item in this bot comes from these publications; under each, what it backs."),
    ]
    if pages > 1:
        lines.append(italic(_("Page {page} of {pages}").format(page=page + 1, pages=pages)))
    lines.append("")
    for n, source in enumerate(chunk, 1):
        lines.append(source_line(page * PAGE_SIZE + n, source, locale))
        backs = backs_line((backing or {}).get(source.id), locale)
        if backs:
            lines.append(backs)
    if not sources:
        lines.append(italic(_("No sources are loaded yet.")))
    turns = []
    if page > 0:
        turns.append(button(_("◀️ Back"), SourcesCb(page=page - 1)))
    if page < pages - 1:
        turns.append(button(_("Next ▶️"), SourcesCb(page=page + 1)))
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[turns]) if turns else None)
