"""The conversation state of the guided flows (aiogram's FSM), kept in SQLite so that a draft
survives a restart. The aiogram side is ``bot/fsm.py``; this is its SQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.store.db import Database

DRAFT_LIFETIME = 7 * 24 * 3600.0  # seconds a state untouched is kept


class FsmRepo:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        # The keys that have a row: only editors in a guided flow, so almost every update's
        # question (aiogram's FSM middleware asks for each) is answered from memory. Read again
        # after any write here; nothing else writes this table.
        self._held: frozenset[str] | None = None

    async def _holds(self, key: str) -> bool:
        if self._held is None:
            self._held = frozenset(
                str(row[0]) for row in await self._db.read_few("SELECT key FROM fsm_state")
            )
        return key in self._held

    async def state(self, key: str) -> str | None:
        """Asked for every update (aiogram's FSM middleware): from memory unless ``key`` has a row."""
        if not await self._holds(key):
            return None
        row = await self._db.read_one("SELECT state FROM fsm_state WHERE key = ?", (key,))
        return None if row is None or row[0] is None else str(row[0])

    async def data(self, key: str) -> dict[str, Any]:
        if not await self._holds(key):
            return {}
        row = await self._db.read_one("SELECT data FROM fsm_state WHERE key = ?", (key,))
        if row is None:
            return {}
        found = json.loads(row[0])
        return dict(found) if isinstance(found, dict) else {}

    async def set_state(self, key: str, state: str | None) -> None:
        await self._db.write(
            """INSERT INTO fsm_state (key, state, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at""",
            (key, state, self._clock()),
        )
        self._held = None
        await self._drop_if_empty(key)

    async def set_data(self, key: str, data: dict[str, Any]) -> None:
        """``data`` must be JSON: what the flows keep is ids and texts."""
        await self._db.write(
            """INSERT INTO fsm_state (key, data, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at""",
            (key, json.dumps(data, ensure_ascii=False), self._clock()),
        )
        self._held = None
        await self._drop_if_empty(key)

    async def _drop_if_empty(self, key: str) -> None:
        await self._db.write("DELETE FROM fsm_state WHERE key = ? AND state IS NULL AND data = '{}'", (key,))
        self._held = None

    async def clean(self, lifetime: float = DRAFT_LIFETIME) -> int:
        """Forget states untouched for ``lifetime`` seconds; returns how many."""
        dropped = await self._db.write(
            "DELETE FROM fsm_state WHERE updated_at < ?", (self._clock() - lifetime,)
        )
        self._held = None
        return dropped
