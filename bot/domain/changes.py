"""What happens to a fact's messages after delivery: an edit or a withdrawal, per chat."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Telegram lets a bot delete its own message for this long.
DELETE_LIMIT_HOURS = 48


class ChangeAction(StrEnum):
    EDIT = "edit"
    DELETE = "delete"


class ChangeState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    KEPT = "kept"  # a deletion Telegram no longer allows (older than DELETE_LIMIT_HOURS)


@dataclass(frozen=True)
class Change:
    """One outbox row of the second kind: a message delivered, to edit or delete."""

    id: int
    fact_id: int
    chat_id: int
    message_id: int
    locale: str
    action: ChangeAction
    attempts: int
    generation: int = 0  # which edit of the fact this row carries out


@dataclass(frozen=True)
class FactChanges:
    """Where a fact's edits and deletion stand, for the editor's summary."""

    withdrawn: bool
    edits: dict[ChangeState, int]
    deletions: dict[ChangeState, int]

    @property
    def pending(self) -> bool:
        return bool(self.edits[ChangeState.PENDING] or self.deletions[ChangeState.PENDING])
