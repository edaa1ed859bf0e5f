"""Callback data: short, versioned prefixes; Telegram allows 64 bytes.

A forged or outdated payload fails to unpack, matches no filter and is answered by the
fallback handler, so bumping a prefix (``t1`` → ``t2``) retires old buttons safely.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.search.model import TargetKind


class MenuAction(StrEnum):
    TURNOVER = "t"
    SECTORS = "s"
    SOURCES = "src"
    LANGUAGE = "l"
    HELP = "h"


class LocaleChoice(StrEnum):
    RU = "ru"
    EN = "en"
    KK = "kk"
    BE = "be"


class MenuCb(CallbackData, prefix="m1"):
    action: MenuAction


class TurnoverCb(CallbackData, prefix="t1"):
    period: str  # a Period key: "2024" or "2025-01..08"


class SectorCb(CallbackData, prefix="s1"):
    sector_id: str  # "" opens the list of sectors


class SourcesCb(CallbackData, prefix="r1"):
    page: int


class LanguageCb(CallbackData, prefix="l1"):
    locale: LocaleChoice


class SearchCb(CallbackData, prefix="q1"):
    """A suggestion under "I'm not sure what you mean": the item it opens."""

    kind: TargetKind
    item: str  # a topic, sector or source id, an intent, or "2024/turnover"
