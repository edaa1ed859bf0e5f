"""One long-lived aiosqlite connection and the schema migrations.

Migrations are ``migrations/NNN_name.sql`` applied in order; ``PRAGMA user_version`` holds the
number of the last one applied, so each runs exactly once.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

_MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

#: SQLite's own clock, for ``created_at``/``updated_at`` columns.
NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an ``IN (…)`` of ``count`` values."""
    return ", ".join("?" * count)


def ordered_unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


DATA_VERSION = "data_version"  # the meta key: changes with every load, fetch or publish


async def bump_data_version(conn: aiosqlite.Connection) -> str:
    """Give the data a new version, inside the caller's transaction; returns it."""
    version = uuid.uuid4().hex
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (DATA_VERSION, version),
    )
    return version


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for entry in resources.files("bot.store.migrations").iterdir():
        match = _MIGRATION_RE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    expected = list(range(1, len(found) + 1))
    if [migration.version for migration in found] != expected:
        raise RuntimeError(f"migrations must be numbered 001, 002, … without gaps: {[m.name for m in found]}")
    return found


class Database:
    """The connection, opened on start-up and closed on shutdown."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._conn: aiosqlite.Connection | None = None
        self._reader: sqlite3.Connection | None = None  # for small reads on the hot path
        self._file_id: tuple[int, int] | None = None  # (device, inode) of the file opened
        # One connection serves every coroutine: transactions must take turns, or a second
        # BEGIN would land inside the first.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("the database is not open")
        return self._conn

    async def open(self) -> None:
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; `transaction()` says where they are.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA temp_store = MEMORY")  # what a load stages (see stage())
        self._conn = conn
        if str(self.path) != ":memory:":
            self._file_id = _file_id(Path(self.path))
            # A second, plain connection: a lookup by key costs ~30 µs here against ~0.5 ms of
            # CPU through aiosqlite's thread hand-offs. Read-only, and WAL readers don't wait.
            reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            reader.execute("PRAGMA query_only = ON")
            reader.execute("PRAGMA busy_timeout = 50")
            self._reader = reader

    async def read_one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        """The first row of a small read by key: see :meth:`read_few`."""
        rows = await self.read_few(sql, params)
        return rows[0] if rows else None

    async def read_few(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of a small read by key, as committed, without a thread hand-off: on the plain
        connection, falling back to aiosqlite where there is none (``:memory:``) or the file is
        busy past 50 ms (a checkpoint)."""
        if self._reader is not None:
            try:
                return self._reader.execute(sql, params).fetchall()
            except sqlite3.OperationalError:
                pass
        async with self.conn.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception; one at a time."""
        conn = self.conn
        async with self._write_lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def read_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several reads that see one moment of the database, whatever other processes commit
        meanwhile (WAL: they are not blocked). Takes the write lock, as a BEGIN on the shared
        connection must not land inside another coroutine's transaction."""
        conn = self.conn
        async with self._write_lock:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")

    async def stage(
        self,
        table: str,
        key: Sequence[str],
        columns: Sequence[str],
        rows: Sequence[tuple[object, ...]],
        chunk: int = 2000,
    ) -> None:
        """``rows`` into ``temp.staged_<table>``, made of ``table``'s ``columns`` and indexed by
        ``key``, for :mod:`bot.store.merge` to merge in later inside a transaction.

        A temp table belongs to this connection alone, so filling it locks nothing in the
        database file: a big load is staged while other processes go on writing. Each chunk
        takes the lock, so that no other coroutine's transaction is open around it."""
        staged, names = f"staged_{table}", ", ".join(columns)
        async with self._write_lock:
            await self.conn.execute(f"DROP TABLE IF EXISTS temp.{staged}")
            await self.conn.execute(
                f"CREATE TEMP TABLE {staged} AS SELECT {names} FROM main.{table} WHERE 0"  # noqa: S608 (our names)
            )
        sql = f"INSERT INTO temp.{staged} ({names}) VALUES ({placeholders(len(columns))})"  # noqa: S608
        for start in range(0, len(rows), chunk):
            async with self._write_lock:
                await self.conn.executemany(sql, rows[start : start + chunk])
        async with self._write_lock:
            await self.conn.execute(f"CREATE INDEX temp.{staged}_key ON {staged} ({', '.join(key)})")

    async def unstage(self) -> None:
        """Drop every staged table (their memory is not needed once merged)."""
        async with self._write_lock:
            sql = "SELECT name FROM temp.sqlite_master WHERE type = 'table' AND name LIKE 'staged^_%' ESCAPE '^'"
            async with self.conn.execute(sql) as cursor:
                names = [row[0] for row in await cursor.fetchall()]
            for name in names:
                await self.conn.execute(f"DROP TABLE temp.{name}")

    async def read_committed(self, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        """Rows as committed: waits for any transaction open on the shared connection, whose
        uncommitted rows a plain read would see (the delivery worker must never send a row a
        failing COMMIT then takes back)."""
        async with self._write_lock, self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def write(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """One statement as its own transaction (autocommit); returns the rows it changed.

        Cheaper than :meth:`transaction` for a single UPDATE on a hot path, and it takes the
        same lock, so it never lands inside another coroutine's open transaction.
        """
        async with self._write_lock:
            cursor = await self.conn.execute(sql, params)
            return cursor.rowcount

    async def data_version(self) -> str:
        """The version :func:`bump_data_version` stored last ('' before the first load)."""
        async with self.conn.execute("SELECT value FROM meta WHERE key = ?", (DATA_VERSION,)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else ""

    async def health(self) -> str | None:
        """Why the database can't keep what the bot writes, or None when it can.

        Two checks: the file open is still the one at ``path`` (deleted or replaced under the
        running bot, every write goes to a file a restart won't see), and a write goes through
        (a heartbeat row in ``meta``; a full disk or a read-only file fails it).
        """
        if self._conn is None:
            return "the database is not open"
        if self._file_id is not None:
            now = _file_id(Path(self.path))
            if now is None:
                return f"the database file {self.path} is gone: a restart would start empty"
            if now != self._file_id:
                return f"the database file {self.path} was replaced: a restart would not see what was written"
        try:
            await self.write(
                "INSERT INTO meta (key, value) VALUES ('heartbeat', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            )
        except sqlite3.Error as error:
            return f"writes fail: {error}"
        return None

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def upgrade(self) -> list[str]:
        """Apply the migrations not applied yet; return their names."""
        current = await self.schema_version()
        known = migrations()
        if current > len(known):
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this code ({len(known)})"
            )
        applied = []
        for migration in known[current:]:
            # executescript commits on its own, so the script carries its own transaction.
            script = f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            try:
                await self.conn.executescript(script)
            except Exception:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise
            applied.append(migration.name)
        return applied


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino
