"""Groups and channels the bot serves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectedChannel:
    """A channel an administrator connected: what it follows (``'*'`` for all sectors)."""

    chat_id: int
    title: str | None
    sectors: frozenset[str]  # empty when it follows nothing or the bot was removed
    active: bool
