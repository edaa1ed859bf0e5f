"""Dates as the data gives them (a day, a month or a year) compared with today's date.

The sources and topics carry dates at the precision their source stated; an item dated
"2025-11" has passed only once November 2025 is over.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from bot.domain.models import Status, Topic

# A plan or an announcement can age: once its date is over with no later report, the card says so.
AGEING = frozenset({Status.PLANNED, Status.ANNOUNCED})


def last_day(text: str) -> dt.date:
    """The last day a data date covers: "2025" → 31 December 2025, "2025-11" → 30 November."""
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], parts[1], parts[2])


def date_passed(topic: Topic, today: dt.date) -> bool:
    """A planned or announced item whose date is over: no outcome has been reported since."""
    return topic.status in AGEING and topic.date is not None and last_day(topic.date) < today


def newest(dates: Iterable[str | None]) -> str | None:
    """The latest of the dates given (at whatever precision), None when none is known."""
    known = [date for date in dates if date]
    return max(known, key=lambda date: (last_day(date), len(date))) if known else None
