"""/settings: instant delivery or a daily or weekly digest, its hour, quiet hours, time zone."""

from __future__ import annotations

import datetime as dt

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_time, get_day_names

from bot.callbacks import ManageSubscriptionsCb, SettingsAction, SettingsCb
from bot.domain.schedule import DeliveryMode, ReaderSchedule, zone
from bot.views.common import Rendered, bold, button, quote, rows

# Offered as buttons; /settings <IANA name> sets any other.
TIME_ZONES = (
    "Europe/Minsk",
    "Asia/Almaty",
    "Asia/Aqtobe",
    "Europe/Moscow",
    "Asia/Tashkent",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/London",
    "UTC",
)


def hour_label(hour: int, locale: str) -> str:
    """``9`` → ``09:00`` (ru), ``9:00 AM`` (en)."""
    return format_time(dt.time(hour), format="short", locale=locale)


def day_name(weekday: int, locale: str) -> str:
    name = str(get_day_names("wide", locale=locale)[weekday])
    return name[:1].upper() + name[1:]


def utc_offset(time_zone: str, now: float) -> str:
    """``UTC+03:00`` at ``now``."""
    offset = dt.datetime.fromtimestamp(now, zone(time_zone)).strftime("%z")  # +0300
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def quiet_label(schedule: ReaderSchedule, locale: str) -> str:
    if not schedule.has_quiet_hours or schedule.quiet_start is None or schedule.quiet_end is None:
        return _("none")
    return f"{hour_label(schedule.quiet_start, locale)}–{hour_label(schedule.quiet_end, locale)}"


def delivery_label(schedule: ReaderSchedule, locale: str) -> str:
    hour = hour_label(schedule.hour, locale)
    if schedule.mode is DeliveryMode.DAILY:
        return _("a daily digest at {hour}").format(hour=hour)
    if schedule.mode is DeliveryMode.WEEKLY:
        return _("a weekly digest, {day} at {hour}").format(day=day_name(schedule.weekday, locale), hour=hour)
    return _("each message as it comes")


def _cb(action: SettingsAction, value: object = "") -> SettingsCb:
    return SettingsCb(action=action, value=str(value))


def render_settings(schedule: ReaderSchedule, *, zone_chosen: bool, locale: str, now: float) -> Rendered:
    zone_text = f"{schedule.time_zone} ({utc_offset(schedule.time_zone, now)})"
    if not zone_chosen:
        zone_text = _("{zone}, from the language").format(zone=zone_text)
    lines = [
        bold(_("⚙️ Delivery settings")),
        "",
        _("📬 Delivery: {what}").format(what=quote(delivery_label(schedule, locale))),
        _("🌍 Time zone: {zone}").format(zone=quote(zone_text)),
        _("🌙 Quiet hours: {hours}").format(hours=quote(quiet_label(schedule, locale))),
        "",
        _(
            "A digest gathers everything that arrived since the last one into one message. "
            "A message due in quiet hours waits until they end."
        ),
    ]
    names = {
        DeliveryMode.INSTANT: _("Instant"),
        DeliveryMode.DAILY: _("Daily"),
        DeliveryMode.WEEKLY: _("Weekly"),
    }
    modes = [
        button(("✅ " if mode is schedule.mode else "") + name, _cb(SettingsAction.MODE, mode))
        for mode, name in names.items()
    ]
    keyboard = [modes]
    if schedule.digest:
        label = _("🕘 Digest at {hour}").format(hour=hour_label(schedule.hour, locale))
        keyboard.append([button(label, _cb(SettingsAction.PICK_HOUR))])
    if schedule.mode is DeliveryMode.WEEKLY:
        label = _("📅 Day: {day}").format(day=day_name(schedule.weekday, locale))
        keyboard.append([button(label, _cb(SettingsAction.PICK_DAY))])
    label = _("🌙 Quiet hours: {hours}").format(hours=quiet_label(schedule, locale))
    keyboard.append([button(label, _cb(SettingsAction.PICK_QUIET))])
    keyboard.append(
        [button(_("🌍 Time zone: {zone}").format(zone=schedule.time_zone), _cb(SettingsAction.PICK_ZONE))]
    )
    keyboard.append([button(_("🔔 Subscriptions"), ManageSubscriptionsCb())])
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=keyboard))


def _back() -> list[InlineKeyboardButton]:
    return [button(_("◀️ Back"), _cb(SettingsAction.SHOW))]


def _hours(
    action: SettingsAction, locale: str, value: str = "{hour}", current: int | None = None
) -> list[list[InlineKeyboardButton]]:
    hours = [
        button(
            ("• " if hour == current else "") + hour_label(hour, locale), _cb(action, value.format(hour=hour))
        )
        for hour in range(24)
    ]
    return rows(hours, 4)


def render_hour_choice(schedule: ReaderSchedule, locale: str) -> Rendered:
    text = _("🕘 At what time should the digest come? ({zone})").format(zone=quote(schedule.time_zone))
    keyboard = [*_hours(SettingsAction.HOUR, locale, current=schedule.hour), _back()]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=keyboard))


def render_day_choice(schedule: ReaderSchedule, locale: str) -> Rendered:
    days = [
        button(
            ("• " if day == schedule.weekday else "") + day_name(day, locale), _cb(SettingsAction.DAY, day)
        )
        for day in range(7)
    ]
    keyboard = [*rows(days, 2), _back()]
    return Rendered(
        _("📅 On which day should the weekly digest come?"), InlineKeyboardMarkup(inline_keyboard=keyboard)
    )


def render_quiet_start(schedule: ReaderSchedule, locale: str) -> Rendered:
    text = "\n".join(
        [
            _("🌙 When do your quiet hours start? ({zone})").format(zone=quote(schedule.time_zone)),
            _("Nothing is sent from then until they end; it waits and comes after."),
        ]
    )
    none = [button(_("🔔 No quiet hours"), _cb(SettingsAction.QUIET))]
    keyboard = [*_hours(SettingsAction.QUIET_FROM, locale, current=schedule.quiet_start), none, _back()]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=keyboard))


def render_quiet_end(start: int, locale: str) -> Rendered:
    text = _("🌙 Quiet from {start}. Until when?").format(start=quote(hour_label(start, locale)))
    value = f"{start}-{{hour}}"
    keyboard = [*_hours(SettingsAction.QUIET, locale, value), _back()]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=keyboard))


def render_zone_choice(schedule: ReaderSchedule, *, language_zone: str, now: float) -> Rendered:
    text = "\n".join(
        [
            _("🌍 Choose your time zone. Digests and quiet hours follow it."),
            _("Another one: send /settings followed by its name, e.g. /settings Asia/Tokyo"),
        ]
    )
    zones = [
        button(
            ("• " if name == schedule.time_zone else "") + f"{name} ({utc_offset(name, now)})",
            _cb(SettingsAction.ZONE, name),
        )
        for name in TIME_ZONES
    ]
    default = button(_("From the language: {zone}").format(zone=language_zone), _cb(SettingsAction.ZONE))
    keyboard = [*rows(zones, 1), [default], _back()]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=keyboard))


def render_unknown_zone(name: str) -> Rendered:
    return Rendered(
        _("There is no time zone “{zone}”. Names look like Europe/Minsk or Asia/Almaty.").format(
            zone=quote(name[:60])
        )
    )
