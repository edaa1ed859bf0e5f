"""What a question can be about, and what the search decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TargetKind(StrEnum):
    INTENT = "intent"  # a screen of the bot: the trade figures (one flow first) or the sources
    SECTOR = "sector"
    TOPIC = "topic"
    SOURCE = "source"
    FIGURES = "figures"  # trade figures of one period, one flow first: "2024/turnover"
    FACT = "fact"  # a published fact, by its number: "7"
    PRODUCTS = "products"  # the /products card: an HS chapter ("31"), a direction ("kz_to_by") or "all"
    COMPARE = "compare"  # two periods side by side: "2023+2024"
    NEWS = "news"  # the newest items across sectors: "latest"
    PLACE = "place"  # the items about a place: "almaty" (the decision lists them)


class Intent(StrEnum):
    TURNOVER = "turnover"
    EXPORT = "export"  # exports, direction not said: both export flows first
    EXPORT_BY_TO_KZ = "export_by_to_kz"
    EXPORT_KZ_TO_BY = "export_kz_to_by"
    BALANCE = "balance"
    SOURCES = "sources"


FLOW_INTENTS = frozenset(
    {Intent.TURNOVER, Intent.EXPORT, Intent.EXPORT_BY_TO_KZ, Intent.EXPORT_KZ_TO_BY, Intent.BALANCE}
)


class Direction(StrEnum):
    BY_TO_KZ = "by_to_kz"
    KZ_TO_BY = "kz_to_by"


@dataclass(frozen=True, order=True)
class Target:
    kind: TargetKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Target:
        """``intent:turnover``, ``sector:food_retail``, ``topic:magnum-collaboration``…"""
        kind, sep, item = text.partition(":")
        if not sep or not item:
            raise ValueError(f"expected kind:id, got {text!r}")
        target = cls(TargetKind(kind), item)
        if target.kind is TargetKind.INTENT:
            Intent(item)
        return target

    @classmethod
    def intent(cls, intent: Intent) -> Target:
        return cls(TargetKind.INTENT, intent.value)

    @classmethod
    def figures(cls, period: str, intent: Intent) -> Target:
        return cls(TargetKind.FIGURES, f"{period}/{intent.value}")

    @property
    def flow_intent(self) -> Intent | None:
        """The flow a trade-figures target puts first (None for the rest)."""
        if self.kind is TargetKind.INTENT and self.id in FLOW_INTENTS:
            return Intent(self.id)
        if self.kind is TargetKind.FIGURES:
            intent = self.id.rpartition("/")[2]
            return Intent(intent) if intent in FLOW_INTENTS else None
        return None

    @property
    def period(self) -> str | None:
        """The period key of a trade-figures target."""
        return self.id.rpartition("/")[0] if self.kind is TargetKind.FIGURES else None


@dataclass(frozen=True)
class Candidate:
    target: Target
    coverage: float  # share of the question's meaningful words this item accounts for
    own: float  # evidence for the item itself, not inherited from its sector
    exact_title: bool = False


@dataclass(frozen=True)
class Decision:
    """The answer to one question: a target when the search is confident, else suggestions."""

    target: Target | None
    period: str | None = None  # a period the question names, for trade figures
    confidence: float = 0.0
    suggestions: tuple[Target, ...] = ()
    ranked: tuple[Candidate, ...] = field(default=(), repr=False)
    items: tuple[Target, ...] = ()  # a place's items
    names: tuple[tuple[str, str], ...] = ()  # a place's name: (locale, name)

    @property
    def confident(self) -> bool:
        return self.target is not None

    def name(self, locale: str) -> str:
        """A place's name in ``locale`` (else in any language)."""
        found = dict(self.names)
        return found.get(locale) or next(iter(found.values()), self.target.id if self.target else "")
