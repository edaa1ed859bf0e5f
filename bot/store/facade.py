"""The :class:`Store`: one object holding every repository, which handlers receive as ``store``.

Each repository gets what it needs through its constructor; none is wired afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.dataset import fingerprint, load_dataset
from bot.screencache import DataVersion, ScreenCache
from bot.search.protocol import Indexer
from bot.store.alerts import AlertRepo
from bot.store.changes import ChangeRepo
from bot.store.charts import ChartRepo
from bot.store.chat_settings import ChatSettingsRepo
from bot.store.chats import ChatRepo
from bot.store.db import Database, bump_data_version
from bot.store.facts import FactRepo
from bot.store.fsm import FsmRepo
from bot.store.insights import InsightRepo, record_run
from bot.store.offers import OfferRepo
from bot.store.outbox import OutboxRepo
from bot.store.search import SearchRepo, rebuild, replace_item, stage
from bot.store.sectors import SectorRepo
from bot.store.sources import SourceRepo
from bot.store.stats import OfficialStatsRepo
from bot.store.subscriptions import SubscriptionRepo
from bot.store.topics import TopicRepo
from bot.store.trade import TradeRepo
from bot.store.users import UserRepo
from bot.store.writer import DATA_FINGERPRINT, replace_dataset, stage_dataset

log = logging.getLogger(__name__)


class Store:
    """``indexer`` analyses what the store writes to the search index (a data load, a published
    fact); a Store opened without one reads everything but refuses those writes."""

    def __init__(self, db: Database, indexer: Indexer | None = None) -> None:
        self.db = db
        self._indexer = indexer
        self._loading = asyncio.Lock()  # one load at a time: they stage into the same temp tables
        # What the screens were drawn from, and the screens: see bot/screencache.py.
        self.version = DataVersion(db.data_version)
        self.screens = ScreenCache()
        self.search = SearchRepo(db)
        self.sources = SourceRepo(db)
        self.official = OfficialStatsRepo(db)
        self.trade = TradeRepo(db, self.sources, self.official)
        self.topics = TopicRepo(db)
        self.chat_settings = ChatSettingsRepo(db)  # its clock schedules what is queued
        self.facts = FactRepo(db, indexer, self.version, self.chat_settings)
        self.sectors = SectorRepo(db, self.sources, self.topics, self.facts)
        self.users = UserRepo(db)
        self.subscriptions = SubscriptionRepo(db)
        self.outbox = OutboxRepo(db)
        self.charts = ChartRepo(db)
        self.alerts = AlertRepo(db, self.chat_settings)
        self.chats = ChatRepo(db)
        self.offers = OfferRepo(db)
        self.fsm = FsmRepo(db)
        self.changes = ChangeRepo(db)
        self.insights = InsightRepo(db)

    @classmethod
    async def open(cls, path: Path | str, indexer: Indexer | None = None) -> Store:
        db = Database(path)
        await db.open()
        return cls(db, indexer)

    async def close(self) -> None:
        await self.offers.close()
        await self.db.close()

    async def upgrade(self) -> list[str]:
        return await self.db.upgrade()

    async def ping(self) -> str | None:
        """Why the store can't keep what the bot writes (for /healthz), or None."""
        return await self.db.health()

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
        if self._indexer is None:
            raise RuntimeError("data is loaded by a Store opened with an Indexer")
        # Everything slow (reading, validating, analysing, even copying the rows in) before
        # the write transaction, which then holds the database, for this bot and any other
        # process, only to write what changed.
        dataset = load_dataset(directory)
        facts = await self.facts.texts()
        concepts, rows = self._indexer.dataset_rows(dataset, facts)
        async with self._loading:
            try:
                await stage_dataset(self.db, dataset)
                await stage(self.db, concepts, rows)
                started = time.perf_counter()
                async with self.db.transaction() as conn:
                    await replace_dataset(conn, dataset)
                    await rebuild(conn)
                    # Facts published since they were read above.
                    last = max((fact.fact_id for fact in facts), default=0)
                    for fact in await self.facts.texts(after=last):
                        await replace_item(conn, self._indexer.fact_rows(fact, concepts))
                    brought = {
                        "sources": len(dataset.sources),
                        "figures": len(dataset.figures),
                        "topics": len(dataset.topics),
                    }
                    await record_run(conn, "load", brought)
                    version = await bump_data_version(conn)
                written = time.perf_counter() - started
            finally:
                await self.db.unstage()
        self.version.bump(version)
        log.info(
            "dataset loaded: %d sources, %d sectors, %d figures, %d topics, %d concepts, "
            "%d index rows; written in %.2f s",
            len(dataset.sources),
            len(dataset.sectors),
            len(dataset.figures),
            len(dataset.topics),
            len(dataset.concepts),
            len(rows.rows),
            written,
        )
        return True
