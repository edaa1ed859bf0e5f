"""Writes a validated dataset into the tables it replaces: staged first, outside any
transaction, then merged in inside the caller's (only the rows that changed are written)."""

from __future__ import annotations

import aiosqlite

from bot.dataset import Dataset
from bot.domain.models import LOCALES, Period
from bot.store.db import Database, ordered_unique
from bot.store.merge import prune, upsert

DATA_FINGERPRINT = "data_fingerprint"  # the meta key of the loaded files' hash

# The tables of the data files (but the trade figures, a handful rewritten each time): name,
# primary key, columns; parents before children.
_TABLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("sources", ("id",), ("id", "outlet", "title", "date", "url", "language")),
    ("source_texts", ("source_id", "locale"), ("source_id", "locale", "outlet", "about")),
    ("sectors", ("id",), ("id", "position", "emoji")),
    ("sector_texts", ("sector_id", "locale"), ("sector_id", "locale", "name", "summary")),
    ("topics", ("id",), ("id", "sector_id", "status", "date", "position")),
    ("topic_texts", ("topic_id", "locale"), ("topic_id", "locale", "title", "body")),
    ("topic_sources", ("topic_id", "source_id"), ("topic_id", "source_id", "position")),
)
_FIGURE_TABLES = ("trade_figure_sources", "trade_figure_notes", "trade_figures")


def _rows(dataset: Dataset) -> dict[str, list[tuple[object, ...]]]:
    return {
        "sources": [(s.id, s.outlet.en, s.title, s.date, s.url, s.language) for s in dataset.sources],
        "source_texts": [
            (s.id, loc, s.outlet.get(loc), s.about.get(loc) if s.about else None)
            for s in dataset.sources
            for loc in LOCALES
        ],
        "sectors": [(s.id, position, s.emoji) for position, s in enumerate(dataset.sectors)],
        "sector_texts": [
            (s.id, loc, s.name.get(loc), s.summary.get(loc)) for s in dataset.sectors for loc in LOCALES
        ],
        "topics": [(t.id, t.sector, t.status, t.date, position) for position, t in enumerate(dataset.topics)],
        "topic_texts": [
            (t.id, loc, t.title.get(loc), t.text.get(loc)) for t in dataset.topics for loc in LOCALES
        ],
        "topic_sources": [
            (t.id, sid, pos) for t in dataset.topics for pos, sid in enumerate(ordered_unique(t.sources))
        ],
    }


async def stage_dataset(db: Database, dataset: Dataset) -> None:
    """The rows of ``dataset`` staged for :func:`replace_dataset`, before its transaction."""
    rows = _rows(dataset)
    for table, key, columns in _TABLES:
        await db.stage(table, key, columns, rows[table])


async def replace_dataset(conn: aiosqlite.Connection, dataset: Dataset) -> None:
    """Every table of the data files made to hold ``dataset`` (staged by :func:`stage_dataset`)
    inside the caller's transaction, writing only what changed; the fingerprint kept."""
    for table in _FIGURE_TABLES:
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
    for table, key, columns in _TABLES:
        await upsert(conn, table, key, columns)
    for table, key, _columns in reversed(_TABLES):  # children first: nothing left pointing at a row
        await prune(conn, table, key)
    for position, figure in enumerate(dataset.figures):
        period = Period.from_key(figure.period)
        cursor = await conn.execute(
            """
            INSERT INTO trade_figures (year, month_start, month_end, reporter, flow, value_usd,
                value_bound, growth_pct, growth_bound, favours, position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                period.year,
                period.start,
                period.end,
                figure.reporter,
                figure.flow,
                figure.value_usd,
                figure.value_bound,
                figure.growth_pct,
                figure.growth_bound,
                figure.favours,
                position,
            ),
        )
        figure_id = cursor.lastrowid
        if figure.note is not None:
            note = figure.note
            await conn.executemany(
                "INSERT INTO trade_figure_notes (figure_id, locale, note) VALUES (?, ?, ?)",
                [(figure_id, loc, note.get(loc)) for loc in LOCALES],
            )
        await conn.executemany(
            "INSERT INTO trade_figure_sources (figure_id, source_id, position) VALUES (?, ?, ?)",
            [(figure_id, sid, pos) for pos, sid in enumerate(ordered_unique(figure.sources))],
        )
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (DATA_FINGERPRINT, dataset.fingerprint),
    )
