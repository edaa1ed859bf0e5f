"""What /stats reports about the data's life: the loads and fetches, and how long the
questions the bot was not sure about are kept."""

from __future__ import annotations

from dataclasses import dataclass

UNSURE_DAYS = 30  # days a question the bot was not sure about is kept (counted per day)


@dataclass(frozen=True)
class DataRun:
    """A data load or an official-statistics fetch, and what it brought (counts by name)."""

    kind: str  # 'load' or 'fetch'
    at: str  # ISO 8601, UTC
    brought: dict[str, int]
