"""Rows staged outside the write transaction (:meth:`~bot.store.db.Database.stage`) merged
into their table inside it, writing only the rows that changed: the transaction that replaces a
dataset then takes as long as the change, not as long as the dataset."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite


async def upsert(conn: aiosqlite.Connection, table: str, key: Sequence[str], columns: Sequence[str]) -> None:
    """The staged rows that are new or changed, into ``table`` (``key`` is its primary key)."""
    names, values = ", ".join(columns), [column for column in columns if column not in key]
    sql = (
        f"INSERT INTO main.{table} ({names}) SELECT {names} FROM temp.staged_{table} WHERE true "  # noqa: S608
        f"ON CONFLICT ({', '.join(key)}) "
    )
    if values:
        assignments = ", ".join(f"{column} = excluded.{column}" for column in values)
        changed = " OR ".join(f"{table}.{column} IS NOT excluded.{column}" for column in values)
        sql += f"DO UPDATE SET {assignments} WHERE {changed}"
    else:
        sql += "DO NOTHING"
    await conn.execute(sql)


async def prune(conn: aiosqlite.Connection, table: str, key: Sequence[str]) -> None:
    """The rows of ``table`` not staged, deleted."""
    names = ", ".join(key)
    await conn.execute(
        f"DELETE FROM main.{table} WHERE ({names}) NOT IN (SELECT {names} FROM temp.staged_{table})"  # noqa: S608
    )


async def merge(conn: aiosqlite.Connection, table: str, key: Sequence[str], columns: Sequence[str]) -> None:
    """``table`` made to hold exactly the staged rows (for a table no other one references)."""
    await upsert(conn, table, key, columns)
    await prune(conn, table, key)
