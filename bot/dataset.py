"""The dataset as people edit it: TOML files in ``data/``, validated with pydantic.

``load_dataset(directory)`` reads every file, checks every entry and every cross-reference,
and raises :class:`DatasetError` naming the file, the entry and the field at the first
problem, before anything touches the database.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.dataset_fit import field_misfits, screen_misfit
from bot.domain.models import LOCALES, Bound, Flow, Locale, Period, Reporter, Status
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


class DatasetError(Exception):
    """A data file is malformed. ``str()`` is one line: file, entry, field, problem."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = file
        if entry:
            where += f", {entry}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


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


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Entry):
    """A text in each of the bot's languages; all four are required."""

    ru: NonEmpty
    en: NonEmpty
    kk: NonEmpty
    be: NonEmpty

    def get(self, locale: str) -> str:
        return str(getattr(self, locale))


class SourceEntry(_Entry):
    id: Id
    outlet: NonEmpty
    title: str | None = None
    date: DateText = None
    url: str | None = None
    language: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not _URL_RE.fullmatch(value):
            raise ValueError("expected an http(s) link")
        return value


class SectorEntry(_Entry):
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


class FigureEntry(_Entry):
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


class TopicEntry(_Entry):
    id: Id
    sector: str
    status: Status
    date: DateText = None
    title: Localized
    text: Localized
    sources: list[Id] = Field(min_length=1)


_CONCEPT_ROLES = ("stopword", "neutral", "figures")
_TARGET_KINDS = ("intent", "sector", "topic")


def _check_target(value: str | None) -> str | None:
    """``intent:<intent>``, ``sector:<id>`` or ``topic:<id>``; ids are checked against the
    other files once they are all read."""
    if value is None:
        return None
    kind, sep, item = value.partition(":")
    if not sep or kind not in _TARGET_KINDS or not item:
        raise ValueError("expected intent:<name>, sector:<id> or topic:<id>")
    if kind == "intent":
        try:
            Intent(item)
        except ValueError:
            names = ", ".join(intent.value for intent in Intent)
            raise ValueError(f"unknown intent '{item}' (one of {names})") from None
    return value


TargetText = Annotated[str | None, AfterValidator(_check_target)]
Term = Annotated[str, Field(min_length=1, max_length=80)]


class ConceptTerms(_Entry):
    """Words and phrases per language; a language may have none, the concept not."""

    ru: list[Term] = Field(default_factory=list)
    en: list[Term] = Field(default_factory=list)
    kk: list[Term] = Field(default_factory=list)
    be: list[Term] = Field(default_factory=list)

    def items(self) -> list[tuple[str, str]]:
        return [(locale, term) for locale in LOCALES for term in getattr(self, locale)]


class ConceptEntry(_Entry):
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


_SECTIONS: dict[str, tuple[str, type[_Entry]]] = {
    "sources.toml": ("source", SourceEntry),
    "sectors.toml": ("sector", SectorEntry),
    "trade.toml": ("figure", FigureEntry),
    "topics.toml": ("topic", TopicEntry),
    "concepts.toml": ("concept", ConceptEntry),
}


def fingerprint(directory: Path) -> str:
    """A hash of the data files, to tell whether the database holds them already."""
    digest = hashlib.sha256()
    for name in FILES:
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def _entry_label(table: str, index: int, raw: Any) -> str:
    label = f"{table} #{index + 1}"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        label += f" (id {raw['id']!r})"  # repr: a stray newline shows as \n, on one line
    return label


def _read_toml(path: Path) -> dict[str, Any]:
    shown = path.as_posix()
    if not path.is_file():
        raise DatasetError(shown, None, None, "file not found")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DatasetError(shown, None, None, f"not valid TOML: {exc}") from None


def _first_error(exc: ValidationError, shown: str, entry: str | None) -> DatasetError:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    return DatasetError(shown, entry, field, error["msg"])


def _read_section(directory: Path, name: str) -> list[Any]:
    table, model = _SECTIONS[name]
    path = directory / name
    shown = path.as_posix()
    document = _read_toml(path)
    unknown = set(document) - {table}
    if unknown:
        raise DatasetError(shown, None, None, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    raw_entries = document.get(table, [])
    if not isinstance(raw_entries, list):
        raise DatasetError(shown, None, table, f"expected a list of [[{table}]] tables")
    entries = []
    for index, raw in enumerate(raw_entries):
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            raise _first_error(exc, shown, _entry_label(table, index, raw)) from None
        for field, problem in field_misfits(table, entry):
            raise DatasetError(shown, _entry_label(table, index, raw), field, problem)
        entries.append(entry)
    return entries


def load_dataset(directory: Path) -> Dataset:
    """Read and validate ``directory``; raise :class:`DatasetError` on the first problem."""
    sources: list[SourceEntry] = _read_section(directory, "sources.toml")
    sectors: list[SectorEntry] = _read_section(directory, "sectors.toml")
    figures: list[FigureEntry] = _read_section(directory, "trade.toml")
    topics: list[TopicEntry] = _read_section(directory, "topics.toml")
    concepts: list[ConceptEntry] = _read_section(directory, "concepts.toml")

    def unique(items: list[Any], name: str, table: str) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                path = (directory / name).as_posix()
                raise DatasetError(path, f"{table} #{index + 1} (id '{item.id}')", "id", "duplicate id")
            seen.add(item.id)
        return seen

    source_ids = unique(sources, "sources.toml", "source")
    sector_ids = unique(sectors, "sectors.toml", "sector")
    topic_ids = unique(topics, "topics.toml", "topic")
    unique(concepts, "concepts.toml", "concept")

    def check_sources(items: list[Any], name: str, table: str) -> None:
        for index, item in enumerate(items):
            for position, source_id in enumerate(item.sources):
                if source_id not in source_ids:
                    label = _entry_label(table, index, {"id": getattr(item, "id", None)})
                    path = (directory / name).as_posix()
                    raise DatasetError(path, label, f"sources.{position}", f"unknown source '{source_id}'")

    check_sources(figures, "trade.toml", "figure")
    check_sources(topics, "topics.toml", "topic")
    for index, topic in enumerate(topics):
        if topic.sector not in sector_ids:
            path = (directory / "topics.toml").as_posix()
            label = _entry_label("topic", index, {"id": topic.id})
            raise DatasetError(path, label, "sector", f"unknown sector '{topic.sector}'")

    known = {"sector": sector_ids, "topic": topic_ids}
    for index, concept in enumerate(concepts):
        for field, target in concept.targets():
            kind, _sep, item = target.partition(":")
            if kind in known and item not in known[kind]:
                path = (directory / "concepts.toml").as_posix()
                label = _entry_label("concept", index, {"id": concept.id})
                raise DatasetError(path, label, field, f"unknown {kind} '{item}'")

    misfit = screen_misfit(sources, sectors, figures, topics)
    if misfit is not None:
        entries: dict[str, list[Any]] = {
            "sectors.toml": sectors,
            "topics.toml": topics,
            "trade.toml": figures,
        }
        entry = entries[misfit.file][misfit.index]
        label = _entry_label(_SECTIONS[misfit.file][0], misfit.index, {"id": getattr(entry, "id", None)})
        raise DatasetError((directory / misfit.file).as_posix(), label, misfit.field, misfit.problem)

    return Dataset(
        sources=sources,
        sectors=sectors,
        figures=figures,
        topics=topics,
        concepts=concepts,
        fingerprint=fingerprint(directory),
    )


class FactFile(_Entry):
    """A file for ``python -m bot publish FILE``: one fact, in one or more languages.

    ```toml
    sector = "food_retail"   # a sector id, or "all"
    original = "ru"          # the language it was written in; readers of a language with no
                             # text get this one, marked as the original
    [text]
    ru = "…"
    en = "…"
    ```
    """

    sector: str = Field(min_length=1)
    original: Locale
    text: dict[Locale, NonEmpty]  # the length limit is the publishing use case's (bot/publishing.py)

    @model_validator(mode="after")
    def _original_present(self) -> FactFile:
        if self.original not in self.text:
            raise ValueError(f"text.{self.original} is missing: the original text is required")
        return self


def load_fact_file(path: Path) -> FactFile:
    document = _read_toml(path)
    try:
        return FactFile.model_validate(document)
    except ValidationError as exc:
        raise _first_error(exc, path.as_posix(), None) from None


__all__ = [
    "FILES",
    "LOCALES",
    "Dataset",
    "DatasetError",
    "FactFile",
    "fingerprint",
    "load_dataset",
    "load_fact_file",
]
