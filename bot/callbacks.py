"""Callback data: short, versioned prefixes; Telegram allows 64 bytes.

A forged or outdated payload fails to unpack, matches no filter and is answered by the
fallback handler, so bumping a prefix (``t1`` → ``t2``) retires old buttons safely.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.models import Locale
from bot.search.model import TargetKind


class MenuAction(StrEnum):
    TURNOVER = "t"
    SECTORS = "s"
    SOURCES = "src"
    LANGUAGE = "l"
    HELP = "h"
    SUBSCRIPTIONS = "b"


class ChartKind(StrEnum):
    TURNOVER = "t"


class MenuCb(CallbackData, prefix="m1"):
    action: MenuAction


class TurnoverCb(CallbackData, prefix="t1"):
    period: str  # a Period key: "2024" or "2025-01..08"


class TurnoverDetailsCb(CallbackData, prefix="td1"):
    """The detailed /turnover card of a period: who stated each figure, our inferences."""

    period: str


class ProductsCb(CallbackData, prefix="g1"):
    """The top HS chapters: a year ("" for the latest with chapter data) and whose statistics
    ("" for the first with data that year)."""

    period: str = ""
    reporter: str = ""


class SectorCb(CallbackData, prefix="s1"):
    sector_id: str  # "" opens the list of sectors
    page: int = 0  # of the sector card's items, five to a page; out of range: clamped


class TopicCb(CallbackData, prefix="i1"):
    """One item of a sector card, opened from the card's page ``page`` (its Back button)."""

    topic_id: str
    page: int = 0


class FactCb(CallbackData, prefix="n1"):
    """A published update in full, from its sector card (whose Back button returns there)."""

    fact_id: int
    sector_id: str


class SourcesCb(CallbackData, prefix="r1"):
    page: int


class LanguageCb(CallbackData, prefix="l1"):
    locale: Locale


class SubscribeCb(CallbackData, prefix="b1"):
    """Toggle one sector ("*" for all) in the /subscribe keyboard or on a sector card."""

    sector_id: str
    card: bool = False  # pressed on a sector card: re-render the card, not the toggle list
    # On a card the button says what it does ("Subscribe" → True), so a card shown before a
    # change elsewhere can't undo it by toggling; the /subscribe list toggles (None).
    on: bool | None = None


class ManageSubscriptionsCb(CallbackData, prefix="b2"):
    """Open the /subscribe toggles (the button under every delivered update)."""


class FollowOfferCb(CallbackData, prefix="b3"):
    """The one-time offer under a reader's first /turnover or sector card: follow ``item``
    (``figures`` or a sector id)."""

    item: str


class ChannelCb(CallbackData, prefix="h1"):
    """A connected channel's sector toggle ("*" for all; "" opens its toggles)."""

    chat_id: int
    sector_id: str = ""


class SettingsAction(StrEnum):
    SHOW = "s"  # the settings screen
    MODE = "m"  # value: instant, daily, weekly
    PICK_HOUR = "ph"
    HOUR = "h"  # value: 0..23, the digest's hour
    PICK_DAY = "pd"
    DAY = "d"  # value: 0 (Monday)..6, the weekly digest's day
    PICK_QUIET = "pq"
    QUIET_FROM = "qf"  # value: the hour quiet hours start; asks when they end
    QUIET = "q"  # value: "22-7", or "" for none
    PICK_ZONE = "pz"
    ZONE = "z"  # value: an IANA name, or "" for the language's


class SettingsCb(CallbackData, prefix="z1"):
    """/settings: digests, quiet hours and the time zone of the chat; ``chat``: a connected
    channel's, managed from a private chat (0: the chat the button is in)."""

    action: SettingsAction
    value: str = ""
    chat: int = 0


class PublishAction(StrEnum):
    SECTOR = "s"
    CONFIRM = "ok"
    CANCEL = "no"


class PublishCb(CallbackData, prefix="p1"):
    action: PublishAction
    sector_id: str = ""


class EditorAction(StrEnum):
    EDIT = "e"
    SAVE = "s"
    WITHDRAW = "w"  # asks first
    WITHDRAW_OK = "wy"
    BACK = "b"
    CANCEL = "x"


class EditorCb(CallbackData, prefix="e1"):
    """The buttons on the editor's summary of a published fact."""

    action: EditorAction
    fact_id: int


class ChartCb(CallbackData, prefix="c1"):
    chart: ChartKind = ChartKind.TURNOVER


class SearchCb(CallbackData, prefix="q1"):
    """A suggestion under "I'm not sure what you mean": the item it opens."""

    kind: TargetKind
    item: str  # a topic, sector or source id, an intent, or "2024/turnover"
