"""The search index in SQLite (FTS5): the SQL side of :class:`~bot.search.protocol.SearchIndex`.

One row per item and locale in ``search_docs``, indexed by ``search_fts`` (external content,
kept here rather than by triggers: a load rebuilds it in one pass), every key's document
frequency in ``search_terms``, the concepts beside them. The analysis is the
:class:`~bot.search.protocol.Indexer`'s; here the rows are only written and read. Every write
bumps ``search_version`` in ``meta`` in the same transaction, so every process's search engine
sees the change before its next question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.domain.models import Period
from bot.search.protocol import ConceptRow, DocRow, IndexBatch, IndexRow, Snapshot
from bot.store.db import Database, placeholders
from bot.store.merge import merge, prune, upsert

SEARCH_VERSION = "search_version"  # the meta key bumped by every index write

_INSERT_DOC = (
    "INSERT INTO search_docs (kind, item_id, locale, parent, title, title_keys, body_keys) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_TERM = (
    "INSERT INTO search_terms (key, rows, scripts) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
    "SET rows = search_terms.rows + excluded.rows, scripts = search_terms.scripts | excluded.scripts"
)
_BUMP_VERSION = (
    "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) "
    "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
)


_DOC_COLUMNS = ("kind", "item_id", "locale", "parent", "title", "title_keys", "body_keys")
_DOC_KEY = ("kind", "item_id", "locale")
_CONCEPTS = ("concepts", ("id",), ("id", "position", "target", "by_to_kz", "kz_to_by", "direction", "exact"))
_CONCEPT_TERMS = (
    "concept_terms",
    ("concept_id", "locale", "position"),
    ("concept_id", "locale", "position", "term"),
)
_TERMS = ("search_terms", ("key",), ("key", "rows", "scripts"))
BULK_SHARE = 0.25  # more rows changed than this share: search_fts rebuilt in one pass, not row by row


def _doc_values(row: IndexRow) -> tuple[object, ...]:
    return (row.kind, row.item_id, row.locale, row.parent, row.title, row.title_keys, row.body_keys)


async def _write_rows(conn: aiosqlite.Connection, batch: IndexBatch) -> None:
    """The rows into ``search_docs`` (not yet into ``search_fts``), their terms, a new version."""
    await conn.executemany(_INSERT_DOC, [_doc_values(row) for row in batch.rows])
    await conn.executemany(_UPSERT_TERM, [(k, n, mask) for k, (n, mask) in batch.terms.items()])
    await conn.execute(_BUMP_VERSION, (SEARCH_VERSION,))


def _positioned(terms: Sequence[tuple[str, str]]) -> list[tuple[str, int, str]]:
    """(locale, position within the locale, term): the key of ``concept_terms``."""
    seen: dict[str, int] = {}
    found = []
    for locale, term in terms:
        seen[locale] = seen.get(locale, -1) + 1
        found.append((locale, seen[locale], term))
    return found


async def stage(db: Database, concepts: Sequence[ConceptRow], batch: IndexBatch) -> None:
    """The whole index staged for :func:`rebuild`, before its transaction."""
    await db.stage(
        *_CONCEPTS,
        [
            (c.id, position, c.target, c.by_to_kz, c.kz_to_by, c.direction, int(c.exact))
            for position, c in enumerate(concepts)
        ],
    )
    await db.stage(
        *_CONCEPT_TERMS,
        [(c.id, locale, position, term) for c in concepts for locale, position, term in _positioned(c.terms)],
    )
    await db.stage("search_docs", _DOC_KEY, _DOC_COLUMNS, [_doc_values(row) for row in batch.rows])
    await db.stage(*_TERMS, [(k, n, mask) for k, (n, mask) in batch.terms.items()])


async def rebuild(conn: aiosqlite.Connection) -> None:
    """The concepts and the whole index made to hold what :func:`stage` staged, inside the
    caller's transaction; rows that did not change are not written."""
    await upsert(conn, *_CONCEPTS)
    await merge(conn, *_CONCEPT_TERMS)
    await prune(conn, *_CONCEPTS[:2])
    await merge(conn, *_TERMS)
    same = " AND ".join(f"s.{c} {'=' if c in _DOC_KEY else 'IS'} d.{c}" for c in _DOC_COLUMNS)
    await conn.execute("DROP TABLE IF EXISTS temp.gone_docs")
    await conn.execute(
        "CREATE TEMP TABLE gone_docs AS SELECT d.id FROM main.search_docs d "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM temp.staged_search_docs s WHERE {same})"
    )
    async with conn.execute(
        "SELECT (SELECT count(*) FROM temp.gone_docs), (SELECT count(*) FROM temp.staged_search_docs)"
    ) as cursor:
        gone, staged = await cursor.fetchone() or (0, 0)
    bulk = gone > BULK_SHARE * staged
    if not bulk:
        await conn.execute(
            "INSERT INTO search_fts (search_fts, rowid, title_keys, body_keys) "
            "SELECT 'delete', id, title_keys, body_keys FROM main.search_docs WHERE id IN temp.gone_docs"
        )
    await conn.execute("DELETE FROM main.search_docs WHERE id IN temp.gone_docs")
    async with conn.execute("SELECT coalesce(max(id), 0) FROM main.search_docs") as cursor:
        row = await cursor.fetchone()
    last = int(row[0]) if row else 0
    key = " AND ".join(f"d.{column} = s.{column}" for column in _DOC_KEY)
    names = ", ".join(_DOC_COLUMNS)
    await conn.execute(
        f"INSERT INTO main.search_docs ({names}) SELECT {names} FROM temp.staged_search_docs s "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM main.search_docs d WHERE {key})"
    )
    if bulk:
        await conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
    else:  # the new rows: a new id is above every id left in the table
        await conn.execute(
            "INSERT INTO search_fts (rowid, title_keys, body_keys) "
            "SELECT id, title_keys, body_keys FROM main.search_docs WHERE id > ?",
            (last,),
        )
    await conn.execute("DROP TABLE temp.gone_docs")
    await conn.execute(_BUMP_VERSION, (SEARCH_VERSION,))


async def replace_item(conn: aiosqlite.Connection, batch: IndexBatch) -> None:
    """Add or replace the items of ``batch``, inside the caller's transaction."""
    items = list(dict.fromkeys((row.kind, row.item_id) for row in batch.rows))
    for item in items:
        await conn.execute(
            "INSERT INTO search_fts (search_fts, rowid, title_keys, body_keys) "
            "SELECT 'delete', id, title_keys, body_keys FROM search_docs WHERE kind = ? AND item_id = ?",
            item,
        )
        await conn.execute("DELETE FROM search_docs WHERE kind = ? AND item_id = ?", item)
    await _write_rows(conn, batch)
    for item in items:
        await conn.execute(
            "INSERT INTO search_fts (rowid, title_keys, body_keys) "
            "SELECT id, title_keys, body_keys FROM search_docs WHERE kind = ? AND item_id = ?",
            item,
        )


async def remove_item(conn: aiosqlite.Connection, kind: str, item_id: str) -> None:
    """Take one item (a withdrawn fact) out of the index, inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO search_fts (search_fts, rowid, title_keys, body_keys) "
        "SELECT 'delete', id, title_keys, body_keys FROM search_docs WHERE kind = ? AND item_id = ?",
        (kind, item_id),
    )
    await conn.execute("DELETE FROM search_docs WHERE kind = ? AND item_id = ?", (kind, item_id))
    await conn.execute(_BUMP_VERSION, (SEARCH_VERSION,))


async def concept_rows(conn: aiosqlite.Connection) -> tuple[ConceptRow, ...]:
    terms: dict[str, list[tuple[str, str]]] = {}
    sql = "SELECT concept_id, locale, term FROM concept_terms ORDER BY concept_id, locale, position"
    async with conn.execute(sql) as cursor:
        for concept_id, locale, term in await cursor.fetchall():
            terms.setdefault(concept_id, []).append((locale, term))
    sql = "SELECT id, target, by_to_kz, kz_to_by, direction, exact FROM concepts ORDER BY position"
    async with conn.execute(sql) as cursor:
        return tuple(
            ConceptRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]), tuple(terms.get(row[0], ())))
            for row in await cursor.fetchall()
        )


async def _version(conn: aiosqlite.Connection) -> str:
    # execute_fetchall: one trip to aiosqlite's thread, not three (it runs before every question)
    rows = list(await conn.execute_fetchall("SELECT value FROM meta WHERE key = ?", (SEARCH_VERSION,)))
    return str(rows[0][0]) if rows else ""


def _doc(row: Sequence[Any]) -> DocRow:
    return DocRow(row[0], row[1], row[2], row[3], row[4])


class SearchRepo:
    """The :class:`~bot.search.protocol.SearchIndex` over this database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def version(self) -> str:
        """Asked before every question: a plain read (no thread hand-off)."""
        row = await self._db.read_one("SELECT value FROM meta WHERE key = ?", (SEARCH_VERSION,))
        return str(row[0]) if row else ""

    async def snapshot(self) -> Snapshot:
        async with self._db.read_transaction() as conn:
            version = await _version(conn)
            concepts = await concept_rows(conn)
            async with conn.execute("SELECT key, rows, scripts FROM search_terms") as cursor:
                terms = {row[0]: (int(row[1]), int(row[2])) for row in await cursor.fetchall()}
            sql = "SELECT DISTINCT kind, item_id, parent FROM search_docs WHERE parent IS NOT NULL"
            async with conn.execute(sql) as cursor:
                parents = {(row[0], row[1]): str(row[2]) for row in await cursor.fetchall()}
            sql = "SELECT DISTINCT year, month_start, month_end FROM trade_figures"
            async with conn.execute(sql) as cursor:
                found = [tuple(map(int, row)) for row in await cursor.fetchall()]
            years = frozenset(year for year, _start, _end in found)
            periods = frozenset(Period(year=y, start=a, end=b).key for y, a, b in found)
            async with conn.execute("SELECT count(*) FROM search_docs") as cursor:
                counted = await cursor.fetchone()
        rows = int(counted[0]) if counted else 0
        return Snapshot(version, concepts, terms, parents, years, rows, periods)

    async def indexed(self) -> bool:
        """Whether the index holds anything (a database migrated before it existed doesn't)."""
        async with self._db.conn.execute("SELECT 1 FROM search_docs LIMIT 1") as cursor:
            return await cursor.fetchone() is not None

    async def matching(self, query: str, limit: int) -> list[DocRow]:
        sql = """
            SELECT d.kind, d.item_id, d.parent, d.title_keys, d.body_keys
            FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) AS hit
            JOIN search_docs d ON d.id = hit.rowid
        """
        return [_doc(row) for row in await self._db.read_few(sql, (query, limit))]

    async def items(self, kind: str, ids: Sequence[str]) -> list[DocRow]:
        if not ids:
            return []
        sql = (
            "SELECT kind, item_id, parent, title_keys, body_keys FROM search_docs "  # noqa: S608
            f"WHERE kind = ? AND item_id IN ({placeholders(len(ids))})"  # (kind, item_id) is indexed
        )
        return [_doc(row) for row in await self._db.read_few(sql, (kind, *ids))]

    async def titles(self, items: Sequence[tuple[str, str]], locale: str) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        sql = (
            "SELECT title FROM search_docs WHERE kind = ? AND item_id = ? "
            "ORDER BY locale = ? DESC, locale LIMIT 1"
        )
        for kind, item_id in items:
            row = await self._db.read_one(sql, (kind, item_id, locale))
            if row:
                found[kind, item_id] = str(row[0])
        return found
