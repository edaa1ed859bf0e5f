"""What the search and the store that keeps its index say to each other: types only.

The store implements :class:`SearchIndex` (the SQL side: full-text rows, the snapshot the engine
keeps in memory, a version that changes with every index write) and calls an :class:`Indexer`
to analyse what it writes. Items are named by plain strings (``kind``, ``item_id``, a parent
as ``"sector:it"``), so the store needs nothing else from :mod:`bot.search`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.dataset import Dataset

FACT_KIND = "fact"  # the index kind of a published fact; its item_id is the fact's number


@dataclass(frozen=True)
class ConceptRow:
    """One concept of ``data/concepts.toml`` as the index keeps it."""

    id: str
    target: str | None
    by_to_kz: str | None
    kz_to_by: str | None
    direction: str | None
    exact: bool
    terms: tuple[tuple[str, str], ...]  # (locale, phrase), in the file's order


@dataclass(frozen=True)
class IndexRow:
    """One searchable item in one locale, analysed."""

    kind: str
    item_id: str
    locale: str
    parent: str | None  # "sector:it", "intent:turnover"
    title: str  # as suggestion buttons show it
    title_keys: str  # one group of keys per word, alternatives joined by "|", groups by spaces
    body_keys: str
    terms: Mapping[str, int]  # every key of the row → the alphabets of its words


@dataclass(frozen=True)
class IndexBatch:
    """Rows to write, with what they add to the vocabulary."""

    rows: tuple[IndexRow, ...]
    terms: Mapping[str, tuple[int, int]]  # key → (rows holding it, alphabets)


@dataclass(frozen=True)
class FactTexts:
    """A published fact as the index reads it."""

    fact_id: int
    sector_id: str
    texts: Mapping[str, str]  # locale → body


@dataclass(frozen=True)
class DocRow:
    """An index row as the engine reads it back."""

    kind: str
    item_id: str
    parent: str | None
    title_keys: str
    body_keys: str


@dataclass(frozen=True)
class Snapshot:
    """Everything the engine keeps in memory, read at one moment of the database."""

    version: str
    concepts: tuple[ConceptRow, ...]
    terms: Mapping[str, tuple[int, int]]  # key → (rows holding it, alphabets)
    parents: Mapping[tuple[str, str], str]  # (kind, item_id) → parent
    years: frozenset[int]  # years with trade figures
    rows: int  # index rows
    periods: frozenset[str] = frozenset()  # keys of the periods with trade figures


class SearchIndex(Protocol):
    async def version(self) -> str:
        """Changes in the transaction of every index write, whichever process makes it."""
        ...

    async def snapshot(self) -> Snapshot: ...

    async def matching(self, query: str, limit: int) -> list[DocRow]:
        """The best ``limit`` rows for an FTS5 ``query``."""
        ...

    async def items(self, kind: str, ids: Sequence[str]) -> list[DocRow]:
        """Every locale's row of these items."""
        ...

    async def titles(self, items: Sequence[tuple[str, str]], locale: str) -> dict[tuple[str, str], str]:
        """The indexed titles of (kind, item_id) pairs in ``locale``, else in any locale."""
        ...

    async def indexed(self) -> bool: ...


class Indexer(Protocol):
    """Analysis of what the store writes to the index; pure Python, no I/O."""

    def dataset_rows(
        self, dataset: Dataset, facts: Sequence[FactTexts]
    ) -> tuple[tuple[ConceptRow, ...], IndexBatch]:
        """The concepts and every row of a dataset and the published facts."""
        ...

    def fact_rows(self, fact: FactTexts, concepts: Sequence[ConceptRow]) -> IndexBatch:
        """One fact's rows, its words weighed against ``concepts``' stop words."""
        ...
