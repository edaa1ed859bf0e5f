"""The dataset as people edit it: TOML files in ``data/``, validated with pydantic.

``load_dataset(directory)`` reads every file, checks every entry and every cross-reference,
and raises :class:`DatasetError` naming the file, the entry and the field at the first
problem, before anything touches the database.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from bot.dataset_entries import (
    FILES,
    ConceptEntry,
    Dataset,
    Entry,
    FigureEntry,
    NonEmpty,
    SectorEntry,
    SourceEntry,
    TopicEntry,
)
from bot.dataset_fit import field_misfits, screen_misfit
from bot.domain.models import LOCALES, Locale

_SECTIONS: dict[str, tuple[str, type[Entry]]] = {
    "sources.toml": ("source", SourceEntry),
    "sectors.toml": ("sector", SectorEntry),
    "trade.toml": ("figure", FigureEntry),
    "topics.toml": ("topic", TopicEntry),
    "concepts.toml": ("concept", ConceptEntry),
}


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


class FactFile(Entry):
    """A file for ``python -m bot publish FILE``: one fact, in one or more languages.

    ```toml
    sector = "food_retail"   # a sector id, or "all"
    original = "ru"          # the language it was written in; readers of a language with no
                             # text get this one, marked as the original
    source = "https://…"     # the link to the source (http or https), shown as the last line
    [text]
    ru = "…"
    en = "…"
    ```
    """

    sector: str = Field(min_length=1)
    original: Locale
    text: dict[Locale, NonEmpty]  # the length limit is the publishing use case's (bot/publishing.py)
    source: str = ""  # required and checked by the use case, which names it in its error

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
    "ConceptEntry",
    "Dataset",
    "DatasetError",
    "FactFile",
    "fingerprint",
    "load_dataset",
    "load_fact_file",
]
