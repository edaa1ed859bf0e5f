"""/sources: every source behind the data, a page at a time."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SourcesCb
from bot.domain.models import Source
from bot.views.common import Rendered, bold, button, italic, source_line

PAGE_SIZE = 10


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def render_sources(sources: tuple[Source, ...], page: int, locale: str) -> Rendered:
    """Page ``page`` (0-based, clamped to the pages that exist) of the source list."""
    pages = page_count(len(sources))
    page = min(max(page, 0), pages - 1)
    chunk = sources[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [bold(_("📚 Sources")), _("Every figure and item in this bot comes from these publications.")]
    if pages > 1:
        lines.append(italic(_("Page {page} of {pages}").format(page=page + 1, pages=pages)))
    lines.append("")
    lines += [source_line(page * PAGE_SIZE + n, source, locale) for n, source in enumerate(chunk, 1)]
    if not sources:
        lines.append(italic(_("No sources are loaded yet.")))
    turns = []
    if page > 0:
        turns.append(button(_("◀️ Back"), SourcesCb(page=page - 1)))
    if page < pages - 1:
        turns.append(button(_("Next ▶️"), SourcesCb(page=page + 1)))
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[turns]) if turns else None)
