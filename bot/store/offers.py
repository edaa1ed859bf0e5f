"""The one-time offer to follow what a reader just looked at."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from cachetools import LRUCache

from bot.store.db import Database

log = logging.getLogger(__name__)

#: Readers known to have had their offer, so that a /turnover costs no read (bounded).
OFFERED_CACHE_SIZE = 100_000
#: Offers made are written in batches this often, not one write per new reader's first card.
FLUSH_INTERVAL = 0.5


class OfferRepo:
    """Who had their offer. A new reader's claim is answered from memory and a read on the
    plain connection; the row follows in a batch within :data:`FLUSH_INTERVAL` (and on close).
    A crash in between costs at most a second offer to those readers, nothing else."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._offered: LRUCache[int, bool] = LRUCache(maxsize=OFFERED_CACHE_SIZE)
        self._pending: dict[int, str] = {}
        self._flushing: asyncio.Task[None] | None = None

    def known(self, user_id: int) -> bool:
        """Whether this process already knows the reader had their offer (no database read)."""
        return user_id in self._offered

    async def claim(self, user_id: int, item: str) -> bool:
        """True once per reader: the first time, which is when the offer is made (of ``item``)."""
        if user_id in self._offered:
            return False
        self._offered[user_id] = True
        if await self._db.read_one("SELECT 1 FROM follow_offers WHERE user_id = ?", (user_id,)):
            return False
        self._pending[user_id] = item
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_later())
        return True

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_INTERVAL)
        try:
            await self.flush()
        except Exception:  # the store refusing writes: the offers are kept for the next flush
            log.warning("offers not recorded yet (the store refused the write)", exc_info=True)

    async def flush(self) -> None:
        """Write the offers made since the last flush."""
        batch, self._pending = self._pending, {}
        if not batch:
            return
        try:
            async with self._db.transaction() as conn:
                await conn.executemany(
                    "INSERT OR IGNORE INTO follow_offers (user_id, item) VALUES (?, ?)", list(batch.items())
                )
        except BaseException:
            self._pending = {**batch, **self._pending}
            raise

    async def close(self) -> None:
        if self._flushing is not None and not self._flushing.done():
            self._flushing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        with contextlib.suppress(Exception):
            await self.flush()
