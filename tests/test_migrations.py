"""The schema from an empty file, step by step."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import Database, migrations


async def test_migrations_apply_from_an_empty_file_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.sqlite3")
    await db.open()
    try:
        assert await db.schema_version() == 0
        applied = await db.upgrade()
        assert applied == [m.name for m in migrations()]
        assert await db.schema_version() == len(migrations())
        assert await db.upgrade() == []
        async with db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
            tables = {row[0] for row in await cursor.fetchall()}
        assert {"sources", "sectors", "trade_figures", "topics", "users", "meta"} <= tables
        async with db.conn.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
        async with db.conn.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1  # type: ignore[index]
    finally:
        await db.close()


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in migrations()]
    assert versions == list(range(1, len(versions) + 1))
