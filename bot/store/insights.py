"""What the editor reads in /stats besides subscriptions and deliveries: the questions the bot
was not sure about (text only, counted per day, kept 30 days), what kind of chats subscribe,
and the last data load and statistics fetch with what they brought."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping

import aiosqlite

from bot.domain.insights import UNSURE_DAYS, DataRun
from bot.store.db import Database


class _Unlogged(str):
    """A person's words as an SQL parameter: aiosqlite's DEBUG lines show a call's parameters
    by their repr, and people's messages stay out of the log."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<question, {len(self)} characters>"


class InsightRepo:
    def __init__(self, db: Database, today: Callable[[], dt.date] | None = None) -> None:
        self._db = db
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())

    async def record_unsure(self, text: str) -> None:
        """Count one question the bot was not sure about, and forget those past 30 days."""
        today = self._today()
        oldest = (today - dt.timedelta(days=UNSURE_DAYS - 1)).isoformat()
        async with self._db.transaction() as conn:
            await conn.execute(
                """INSERT INTO unsure_questions (text, day) VALUES (?, ?)
                   ON CONFLICT (text, day) DO UPDATE SET count = count + 1""",
                (_Unlogged(text), today.isoformat()),
            )
            await conn.execute("DELETE FROM unsure_questions WHERE day < ?", (oldest,))

    async def top_unsure(self, limit: int = 10) -> list[tuple[str, int]]:
        """The most asked of the last 30 days, with how often."""
        oldest = (self._today() - dt.timedelta(days=UNSURE_DAYS - 1)).isoformat()
        sql = """SELECT text, sum(count) AS n FROM unsure_questions WHERE day >= ?
                 GROUP BY text ORDER BY n DESC, text LIMIT ?"""
        async with self._db.conn.execute(sql, (oldest, limit)) as cursor:
            return [(str(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def chat_kinds(self) -> tuple[int, int, int]:
        """Active subscribed chats: (private chats, groups, channels). Telegram gives group and
        channel chats negative ids; a channel is one the ``chats`` table knows as such."""
        sql = """SELECT count(*) FILTER (WHERE r.chat_id > 0),
                        count(*) FILTER (WHERE r.chat_id < 0 AND c.type IS NOT 'channel'),
                        count(*) FILTER (WHERE c.type = 'channel')
                 FROM subscribers r LEFT JOIN chats c ON c.chat_id = r.chat_id
                 WHERE r.active = 1
                 AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = r.chat_id)"""
        async with self._db.conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    async def record_run(self, kind: str, brought: Mapping[str, int]) -> None:
        async with self._db.transaction() as conn:
            await record_run(conn, kind, brought)

    async def last_runs(self) -> dict[str, DataRun]:
        """The latest load and the latest fetch, by kind."""
        sql = """SELECT kind, at, brought FROM data_runs WHERE id IN
                 (SELECT max(id) FROM data_runs GROUP BY kind)"""
        async with self._db.conn.execute(sql) as cursor:
            rows = await cursor.fetchall()
        return {str(r[0]): DataRun(str(r[0]), str(r[1]), dict(json.loads(r[2]))) for r in rows}


async def record_run(conn: aiosqlite.Connection, kind: str, brought: Mapping[str, int]) -> None:
    """Inside the caller's transaction: a load or fetch happened and brought ``brought``."""
    await conn.execute(
        "INSERT INTO data_runs (kind, brought) VALUES (?, ?)",
        (kind, json.dumps(dict(brought), sort_keys=True)),
    )
    await conn.execute("DELETE FROM data_runs WHERE id <= (SELECT max(id) - 100 FROM data_runs)")
