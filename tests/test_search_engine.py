"""The search engine against an index kept in memory: no SQL, only the protocol the store
implements. The engine must follow the index's version, however the index changed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.dataset import load_dataset
from bot.search.engine import SearchEngine
from bot.search.index import Indexer, term_counts
from bot.search.model import Target, TargetKind
from bot.search.protocol import ConceptRow, DocRow, IndexBatch, IndexRow, Snapshot
from tests.conftest import DATA


class MemoryIndex:
    """A :class:`~bot.search.protocol.SearchIndex` over a list of rows; "full text" is any
    shared key, best first by how many."""

    def __init__(self, concepts: tuple[ConceptRow, ...], rows: Sequence[IndexRow]) -> None:
        self.concepts = concepts
        self.rows = list(rows)
        self.counter = 1
        self.snapshots = 0  # how often the engine read everything
        self.searches = 0  # full-text reads

    def add(self, batch: IndexBatch) -> None:
        """What another process's write does: new rows and a new version."""
        self.rows += batch.rows
        self.counter += 1

    async def version(self) -> str:
        return str(self.counter)

    async def snapshot(self) -> Snapshot:
        self.snapshots += 1
        await asyncio.sleep(0)  # a real read yields to other questions
        parents = {(r.kind, r.item_id): r.parent for r in self.rows if r.parent}
        years = frozenset(int(r.item_id[:4]) for r in self.rows if r.kind == TargetKind.FIGURES)
        return Snapshot(
            str(self.counter), self.concepts, term_counts(self.rows), parents, years, len(self.rows)
        )

    @staticmethod
    def _doc(row: IndexRow) -> DocRow:
        return DocRow(row.kind, row.item_id, row.parent, row.title_keys, row.body_keys)

    async def matching(self, query: str, limit: int) -> list[DocRow]:
        self.searches += 1
        keys = {part.strip('"') for part in query.split(" OR ")}
        scored = [(len(keys & set(row.terms)), index) for index, row in enumerate(self.rows)]
        best = sorted((-score, index) for score, index in scored if score)[:limit]
        return [self._doc(self.rows[index]) for _score, index in best]

    async def items(self, kind: str, ids: Sequence[str]) -> list[DocRow]:
        return [self._doc(row) for row in self.rows if row.kind == kind and row.item_id in ids]

    async def titles(self, items: Sequence[tuple[str, str]], locale: str) -> dict[tuple[str, str], str]:
        return {(r.kind, r.item_id): r.title for r in self.rows if (r.kind, r.item_id) in items}

    async def indexed(self) -> bool:
        return bool(self.rows)


def shipped_index() -> MemoryIndex:
    concepts, batch = Indexer().dataset_rows(load_dataset(DATA), [])
    return MemoryIndex(concepts, batch.rows)


async def test_the_engine_answers_from_the_protocol_alone() -> None:
    engine = SearchEngine(shipped_index())
    assert str((await engine.ask("магнум")).target) == "topic:magnum-collaboration"
    assert str((await engine.ask("tovarooborot")).target) == "intent:turnover"
    assert str((await engine.ask("штучны інтэлект")).target) == "topic:ai-ministry-announced"
    assert (await engine.ask("погода в минске")).target is None


async def test_the_engine_reads_everything_once_per_version() -> None:
    index = shipped_index()
    engine = SearchEngine(index)
    for question in ("Magnum", "сальдо", "food retail"):
        await engine.ask(question)
    assert index.snapshots == 1

    indexer, concepts = Indexer(), index.concepts
    index.add(
        indexer.item_rows(
            "topic",
            "potash-terminal",
            {"en": ("Potash terminal", "A terminal.")},
            concepts,
            parent="sector:industry",
        )
    )
    # Questions arriving together after the change wait for one reading of the index.
    decisions = await asyncio.gather(*(engine.ask("potash terminal") for _ in range(5)))
    assert index.snapshots == 2
    assert {str(d.target) for d in decisions} == {"topic:potash-terminal"}


async def test_a_typo_is_corrected_against_words_added_since() -> None:
    index = shipped_index()
    engine = SearchEngine(index)
    assert (await engine.ask("zeppelinns")).target is None
    index.add(Indexer().item_rows("topic", "airship", {"en": ("Zeppelins", "Airships.")}, index.concepts))
    decision = await engine.ask("zeppelinns")
    assert decision.target == Target(TargetKind.TOPIC, "airship")


async def test_a_question_asked_again_is_answered_from_memory_until_the_data_changes() -> None:
    index = shipped_index()
    engine = SearchEngine(index)
    first = await engine.ask("экспорт молока в Казахстан")
    searched = index.searches
    assert searched > 0
    again = [await engine.ask("экспорт молока в Казахстан") for _ in range(3)]
    assert again == [first] * 3 and index.searches == searched
    assert (await engine.ask("экспорт молока в Казахстан", typing=True)) is not first  # another key

    before = index.searches
    index.add(
        Indexer().item_rows("topic", "milk-hub", {"ru": ("Молочный хаб", "Экспорт молока.")}, index.concepts)
    )
    await engine.ask("экспорт молока в Казахстан")
    assert index.searches > before  # the new version decides anew


async def test_an_engine_that_remembers_nothing_decides_every_time() -> None:
    index = shipped_index()
    engine = SearchEngine(index, remember=0)
    first = await engine.ask("экспорт молока в Казахстан")
    searched = index.searches
    assert await engine.ask("экспорт молока в Казахстан") == first
    assert index.searches == 2 * searched
