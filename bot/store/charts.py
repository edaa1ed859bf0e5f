"""The Telegram file_ids of charts already uploaded, by (chart, locale, data version)."""

from __future__ import annotations

from bot.store.db import Database


class ChartRepo:
    """A chart is uploaded once per locale and dataset; later sends reuse Telegram's file_id."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def file_id(self, chart: str, locale: str, data_version: str) -> str | None:
        sql = "SELECT file_id FROM chart_files WHERE chart = ? AND locale = ? AND data_version = ?"
        async with self._db.conn.execute(sql, (chart, locale, data_version)) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def remember(self, chart: str, locale: str, data_version: str, file_id: str) -> None:
        """Keep ``file_id`` and drop the pictures of this chart drawn from older data."""
        async with self._db.transaction() as conn:
            await conn.execute(
                """
                INSERT INTO chart_files (chart, locale, data_version, file_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (chart, locale, data_version) DO UPDATE SET file_id = excluded.file_id,
                    created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                """,
                (chart, locale, data_version, file_id),
            )
            await conn.execute(
                "DELETE FROM chart_files WHERE chart = ? AND data_version != ?", (chart, data_version)
            )

    async def forget(self, chart: str, locale: str, data_version: str) -> None:
        """Telegram no longer knows the file_id: the next send renders and uploads anew."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM chart_files WHERE chart = ? AND locale = ? AND data_version = ?",
                (chart, locale, data_version),
            )
