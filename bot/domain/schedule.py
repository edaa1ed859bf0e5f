"""When a message may reach a reader: digests at the reader's hour, nothing in quiet hours.

Pure functions of a reader's settings and a unix time, in the reader's time zone (zoneinfo,
so daylight saving and a country changing its offset are the tz database's business). Hours
are whole local hours; quiet hours may run across midnight (22 → 7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.models import Locale


class DeliveryMode(StrEnum):
    INSTANT = "instant"  # each message as it comes (the default)
    DAILY = "daily"  # one digest a day at the reader's hour
    WEEKLY = "weekly"  # one digest a week, on the reader's day at their hour


# Where a reader of each language most likely lives, until they say otherwise.
DEFAULT_TIME_ZONES: dict[str, str] = {
    Locale.BE: "Europe/Minsk",
    Locale.RU: "Europe/Minsk",
    Locale.KK: "Asia/Almaty",
    Locale.EN: "UTC",
}
DEFAULT_HOUR = 9
DEFAULT_WEEKDAY = 0  # Monday


def default_time_zone(locale: str) -> str:
    return DEFAULT_TIME_ZONES.get(locale, "UTC")


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; UTC when the tz database does not know it."""
    try:
        return ZoneInfo(name) if is_time_zone(name) else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether the tz database has a zone called ``name`` (only its names: a typed "Europe"
    or a path is not one)."""
    return len(name) <= 64 and name in _known_zones()


@dataclass(frozen=True)
class ReaderSchedule:
    """One chat's delivery settings, its time zone resolved."""

    mode: DeliveryMode = DeliveryMode.INSTANT
    hour: int = DEFAULT_HOUR
    weekday: int = DEFAULT_WEEKDAY  # 0 = Monday, for weekly digests
    time_zone: str = "UTC"
    quiet_start: int | None = None  # local hours; none unless both are set and differ
    quiet_end: int | None = None

    @property
    def digest(self) -> bool:
        return self.mode is not DeliveryMode.INSTANT

    @property
    def has_quiet_hours(self) -> bool:
        return (
            self.quiet_start is not None and self.quiet_end is not None and self.quiet_start != self.quiet_end
        )

    def local(self, now: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(now, zone(self.time_zone))


def _at_hour(day: dt.date, hour: int, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def is_quiet(schedule: ReaderSchedule, now: float) -> bool:
    if not schedule.has_quiet_hours:
        return False
    assert schedule.quiet_start is not None and schedule.quiet_end is not None
    hour = schedule.local(now).hour
    start, end = schedule.quiet_start, schedule.quiet_end
    return start <= hour < end if start < end else hour >= start or hour < end


def quiet_until(schedule: ReaderSchedule, now: float) -> float | None:
    """When the quiet hours ``now`` falls in end (unix time), or None when it falls in none."""
    if not is_quiet(schedule, now):
        return None
    assert schedule.quiet_end is not None
    local = schedule.local(now)
    end = _at_hour(local.date(), schedule.quiet_end, zone(schedule.time_zone))
    if end.timestamp() <= now:
        end = _at_hour(local.date() + dt.timedelta(days=1), schedule.quiet_end, zone(schedule.time_zone))
    return end.timestamp()


def next_digest(schedule: ReaderSchedule, now: float) -> float:
    """The reader's next digest time strictly after ``now``: today's or tomorrow's hour
    (daily), or the next of their weekday at their hour (weekly)."""
    tz = zone(schedule.time_zone)
    local = schedule.local(now)
    days = 0
    if schedule.mode is DeliveryMode.WEEKLY:
        days = (schedule.weekday - local.weekday()) % 7
    slot = _at_hour(local.date() + dt.timedelta(days=days), schedule.hour, tz)
    if slot.timestamp() <= now:
        step = 7 if schedule.mode is DeliveryMode.WEEKLY else 1
        slot = _at_hour(local.date() + dt.timedelta(days=days + step), schedule.hour, tz)
    return slot.timestamp()


def not_before(schedule: ReaderSchedule, now: float) -> float:
    """When a message queued at ``now`` may go: at once, or at the next digest; in both cases
    not before the quiet hours it would fall in have ended."""
    due = next_digest(schedule, now) if schedule.digest else now
    return quiet_until(schedule, due) or due


__all__ = [
    "DEFAULT_HOUR",
    "DEFAULT_TIME_ZONES",
    "DEFAULT_WEEKDAY",
    "DeliveryMode",
    "ReaderSchedule",
    "default_time_zone",
    "is_quiet",
    "is_time_zone",
    "next_digest",
    "not_before",
    "quiet_until",
    "zone",
]
