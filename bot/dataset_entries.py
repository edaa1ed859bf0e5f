"""The entries of the data files as pydantic models: what each field may hold, checked
entry by entry (cross-references between files are :func:`bot.dataset.load_dataset`'s)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.domain.models import LOCALES, Bound, Flow, Period, Reporter, Status
from bot.search.model import Direction, Intent

FILES = ("sources.toml", "sectors.toml", "trade.toml", "topics.toml", "concepts.toml")

# Matched whole (fullmatch): with re.match, "$" would let a trailing newline through.
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")
_SECTOR_ID_RE = re.compile(r"[a-z0-9_]{1,24}")  # must fit deep links and callback data
_DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_URL_RE = re.compile(r"https?://[^\s<>\"]+")
# A trade figure beyond a trillion dollars is a typo (the two countries trade about $1.5 bn a
# year), and one near 1e308 breaks every sum and chart axis drawn from it.
MAX_VALUE_USD = 1e12


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not _DATE_RE.fullmatch(value):
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise ValueError("month must be 01..12")
    if len(parts) == 3:
        import datetime as _dt

        _dt.date(*parts)  # raises ValueError on 2025-02-30
    return value


def _check_id(value: str) -> str:
    if not _ID_RE.fullmatch(value):
        raise ValueError("ids use a-z, 0-9, '-' and '_' (at most 41 characters)")
    return value


def _plain_number(value: Any) -> Any:
    # pydantic would take `true` as 1.0; in a data file it is a typo, not a number. TOML's
    # inf and nan are numbers no screen or chart can show.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a finite number, not inf or nan")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Number = Annotated[float, BeforeValidator(_plain_number)]
DateText = Annotated[str | None, AfterValidator(_check_date)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Entry):
    """A text in each of the bot's languages; all four are required."""

    ru: NonEmpty
    en: NonEmpty
    kk: NonEmpty
    be: NonEmpty

    def get(self, locale: str) -> str:
        return str(getattr(self, locale))


def _same_in_every_language(value: Any) -> Any:
    """An outlet written once ("Zakon.kz") is its name in every language."""
    if isinstance(value, str):
        if not value:
            raise ValueError("String should have at least 1 character")
        return {locale.value: value for locale in LOCALES}
    return value


class SourceEntry(Entry):
    id: Id
    # The outlet's name as readers of each language know it ("Kazinform", "Казинформ"); one
    # string when it is the same in all four.
    outlet: Annotated[Localized, BeforeValidator(_same_in_every_language)]
    title: str | None = None  # the headline, verbatim, in the article's language
    about: Localized | None = None  # what the article reports, where the headline is not known
    date: DateText = None
    url: str | None = None
    language: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not _URL_RE.fullmatch(value):
            raise ValueError("expected an http(s) link")
        return value


class SectorEntry(Entry):
    id: str
    emoji: NonEmpty
    name: Localized
    summary: Localized

    @field_validator("id")
    @classmethod
    def _sector_id(cls, value: str) -> str:
        if not _SECTOR_ID_RE.fullmatch(value):
            raise ValueError("sector ids use a-z, 0-9 and '_' (at most 24 characters)")
        return value


class FigureEntry(Entry):
    period: str
    reporter: Reporter | None = None
    flow: Flow
    value_usd: Number | None = Field(default=None, ge=0, le=MAX_VALUE_USD)
    value_bound: Bound = Bound.EXACT
    growth_pct: Number | None = Field(default=None, ge=-100, le=10_000)
    growth_bound: Bound = Bound.EXACT
    favours: Reporter | None = None
    note: Localized | None = None
    sources: list[Id] = Field(min_length=1)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("no spaces or line breaks around the period")
        Period.from_key(value)
        return value

    @model_validator(mode="after")
    def _says_something(self) -> FigureEntry:
        if self.value_usd is None and self.growth_pct is None and self.favours is None:
            raise ValueError("a figure needs value_usd, growth_pct or favours")
        return self


class TopicEntry(Entry):
    id: Id
    sector: str
    status: Status
    date: DateText = None
    title: Localized
    text: Localized
    sources: list[Id] = Field(min_length=1)


_CONCEPT_ROLES = ("stopword", "neutral", "figures", "compare", "offscope", "news")
_TARGET_KINDS = ("intent", "sector", "topic", "products", "place")
_PRODUCTS = re.compile(r"^(?:\d\d|by_to_kz|kz_to_by|all)$")


def _check_target(value: str | None) -> str | None:
    """``intent:<intent>``, ``sector:<id>``, ``topic:<id>``, ``products:<HS chapter, by_to_kz,
    kz_to_by or all>`` or ``place:<id>``; ids are checked against the other files once they are
    all read."""
    if value is None:
        return None
    kind, sep, item = value.partition(":")
    if not sep or kind not in _TARGET_KINDS or not item:
        raise ValueError("expected intent:<name>, sector:<id>, topic:<id>, products:<chapter> or place:<id>")
    if kind == "products" and not _PRODUCTS.match(item):
        raise ValueError("expected products:<two-digit HS chapter>, products:by_to_kz, kz_to_by or all")
    if kind == "intent":
        try:
            Intent(item)
        except ValueError:
            names = ", ".join(intent.value for intent in Intent)
            raise ValueError(f"unknown intent '{item}' (one of {names})") from None
    return value


TargetText = Annotated[str | None, AfterValidator(_check_target)]
Term = Annotated[str, Field(min_length=1, max_length=80)]


class ConceptTerms(Entry):
    """Words and phrases per language; a language may have none, the concept not."""

    ru: list[Term] = Field(default_factory=list)
    en: list[Term] = Field(default_factory=list)
    kk: list[Term] = Field(default_factory=list)
    be: list[Term] = Field(default_factory=list)

    def items(self) -> list[tuple[str, str]]:
        return [(locale, term) for locale in LOCALES for term in getattr(self, locale)]


class ConceptEntry(Entry):
    id: Id
    target: str | None = None
    by_to_kz: TargetText = None
    kz_to_by: TargetText = None
    direction: Direction | None = None
    match: Literal["stem", "exact"] = "stem"
    terms: ConceptTerms

    @field_validator("target")
    @classmethod
    def _target(cls, value: str | None) -> str | None:
        if value is None or value in _CONCEPT_ROLES:
            return value
        try:
            return _check_target(value)
        except ValueError as exc:
            raise ValueError(f"{exc}, or one of {', '.join(_CONCEPT_ROLES)}") from None

    @model_validator(mode="after")
    def _one_part(self) -> ConceptEntry:
        points = self.target is not None or self.by_to_kz is not None or self.kz_to_by is not None
        if self.direction is not None and points:
            raise ValueError("a direction marker has no target, by_to_kz or kz_to_by")
        if self.direction is None and not points:
            raise ValueError("a concept needs a target (or by_to_kz/kz_to_by, or a direction)")
        if self.target in _CONCEPT_ROLES and (self.by_to_kz or self.kz_to_by):
            raise ValueError(f"'{self.target}' words point nowhere: drop by_to_kz/kz_to_by")
        if not self.terms.items():
            raise ValueError("a concept needs at least one term")
        return self

    def targets(self) -> list[tuple[str, str]]:
        """(field, target) for every target the concept names."""
        named = [("target", self.target), ("by_to_kz", self.by_to_kz), ("kz_to_by", self.kz_to_by)]
        return [(name, value) for name, value in named if value and value not in _CONCEPT_ROLES]


class Dataset(BaseModel):
    sources: list[SourceEntry]
    sectors: list[SectorEntry]
    figures: list[FigureEntry]
    topics: list[TopicEntry]
    concepts: list[ConceptEntry]
    fingerprint: str
