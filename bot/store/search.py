"""The search index in SQLite (FTS5) and the question → decision path over it.

The index has one row per item and locale (topics, sectors, trade figures by period and flow,
sources) holding its analysed text; the concepts of ``data/concepts.toml`` sit beside it. Both
are rebuilt in the transaction that loads the dataset (:func:`rebuild_index`), so new data is
searchable the moment it is committed; :meth:`SearchRepo.index_item` adds or replaces one item
at once (for /publish).

The vocabulary for typo tolerance, the concepts and the item → parent map are kept in memory
and refreshed after every load.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import aiosqlite

from bot.dataset import ConceptEntry, Dataset
from bot.domain.models import LOCALES, Locale, Period
from bot.search.analysis import Token, analyse_question, key_groups, keyed_words
from bot.search.classifier import DocHit, classify
from bot.search.concepts import Concept, ConceptIndex, Role
from bot.search.fuzzy import Vocabulary, script_mask
from bot.search.model import Decision, Target, TargetKind
from bot.search.periods import find_period
from bot.search.text import script
from bot.store.db import Database

log = logging.getLogger(__name__)

MAX_HITS = 40  # full-text rows read per question
COMMON_SHARE = 0.01  # keys in more than this share of the rows (and over 50) are left out of the
# full-text query: they would make SQLite rank thousands of rows, and say little; they still
# count for the rows the rarer keys find.
MAX_CORRECTIONS = 3  # known keys a misspelt word may stand for


@dataclass(frozen=True)
class IndexRow:
    kind: str
    item_id: str
    locale: str
    parent: str | None
    title: str
    title_keys: str
    body_keys: str
    terms: Mapping[str, int]  # every key of the row → the alphabets of its words

    @classmethod
    def analyse(
        cls,
        kind: str,
        item_id: str,
        locale: str,
        parent: str | None,
        title: str,
        body: str,
        stopwords: frozenset[str],
        *,
        title_text: str | None = None,
    ) -> IndexRow:
        """``title`` is what suggestion buttons show; ``title_text`` what is indexed as the
        title, when it differs."""
        terms: dict[str, int] = {}
        analysed = []
        for text in (title if title_text is None else title_text, body):
            keyed = keyed_words(text, locale, stopwords)
            for alphabet, keys in keyed:
                for key in keys:
                    terms[key] = terms.get(key, 0) | script_mask(alphabet)
            analysed.append(" ".join("|".join(keys) for _alphabet, keys in keyed))
        return cls(kind, item_id, locale, parent, title, analysed[0], analysed[1], terms)

    @property
    def values(self) -> tuple[str, str, str, str | None, str, str, str]:
        return (
            self.kind,
            self.item_id,
            self.locale,
            self.parent,
            self.title,
            self.title_keys,
            self.body_keys,
        )


def _concept(entry: ConceptEntry) -> Concept:
    return Concept.build(
        entry.id,
        entry.terms.items(),
        target=entry.target,
        by_to_kz=entry.by_to_kz,
        kz_to_by=entry.kz_to_by,
        direction=entry.direction,
        exact=entry.match == "exact",
    )


def dataset_rows(dataset: Dataset, stopwords: frozenset[str]) -> list[IndexRow]:
    """Everything in ``dataset`` a question may be about, analysed for the index."""
    rows = []
    for topic in dataset.topics:
        for locale in LOCALES:
            rows.append(
                IndexRow.analyse(
                    "topic",
                    topic.id,
                    locale,
                    f"sector:{topic.sector}",
                    topic.title.get(locale),
                    topic.text.get(locale),
                    stopwords,
                )
            )
    for sector in dataset.sectors:
        for locale in LOCALES:
            name, summary = sector.name.get(locale), sector.summary.get(locale)
            rows.append(IndexRow.analyse("sector", sector.id, locale, None, name, summary, stopwords))
    notes: dict[tuple[str, str], dict[str, list[str]]] = {}
    for figure in dataset.figures:
        per_locale = notes.setdefault((figure.period, figure.flow.value), {loc: [] for loc in LOCALES})
        if figure.note is not None:
            for locale in LOCALES:
                per_locale[locale].append(figure.note.get(locale))
    for (period, flow), per_locale in notes.items():
        year = str(Period.from_key(period).year)
        for locale in LOCALES:
            rows.append(
                IndexRow.analyse(
                    TargetKind.FIGURES,
                    f"{period}/{flow}",
                    locale,
                    f"intent:{flow}",
                    period,
                    " ".join([year, *per_locale[locale]]),
                    stopwords,
                    title_text="",
                )
            )
    for source in dataset.sources:
        language = source.language if source.language in LOCALES else Locale.EN
        body = " ".join(filter(None, [source.title, source.date[:4] if source.date else None]))
        rows.append(IndexRow.analyse("source", source.id, language, None, source.outlet, body, stopwords))
    return rows


def term_counts(rows: Iterable[IndexRow]) -> dict[str, tuple[int, int]]:
    """key → (rows holding it, alphabets)."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        for key, mask in row.terms.items():
            count, scripts = counts.get(key, (0, 0))
            counts[key] = (count + 1, scripts | mask)
    return counts


_UPSERT_TERM = (
    "INSERT INTO search_terms (key, rows, scripts) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
    "SET rows = search_terms.rows + excluded.rows, scripts = search_terms.scripts | excluded.scripts"
)


_INSERT_DOC = (
    "INSERT INTO search_docs (kind, item_id, locale, parent, title, title_keys, body_keys) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


async def rebuild_index(conn: aiosqlite.Connection, dataset: Dataset) -> None:
    """Replace the concepts and the index with those of ``dataset``, inside the caller's
    transaction (the one that loads the dataset)."""
    for table in ("concept_terms", "concepts", "search_docs", "search_terms"):
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
    await conn.executemany(
        "INSERT INTO concepts (id, position, target, by_to_kz, kz_to_by, direction, exact) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (c.id, position, c.target, c.by_to_kz, c.kz_to_by, c.direction, int(c.match == "exact"))
            for position, c in enumerate(dataset.concepts)
        ],
    )
    await conn.executemany(
        "INSERT INTO concept_terms (concept_id, locale, position, term) VALUES (?, ?, ?, ?)",
        [
            (c.id, locale, position, term)
            for c in dataset.concepts
            for locale in LOCALES
            for position, term in enumerate(getattr(c.terms, locale))
        ],
    )
    stopwords = ConceptIndex([_concept(c) for c in dataset.concepts]).stopwords
    rows = dataset_rows(dataset, stopwords)
    await conn.executemany(_INSERT_DOC, [row.values for row in rows])
    await conn.executemany(_UPSERT_TERM, [(k, n, mask) for k, (n, mask) in term_counts(rows).items()])


@dataclass
class _State:
    """What the search keeps in memory between questions."""

    concepts: ConceptIndex
    vocabulary: Vocabulary
    parents: dict[Target, Target]
    years: frozenset[int]
    rows: int

    def known(self, token: Token) -> bool:
        return token.corrected or any(key in self.vocabulary for key in token.keys | token.forms)


class SearchRepo:
    """Questions in people's own words → a :class:`~bot.search.model.Decision`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._state: _State | None = None

    async def refresh(self) -> None:
        """Read the concepts, the vocabulary and the parents again (after a load)."""
        conn = self._db.conn
        terms: dict[str, list[tuple[str, str]]] = {}
        async with conn.execute(
            "SELECT concept_id, locale, term FROM concept_terms ORDER BY 1, 2, position"
        ) as c:
            for row in await c.fetchall():
                terms.setdefault(row[0], []).append((row[1], row[2]))
        concepts = []
        sql = "SELECT id, target, by_to_kz, kz_to_by, direction, exact FROM concepts ORDER BY position"
        async with conn.execute(sql) as cursor:
            for row in await cursor.fetchall():
                concepts.append(
                    Concept.build(
                        row["id"],
                        terms.get(row["id"], []),
                        target=row["target"],
                        by_to_kz=row["by_to_kz"],
                        kz_to_by=row["kz_to_by"],
                        direction=row["direction"],
                        exact=bool(row["exact"]),
                    )
                )
        index = ConceptIndex(concepts)
        vocabulary = Vocabulary()
        async with conn.execute("SELECT key, rows, scripts FROM search_terms") as cursor:
            for row in await cursor.fetchall():
                vocabulary.add(row[0], row[1], row[2])
        for key, scripts in index.keys.items():
            vocabulary.add(key, 0 if key in vocabulary else 1, scripts)
        parents = {}
        async with conn.execute(
            "SELECT DISTINCT kind, item_id, parent FROM search_docs WHERE parent IS NOT NULL"
        ) as c:
            for row in await c.fetchall():
                parents[Target(TargetKind(row[0]), row[1])] = Target.parse(row[2])
        async with conn.execute("SELECT DISTINCT year FROM trade_figures") as cursor:
            years = frozenset(int(row[0]) for row in await cursor.fetchall())
        async with conn.execute("SELECT count(*) FROM search_docs") as cursor:
            counted = await cursor.fetchone()
        self._state = _State(index, vocabulary, parents, years, int(counted[0]) if counted else 0)
        log.debug(
            "search ready: %d concepts, %d keys, %d rows", len(concepts), len(vocabulary), self._state.rows
        )

    async def _ready(self) -> _State:
        if self._state is None:
            await self.refresh()
        assert self._state is not None
        return self._state

    async def indexed(self) -> bool:
        """Whether the index holds anything (a database migrated before it existed doesn't)."""
        async with self._db.conn.execute("SELECT 1 FROM search_docs LIMIT 1") as cursor:
            return await cursor.fetchone() is not None

    async def ask(self, text: str, *, typing: bool = False) -> Decision:
        """What ``text`` is about. ``typing``: the last word may be unfinished (inline mode)."""
        state = await self._ready()
        tokens = analyse_question(text)
        if not tokens:
            return Decision(target=None)
        state.concepts.mark_stopwords(tokens)
        self._correct(state, tokens, typing=typing)
        matches = state.concepts.match(tokens)
        named = {
            target
            for match in matches
            if match.concept.role is Role.TARGET
            for target in (match.concept.target, match.concept.by_to_kz, match.concept.kz_to_by)
            if target is not None and target.kind in (TargetKind.TOPIC, TargetKind.SECTOR)
        }
        docs = await self._full_text(state, tokens, named)
        return classify(
            tokens,
            matches,
            docs,
            known=state.known,
            df=state.vocabulary.df,
            parent_of=state.parents.get,
            years_with_data=state.years,
            period=find_period(text),
        )

    @staticmethod
    def _correct(state: _State, tokens: Sequence[Token], *, typing: bool) -> None:
        """Give misspelt words the keys they were probably meant to be; in inline mode, give
        the unfinished last word the keys it may become."""
        vocabulary = state.vocabulary
        for index, token in enumerate(tokens):
            if "stopword" in token.roles:
                continue
            if typing and index == len(tokens) - 1:
                completions = {k for form in token.forms for k in vocabulary.complete(form)}
                if completions - token.keys:
                    token.keys |= completions
                    token.forms |= completions
                continue
            if any(key in vocabulary for key in token.keys | token.forms):
                continue
            found: list[tuple[str, int]] = []
            alphabet = script_mask(script(token.word))
            for key in token.keys | token.forms:
                found += vocabulary.correct(key, alphabet)
            if not found:
                continue
            nearest = min(distance for _key, distance in found)
            corrections = []
            for key, distance in sorted(found, key=lambda item: (item[1], -vocabulary.df(item[0]))):
                if distance == nearest and key not in corrections:
                    corrections.append(key)
            token.keys |= set(corrections[:MAX_CORRECTIONS])
            token.forms |= set(corrections[:MAX_CORRECTIONS])
            token.corrected = True

    async def _full_text(self, state: _State, tokens: Sequence[Token], named: set[Target]) -> list[DocHit]:
        """The rows the question's rarer keys find, and the rows of the items its concepts name
        (so that their text counts too, however common its words)."""
        asked = {key for token in tokens if "stopword" not in token.roles for key in token.keys}
        known = sorted((state.vocabulary.df(key), key) for key in asked if key in state.vocabulary)
        common = max(50, int(state.rows * COMMON_SHARE))
        keys = [key for df, key in known if df <= common]
        rows: list[aiosqlite.Row] = []
        if keys:
            query = " OR ".join(f'"{key}"' for key in keys)
            sql = """
                SELECT d.kind, d.item_id, d.parent, d.title_keys, d.body_keys
                FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) AS hit
                JOIN search_docs d ON d.id = hit.rowid
            """
            async with self._db.conn.execute(sql, (query, MAX_HITS)) as cursor:
                rows += await cursor.fetchall()
        for kind in sorted({target.kind for target in named}):
            ids = sorted(target.id for target in named if target.kind is kind)
            sql = (
                "SELECT kind, item_id, parent, title_keys, body_keys FROM search_docs "  # noqa: S608
                f"WHERE kind = ? AND item_id IN ({', '.join('?' * len(ids))})"  # (kind, item_id) is indexed
            )
            async with self._db.conn.execute(sql, (kind.value, *ids)) as cursor:
                rows += await cursor.fetchall()
        if not rows or not asked:
            return []
        # Which of the question's keys each row's body holds: one pass of one pattern, instead of
        # splitting every body into a set.
        alternatives = "|".join(map(re.escape, sorted(asked, key=len, reverse=True)))
        pattern = re.compile(rf"(?<![^ |])({alternatives})(?![^ |])")
        return [
            DocHit(
                target=Target(TargetKind(row[0]), row[1]),
                parent=Target.parse(row[2]) if row[2] else None,
                title=tuple(key_groups(row[3])),
                body=frozenset(pattern.findall(row[4])),
            )
            for row in rows
        ]

    async def index_item(
        self,
        kind: str,
        item_id: str,
        texts: Mapping[str, tuple[str, str]],
        *,
        parent: str | None = None,
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        """Add or replace one item: ``texts`` maps each locale to its (title, body).

        Inside the caller's transaction when ``conn`` is given (e.g. /publish writing a fact
        and its outbox rows), else in a transaction of its own. Searchable as soon as committed.
        """
        state = await self._ready()
        target = Target(TargetKind(kind), item_id)
        stopwords = state.concepts.stopwords
        rows = [
            IndexRow.analyse(kind, item_id, locale, parent, title, body, stopwords)
            for locale, (title, body) in texts.items()
        ]
        counts = term_counts(rows)

        async def write(connection: aiosqlite.Connection) -> None:
            await connection.execute(
                "DELETE FROM search_docs WHERE kind = ? AND item_id = ?", (kind, item_id)
            )
            await connection.executemany(_INSERT_DOC, [row.values for row in rows])
            await connection.executemany(_UPSERT_TERM, [(k, n, mask) for k, (n, mask) in counts.items()])

        if conn is None:
            async with self._db.transaction() as own:
                await write(own)
        else:
            await write(conn)
        for key, (count, scripts) in counts.items():
            state.vocabulary.add(key, count, scripts)
        state.rows += len(rows)
        if parent:
            state.parents[target] = Target.parse(parent)

    async def titles(self, targets: Iterable[Target], locale: str) -> dict[Target, str]:
        """The indexed titles of ``targets`` in ``locale`` (else in any locale)."""
        found: dict[Target, str] = {}
        for target in targets:
            sql = (
                "SELECT title FROM search_docs WHERE kind = ? AND item_id = ? "
                "ORDER BY locale = ? DESC, locale LIMIT 1"
            )
            async with self._db.conn.execute(sql, (target.kind.value, target.id, locale)) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                found[target] = str(row[0])
        return found
