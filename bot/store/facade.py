"""The :class:`Store`: one object holding every repository, which handlers receive as ``store``.

Each repository gets what it needs through its constructor; none is wired afterwards.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.dataset import fingerprint, load_dataset
from bot.screencache import DataVersion, ScreenCache
from bot.store.alerts import AlertRepo
from bot.store.charts import ChartRepo
from bot.store.db import Database, bump_data_version
from bot.store.facts import FactRepo
from bot.store.outbox import OutboxRepo
from bot.store.search import SearchRepo, rebuild_index
from bot.store.sectors import SectorRepo
from bot.store.sources import SourceRepo
from bot.store.stats import OfficialStatsRepo
from bot.store.subscriptions import SubscriptionRepo
from bot.store.topics import TopicRepo
from bot.store.trade import TradeRepo
from bot.store.users import UserRepo
from bot.store.writer import DATA_FINGERPRINT, replace_dataset

log = logging.getLogger(__name__)


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        # What the screens were drawn from, and the screens: see bot/screencache.py.
        self.version = DataVersion(db.data_version)
        self.screens = ScreenCache()
        self.search = SearchRepo(db)
        self.sources = SourceRepo(db)
        self.official = OfficialStatsRepo(db)
        self.trade = TradeRepo(db, self.sources, self.official)
        self.topics = TopicRepo(db)
        self.facts = FactRepo(db, self.search, self.version)
        self.sectors = SectorRepo(db, self.sources, self.topics, self.facts)
        self.users = UserRepo(db)
        self.subscriptions = SubscriptionRepo(db)
        self.outbox = OutboxRepo(db)
        self.charts = ChartRepo(db)
        self.alerts = AlertRepo(db)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        db = Database(path)
        await db.open()
        return cls(db)

    async def close(self) -> None:
        await self.db.close()

    async def upgrade(self) -> list[str]:
        return await self.db.upgrade()

    async def ping(self) -> None:
        """Raises when the database does not answer (for /healthz)."""
        async with self.db.conn.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def data_fingerprint(self) -> str | None:
        async with self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (DATA_FINGERPRINT,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def load_data(self, directory: Path, *, force: bool = True) -> bool:
        """Validate ``directory`` and replace the dataset with it in one transaction.

        With ``force=False`` nothing happens when the files are the ones loaded last time.
        Returns whether anything was loaded. Raises :class:`~bot.dataset.DatasetError`
        with the database untouched when a file is malformed.
        """
        if (
            not force
            and await self.data_fingerprint() == fingerprint(directory)
            and await self.search.indexed()
        ):
            return False
        dataset = load_dataset(directory)
        async with self.db.transaction() as conn:
            await replace_dataset(conn, dataset)
            await rebuild_index(conn, dataset)
            await self.facts.reindex(conn)  # the rebuild kept only the data files' items
            version = await bump_data_version(conn)
        self.version.bump(version)
        await self.search.refresh()
        log.info(
            "dataset loaded: %d sources, %d sectors, %d figures, %d topics, %d concepts",
            len(dataset.sources),
            len(dataset.sectors),
            len(dataset.figures),
            len(dataset.topics),
            len(dataset.concepts),
        )
        return True
