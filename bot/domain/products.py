"""What is traded: the top HS chapters of one direction, with their shares. Free of any I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.models import Flow, Period, Reporter, Source

TOP = 10


@dataclass(frozen=True)
class ChapterShare:
    chapter: str  # "27"
    value_usd: float
    share_pct: float  # of the direction's total over all chapters


@dataclass(frozen=True)
class Direction:
    flow: Flow  # EXPORT_BY_TO_KZ or EXPORT_KZ_TO_BY
    mirror: bool  # measured as the reporter's imports
    total_usd: float
    top: tuple[ChapterShare, ...]
    chapters: int  # how many chapters have trade at all


@dataclass(frozen=True)
class ChapterFocus:
    """One HS chapter a reader asked about ("калий" → 31): where it stands each way."""

    chapter: str
    places: tuple[tuple[Flow, ChapterShare, int, int], ...]  # (direction, share, rank, chapters)


def chapter_focus(chapter: str, values: Mapping[Flow, Mapping[str, float]]) -> ChapterFocus:
    """``chapter``'s value, share and rank in each direction of ``values`` that trades in it."""
    places = []
    for flow, of_flow in values.items():
        _total, ranked = top_chapters(of_flow, limit=len(of_flow))
        for rank, share in enumerate(ranked, 1):
            if share.chapter == chapter:
                places.append((flow, share, rank, len(ranked)))
    return ChapterFocus(chapter, tuple(places))


@dataclass(frozen=True)
class ProductsReport:
    """One reporter's chapter breakdown of one year, each way."""

    period: Period
    reporter: Reporter
    directions: tuple[Direction, ...]
    names: Mapping[str, str]  # chapter code → name in the reader's language
    sources: tuple[Source, ...]
    available: tuple[tuple[Period, Reporter], ...] = field(default=())  # newest first
    focus: ChapterFocus | None = None  # the chapter the reader asked about


def top_chapters(values: Mapping[str, float], limit: int = TOP) -> tuple[float, tuple[ChapterShare, ...]]:
    """The direction's total and its ``limit`` largest chapters (ties by code), with shares."""
    total = sum(value for value in values.values() if value > 0)
    ranked = sorted(
        ((code, value) for code, value in values.items() if value > 0), key=lambda i: (-i[1], i[0])
    )
    if total <= 0:
        return 0.0, ()
    return total, tuple(ChapterShare(code, value, value / total * 100) for code, value in ranked[:limit])
