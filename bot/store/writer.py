"""Writes a validated dataset into the tables it replaces, inside the caller's transaction."""

from __future__ import annotations

import aiosqlite

from bot.dataset import Dataset
from bot.domain.models import LOCALES, Period
from bot.store.db import ordered_unique

DATA_FINGERPRINT = "data_fingerprint"  # the meta key of the loaded files' hash

_REPLACED = (
    "topic_sources",
    "topic_texts",
    "topics",
    "trade_figure_sources",
    "trade_figure_notes",
    "trade_figures",
    "sector_texts",
    "sectors",
    "sources",
)


async def replace_dataset(conn: aiosqlite.Connection, dataset: Dataset) -> None:
    """Every table of the data files emptied and filled from ``dataset``; the fingerprint kept."""
    for table in _REPLACED:
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
    await conn.executemany(
        "INSERT INTO sources (id, outlet, title, date, url, language) VALUES (?, ?, ?, ?, ?, ?)",
        [(s.id, s.outlet, s.title, s.date, s.url, s.language) for s in dataset.sources],
    )
    await conn.executemany(
        "INSERT INTO sectors (id, position, emoji) VALUES (?, ?, ?)",
        [(s.id, position, s.emoji) for position, s in enumerate(dataset.sectors)],
    )
    await conn.executemany(
        "INSERT INTO sector_texts (sector_id, locale, name, summary) VALUES (?, ?, ?, ?)",
        [(s.id, loc, s.name.get(loc), s.summary.get(loc)) for s in dataset.sectors for loc in LOCALES],
    )
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
    await conn.executemany(
        "INSERT INTO topics (id, sector_id, status, date, position) VALUES (?, ?, ?, ?, ?)",
        [(t.id, t.sector, t.status, t.date, position) for position, t in enumerate(dataset.topics)],
    )
    await conn.executemany(
        "INSERT INTO topic_texts (topic_id, locale, title, body) VALUES (?, ?, ?, ?)",
        [(t.id, loc, t.title.get(loc), t.text.get(loc)) for t in dataset.topics for loc in LOCALES],
    )
    await conn.executemany(
        "INSERT INTO topic_sources (topic_id, source_id, position) VALUES (?, ?, ?)",
        [(t.id, sid, pos) for t in dataset.topics for pos, sid in enumerate(ordered_unique(t.sources))],
    )
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (DATA_FINGERPRINT, dataset.fingerprint),
    )
