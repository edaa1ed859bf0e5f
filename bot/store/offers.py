"""The one-time offer to follow what a reader just looked at."""

from __future__ import annotations

from cachetools import LRUCache

from bot.store.db import Database

#: Readers known to have had their offer, so that a /turnover costs no write (bounded).
OFFERED_CACHE_SIZE = 100_000


class OfferRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._offered: LRUCache[int, bool] = LRUCache(maxsize=OFFERED_CACHE_SIZE)

    def known(self, user_id: int) -> bool:
        """Whether this process already knows the reader had their offer (no database read)."""
        return user_id in self._offered

    async def claim(self, user_id: int, item: str) -> bool:
        """True once per reader: the first time, which is when the offer is made (of ``item``)."""
        if user_id in self._offered:
            return False
        changed = await self._db.write(
            "INSERT OR IGNORE INTO follow_offers (user_id, item) VALUES (?, ?)", (user_id, item)
        )
        self._offered[user_id] = True
        return changed == 1
