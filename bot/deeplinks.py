"""Deep links: the ``/start`` payloads that open a card directly, encoded and decoded here only.

``sector_food_retail``, ``turnover``, ``turnover_2024``, ``turnover_2025-08`` (January to
August), ``sectors``, ``sources``: letters, digits, ``_`` and ``-``, as Telegram allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Period
from bot.search.model import Target, TargetKind


class LinkKind(StrEnum):
    SECTOR = "sector"
    TURNOVER = "turnover"
    SECTORS = "sectors"
    SOURCES = "sources"


@dataclass(frozen=True)
class DeepLink:
    kind: LinkKind
    argument: str = ""  # a sector id, or a period as /turnover takes it ("2024", "2025-08")

    @property
    def payload(self) -> str:
        return f"{self.kind}_{self.argument}" if self.argument else str(self.kind)


def decode(payload: str) -> DeepLink | None:
    """What a ``/start`` payload opens; None for one this bot never made."""
    kind, _sep, argument = payload.strip().partition("_")
    try:
        link = DeepLink(LinkKind(kind), argument)
    except ValueError:
        return None
    if link.kind is LinkKind.SECTOR and not argument:
        return None
    if link.kind in (LinkKind.SECTORS, LinkKind.SOURCES) and argument:
        return None
    return link


def for_target(target: Target, sector_of_topic: str | None = None) -> DeepLink | None:
    """The link that opens the card answering ``target`` (a topic opens its sector's card)."""
    if target.flow_intent is not None:
        if not target.period:
            return DeepLink(LinkKind.TURNOVER)
        period = Period.from_key(target.period)
        if period.is_full_year:
            return DeepLink(LinkKind.TURNOVER, str(period.year))
        if period.start == 1:
            return DeepLink(LinkKind.TURNOVER, f"{period.year}-{period.end:02d}")
        return DeepLink(LinkKind.TURNOVER)
    if target.kind is TargetKind.SECTOR:
        return DeepLink(LinkKind.SECTOR, target.id)
    if target.kind is TargetKind.TOPIC and sector_of_topic:
        return DeepLink(LinkKind.SECTOR, sector_of_topic)
    if target.kind in (TargetKind.SOURCE, TargetKind.INTENT):
        return DeepLink(LinkKind.SOURCES)
    return None
