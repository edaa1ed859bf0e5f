"""Domain objects of the Belarus–Kazakhstan trade dataset.

Plain frozen dataclasses: the store returns them, the views render them. Nothing here knows
of aiogram or SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum


class Locale(StrEnum):
    """The bot's four languages. A StrEnum, so ``Locale.RU == "ru"``."""

    RU = "ru"
    EN = "en"
    KK = "kk"
    BE = "be"


LOCALES: tuple[Locale, ...] = tuple(Locale)


class Reporter(StrEnum):
    """Whose statistics a figure is. Mirror statistics differ, so both are kept."""

    BELARUS = "BY"
    KAZAKHSTAN = "KZ"


class Flow(StrEnum):
    TURNOVER = "turnover"
    EXPORT_BY_TO_KZ = "export_by_to_kz"
    EXPORT_KZ_TO_BY = "export_kz_to_by"
    BALANCE = "balance"


class Bound(StrEnum):
    """How a source qualified a number: "exceeded $1.2 bn" is OVER, "about 20%" is ABOUT."""

    EXACT = "exact"
    OVER = "over"
    ABOUT = "about"
    UNDER = "under"


class Status(StrEnum):
    LAUNCHED = "launched"
    SIGNED = "signed"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"
    ANNOUNCED = "announced"
    BACKGROUND = "background"


_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<start>\d{2})\.\.(?P<end>\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """Months ``start``..``end`` of one year; a whole year is 1..12.

    Keys look like ``2024`` (a whole year) or ``2025-01..08`` (January to August).
    Ordering puts later years first-class: (year, end, start).
    """

    year: int
    end: int = 12
    start: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start <= self.end <= 12:
            raise ValueError(f"months must satisfy 1 <= start <= end <= 12, got {self.start}..{self.end}")
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")

    @property
    def is_full_year(self) -> bool:
        return self.start == 1 and self.end == 12

    @property
    def key(self) -> str:
        if self.is_full_year:
            return str(self.year)
        return f"{self.year}-{self.start:02d}..{self.end:02d}"

    @classmethod
    def from_key(cls, key: str) -> Period:
        match = _PERIOD_RE.match(key.strip())
        if not match:
            raise ValueError(f"not a period key: {key!r} (expected YYYY or YYYY-MM..MM)")
        year = int(match["year"])
        if match["start"] is None:
            return cls(year=year)
        return cls(year=year, start=int(match["start"]), end=int(match["end"]))


@dataclass(frozen=True)
class Source:
    id: str
    outlet: str
    title: str | None
    date: str | None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when the source gives none
    url: str | None
    language: str | None
    reporter: Reporter | None = None  # set for official statistics: whose report (date: retrieved)
    about: str | None = None  # what the article reports, where its headline is not known


@dataclass(frozen=True)
class Backing:
    """What one source backs: the periods of the figures it gives, the items citing it."""

    periods: tuple[Period, ...] = ()
    topics: tuple[str, ...] = ()  # titles, in the reader's language


@dataclass(frozen=True)
class TradeFigure:
    period: Period
    reporter: Reporter | None
    flow: Flow
    value_usd: float | None
    value_bound: Bound
    growth_pct: float | None
    growth_bound: Bound
    favours: Reporter | None
    note: str | None  # in the reader's locale
    source_ids: tuple[str, ...]
    # Official statistics: ``mirror`` measured as the reporter's imports (its view of the
    # partner's exports); ``computed`` summed by us (turnover = exports + imports, or months).
    mirror: bool = False
    computed: bool = False


@dataclass(frozen=True)
class Sector:
    id: str
    emoji: str
    name: str
    summary: str


@dataclass(frozen=True)
class Topic:
    id: str
    sector_id: str
    status: Status
    date: str | None
    title: str
    text: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class PeriodReport:
    """Everything the bot knows about one period, in one locale."""

    period: Period
    figures: tuple[TradeFigure, ...]
    sources: tuple[Source, ...]
    periods: tuple[Period, ...] = field(default=())  # every period with data, newest first
    # The latest known turnover in US dollars (of the newest whole year that has one, one figure
    # per reporter), whatever period the report is of; its sources are among ``sources``.
    level: tuple[TradeFigure, ...] = ()


@dataclass(frozen=True)
class SectorCard:
    sector: Sector
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...] = ()  # newest first


ALL_SECTORS = "*"  # a subscription or a fact that concerns every sector
FIGURES = "figures"  # the subscription to alerts on new or revised trade figures (not a sector)
_ALL_WORDS = frozenset({"all", "*"})


def sector_argument(word: str, known: Collection[str]) -> str | None:
    """What a typed sector argument names: ``food_retail`` → itself, ``all`` or ``*`` →
    :data:`ALL_SECTORS`, anything not in ``known`` → None."""
    cleaned = word.strip().lower()
    if cleaned in _ALL_WORDS:
        return ALL_SECTORS
    return cleaned if cleaned in known else None


@dataclass(frozen=True)
class Fact:
    """A dated piece of news published for a sector (or for all of them): by an admin, from a
    file, or generated from new data."""

    id: int
    sector_id: str
    created_at: str  # ISO 8601, UTC
    text: str  # in the reader's locale, else the original
    locale: str  # the language ``text`` is in
    original_locale: str


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Delivery:
    """One outbox row: a fact on its way to one chat."""

    id: int
    fact_id: int
    chat_id: int
    locale: str
    attempts: int
    digest: bool = False  # sent together with the chat's other digest rows due (bot/domain/schedule.py)
