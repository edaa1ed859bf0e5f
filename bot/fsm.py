"""aiogram's FSM storage on the bot's SQLite database (``fsm_state``): the guided /publish
flow and an edit in progress survive a restart, and a draft untouched for a week is dropped."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.store.fsm import DRAFT_LIFETIME, FsmRepo


def storage_key(key: StorageKey) -> str:
    parts = [str(key.bot_id), str(key.chat_id), str(key.user_id)]
    if key.thread_id is not None:
        parts.append(f"t{key.thread_id}")
    if key.business_connection_id is not None:
        parts.append(f"b{key.business_connection_id}")
    return ":".join([*parts, key.destiny])


class SQLiteStorage(BaseStorage):
    def __init__(self, repo: FsmRepo, lifetime: float = DRAFT_LIFETIME, clean_every: float = 3600.0) -> None:
        self._repo = repo
        self.lifetime = lifetime
        self._clean_every = clean_every
        self._cleaned_at = float("-inf")

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._repo.set_state(storage_key(key), value)
        if value is not None and time.monotonic() - self._cleaned_at > self._clean_every:
            await self.clean()  # a flow starts: a good moment to drop the week-old ones

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._repo.state(storage_key(key))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._repo.set_data(storage_key(key), dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self._repo.data(storage_key(key))

    async def clean(self) -> int:
        """Drop the drafts untouched for :attr:`lifetime` seconds; returns how many."""
        self._cleaned_at = time.monotonic()
        return await self._repo.clean(self.lifetime)

    async def close(self) -> None:
        """The database belongs to the store, which closes it."""
