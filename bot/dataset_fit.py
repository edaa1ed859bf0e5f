"""Will the dataset fit Telegram? Each text within its field's limit, and every screen built
from several entries (the sector list, a sector card, a period's /turnover card) within one
message, all counted in UTF-16 units as Telegram counts.

The views shorten what they can (a sector card drops topics that don't fit); these checks
refuse, at ``data load``, what they can't: a text that no screen could show whole. The room
left for headings, labels and the other parts of a screen is generous rather than exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.limits import SAFE_LIMIT, utf16_length
from bot.domain.models import LOCALES

# The longest text each field may hold.
FIELD_LIMITS: dict[str, dict[str, int]] = {
    "source": {"outlet": 80, "title": 200, "about": 200, "url": 500, "language": 16},
    "sector": {"emoji": 16, "name": 40, "summary": 400},
    "figure": {"note": 300},
    "topic": {"title": 120, "text": 1200},
}
# What a screen holds besides the data's texts: headings, labels, dates, citation marks...
_SOURCE_LINE_ROOM = 40  # "[3] " + ", " + a date
_SECTOR_LIST_ROOM = 300
_SECTOR_CARD_ROOM = 1300  # also the card's three latest published updates, 300 characters each
_FIGURE_LINE_ROOM = 160  # "🇧🇾 Belarusian statistics: +17% year on year [1]" and the like
_TURNOVER_CARD_ROOM = 900


@dataclass(frozen=True)
class Misfit:
    """One text that does not fit: ``file``, entry ``index`` (0-based) in it, ``field``."""

    file: str
    index: int
    field: str
    problem: str


def _texts(value: Any) -> Iterator[tuple[str, str]]:
    """("", text) for a plain string, (locale, text) for each language of a localized one."""
    if isinstance(value, str):
        yield "", value
    elif value is not None:
        for locale in LOCALES:
            yield locale, str(getattr(value, locale))


def field_misfits(table: str, entry: Any) -> Iterator[tuple[str, str]]:
    """(field, problem) for each text of ``entry`` (a ``table`` entry) over its limit."""
    for name, limit in FIELD_LIMITS.get(table, {}).items():
        for locale, text in _texts(getattr(entry, name)):
            if (length := utf16_length(text)) > limit:
                field = f"{name}.{locale}" if locale else name
                yield field, f"{length:,} characters, at most {limit:,} fit (counted as Telegram counts)"


def _source_lines(source_ids: Sequence[str], sources: Mapping[str, Any]) -> int:
    total = 0
    for source_id in dict.fromkeys(source_ids):
        source = sources.get(source_id)
        if source is not None:
            outlet = max(utf16_length(text) for _locale, text in _texts(source.outlet))
            about = max((utf16_length(text) for _locale, text in _texts(source.about)), default=0)
            total += outlet + utf16_length(source.title or "") + about + _SOURCE_LINE_ROOM
    return total


def _over(screen: str, length: int, locale: str) -> str:
    return f"the {screen} would be about {length:,} characters in '{locale}', over {SAFE_LIMIT:,}"


def screen_misfit(
    sources: Sequence[Any], sectors: Sequence[Any], figures: Sequence[Any], topics: Sequence[Any]
) -> Misfit | None:
    """The first entry whose screen would not fit one message: the sector that tips the
    sector list over, the topic too long for its sector's card, the figure that tips its
    period's /turnover card over."""
    by_id = {source.id: source for source in sources}
    sector_by_id = {sector.id: sector for sector in sectors}
    for locale in LOCALES:
        length = _SECTOR_LIST_ROOM
        for index, sector in enumerate(sectors):
            length += utf16_length(sector.emoji) + utf16_length(sector.name.get(locale))
            length += utf16_length(sector.summary.get(locale)) + 8
            if length > SAFE_LIMIT:
                return Misfit(
                    "sectors.toml", index, f"summary.{locale}", _over("sector list", length, locale)
                )
        for index, topic in enumerate(topics):
            sector = sector_by_id.get(topic.sector)
            if sector is None:
                continue
            length = _SECTOR_CARD_ROOM + _source_lines(topic.sources, by_id)
            length += sum(
                utf16_length(text.get(locale)) for text in (sector.summary, topic.title, topic.text)
            )
            if length > SAFE_LIMIT:
                return Misfit("topics.toml", index, f"text.{locale}", _over("sector card", length, locale))
        periods: dict[str, tuple[int, list[str]]] = {}
        for index, figure in enumerate(figures):
            length, cited = periods.get(figure.period, (_TURNOVER_CARD_ROOM, []))
            length += _FIGURE_LINE_ROOM + (utf16_length(figure.note.get(locale)) if figure.note else 0)
            cited = cited + [s for s in figure.sources if s not in cited]
            periods[figure.period] = (length, cited)
            if (total := length + _source_lines(cited, by_id)) > SAFE_LIMIT:
                field = f"note.{locale}" if figure.note else "sources"
                return Misfit(
                    "trade.toml", index, field, _over(f"/turnover card of {figure.period}", total, locale)
                )
    return None
