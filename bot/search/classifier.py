"""From a question's words, its concept matches and its full-text hits to one decision.

Each candidate item is scored by how much of the question it accounts for:

- a word matched by a concept pointing at the item counts fully;
- a word matched by a concept pointing at the item's parent (a topic's sector, a period's
  flow, the trade figures for an export flow or the balance) counts for the item too, but
  only the item's own evidence breaks a tie, so "магазины" opens the food sector while
  "Magnum магазины" opens the Magnum topic and "экспорт вырос" the exports;
- a word found in the item's text counts 0.9 in its title and 0.6 in its body, less when it is
  common to many items, less again when it was found only by correcting a typo or only as the
  beginning of a longer word ("калий" in "калийные удобрения");
- a year counts for the trade figures;
- export words count for a topic or sector the question names otherwise ("колбаса экспорт").

Stop words, the countries and the direction markers don't count either way. A word nobody
knows counts :data:`UNKNOWN_WORD` against every candidate, so "погода в Минске" does not open
the one topic that mentions Minsk. The best candidate is an answer when it accounts for at least
:data:`CONFIDENT` of the question and no other item of its rank ties with it; otherwise the
closest candidates become suggestions. A word beyond the data (another country, a currency
rate, the weather) leaves the bot not sure, whatever else matched; news words alone ask for the
newest items. A products concept that accounts for the whole question ("калий", "what does
Kazakhstan sell to Belarus") wins like an exact title: the /products card answers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.search.analysis import Token
from bot.search.concepts import Match, Role
from bot.search.model import FLOW_INTENTS, Candidate, Decision, Direction, Intent, Target, TargetKind

CONFIDENT = 0.6  # the share of a question an answer must account for
SUGGEST = 0.25  # the share a suggestion must account for
TITLE_WEIGHT = 0.9
BODY_WEIGHT = 0.6
CORRECTED = 0.85  # evidence found by correcting a typo
UNKNOWN_WORD = 0.6  # how much a word found nowhere counts against every candidate
INSIDE = 0.9  # a word found only inside a longer one (a compound), as a share of a body hit
FIGURES_BONUS = 0.25  # "how much": trade figures over a topic that fits as well

_PRIORITY = {
    TargetKind.TOPIC: 5,
    TargetKind.FACT: 5,
    TargetKind.SECTOR: 4,
    TargetKind.FIGURES: 3,
    TargetKind.SOURCE: 1,
    TargetKind.PRODUCTS: 5,
    TargetKind.PLACE: 4,
}
_INTENT_PRIORITY = {Intent.TURNOVER: 1, Intent.SOURCES: 1}


@dataclass(frozen=True)
class DocHit:
    """An item's row of the index in one locale (found by the full-text query or named by a
    concept)."""

    target: Target
    parent: Target | None
    title: tuple[frozenset[str], ...]  # the keys of each word of its title
    body: frozenset[str]  # the question's keys its body holds
    inside: frozenset[str] = frozenset()  # the question's keys that begin a longer word of it


_TRADE_FIGURES = Target.intent(Intent.TURNOVER)
_EXPORT_INTENTS = frozenset({Intent.EXPORT, Intent.EXPORT_BY_TO_KZ, Intent.EXPORT_KZ_TO_BY})


def _flow_parent(target: Target) -> Target | None:
    """Exports and the balance are on the trade-figures card: words about the figures in
    general (growth, "цифры", a year) count for them too, so "экспорт вырос" is exports."""
    if target.kind is TargetKind.INTENT and target.id in FLOW_INTENTS and target != _TRADE_FIGURES:
        return _TRADE_FIGURES
    return None


def _priority(target: Target) -> int:
    if target.kind is TargetKind.INTENT:
        return _INTENT_PRIORITY.get(Intent(target.id), 2)
    return _PRIORITY.get(target.kind, 2)


def _idf(df: int) -> float:
    """Words in a few items say more than words in many."""
    if df <= 8:
        return 1.0
    if df <= 20:
        return 0.75
    return 0.5


def _direction(matches: Sequence[Match]) -> Direction | None:
    votes = Counter(m.concept.direction for m in matches if m.concept.role is Role.DIRECTION)
    by_kz, kz_by = votes[Direction.BY_TO_KZ], votes[Direction.KZ_TO_BY]
    if by_kz > kz_by:
        return Direction.BY_TO_KZ
    if kz_by > by_kz:
        return Direction.KZ_TO_BY
    return None


def _exact_title(tokens: Sequence[Token], title: tuple[frozenset[str], ...]) -> bool:
    """The question is the item's title, word for word in any order (stop words aside)."""
    words = [t for t in tokens if "stopword" not in t.roles]
    if not words or not title or len(words) != len(title):
        return False
    matched = set()
    for token in words:
        hits = [i for i, group in enumerate(title) if group & (token.keys | token.forms)]
        if not hits:
            return False
        matched.update(hits)
    return len(matched) == len(title)


def classify(
    tokens: Sequence[Token],
    matches: Sequence[Match],
    docs: Sequence[DocHit],
    *,
    known: Callable[[Token], bool],
    df: Callable[[str], int],
    parent_of: Callable[[Target], Target | None],
    years_with_data: frozenset[int],
    period: str | None,
) -> Decision:
    for match in matches:
        role = match.concept.role
        if role is not Role.TARGET:
            for position in match.positions:
                tokens[position].roles.add(role.value)
    in_target_match = {p for m in matches if m.concept.role is Role.TARGET for p in m.positions}
    meaningful = [  # in question order
        i
        for i, token in enumerate(tokens)
        if "stopword" not in token.roles and (i in in_target_match or not token.roles)
    ]
    if not meaningful and any("news" in t.roles for t in tokens):
        return Decision(target=Target(TargetKind.NEWS, "latest"), confidence=1.0)
    offscope = any("offscope" in t.roles for t in tokens)
    denominator = sum(1.0 if known(tokens[i]) else UNKNOWN_WORD for i in meaningful)
    direction = _direction(matches)

    evidence: dict[Target, dict[int, float]] = {}

    def credit(target: Target, position: int, weight: float) -> None:
        if tokens[position].corrected:
            weight *= CORRECTED
        slot = evidence.setdefault(target, {})
        slot[position] = max(slot.get(position, 0.0), weight)

    for match in matches:
        if match.concept.role is not Role.TARGET:
            continue
        for target in match.concept.targets(direction):
            for position in match.positions:
                if position in meaningful:
                    credit(target, position, 1.0)
    for doc in docs:
        evidence.setdefault(doc.target, {})
        for position in meaningful:
            token = tokens[position]
            in_title = [k for group in doc.title for k in group & token.keys]
            if in_title:
                credit(doc.target, position, TITLE_WEIGHT * max(_idf(df(k)) for k in in_title))
                continue
            in_body = token.keys & doc.body
            if in_body:
                credit(doc.target, position, BODY_WEIGHT * max(_idf(df(k)) for k in in_body))
                continue
            if token.keys & doc.inside:  # "калий" in "калийные удобрения"
                credit(doc.target, position, BODY_WEIGHT * INSIDE)

    years = [i for i in meaningful if tokens[i].is_year]
    flows = [t for t in evidence if t.kind is TargetKind.INTENT and t.id in FLOW_INTENTS]
    only_years = bool(years) and len(years) == len(meaningful)  # "2019 год": that year's figures
    if years and not flows and (only_years or any(int(tokens[i].word) in years_with_data for i in years)):
        flows = [Target.intent(Intent.TURNOVER)]
    for target in flows:
        for position in years:
            credit(target, position, 1.0)
    figures_asked = any("figures" in t.roles for t in tokens)

    # "колбаса экспорт", "экспорт тракторов": export words around a thing that is traded are
    # context for that thing (its card tells what is exported), not a question of their own.
    trade_words = {
        p
        for m in matches
        if m.concept.role is Role.TARGET and any(t.id in _EXPORT_INTENTS for t in m.concept.targets(None))
        for p in m.positions
    }

    exact = {doc.target for doc in docs if _exact_title(tokens, doc.title)}
    candidates = []
    for target, own in evidence.items():
        parent = parent_of(target) or _flow_parent(target)
        inherited = dict(evidence.get(parent, {})) if parent is not None else {}
        if target.kind in (TargetKind.TOPIC, TargetKind.FACT, TargetKind.SECTOR, TargetKind.PRODUCTS) and any(
            weight > 0 and i not in trade_words for i, weight in own.items()
        ):
            for position in trade_words:
                inherited[position] = 1.0
        score = sum(max(own.get(i, 0.0), inherited.get(i, 0.0)) for i in meaningful)
        coverage = min(1.0, score / denominator) if denominator else 0.0
        is_exact = target in exact
        if coverage <= 0 and not is_exact:
            continue
        candidates.append(Candidate(target, 1.0 if is_exact else coverage, sum(own.values()), is_exact))

    def rank(candidate: Candidate) -> tuple[bool, float, float, int]:
        bonus = FIGURES_BONUS if figures_asked and candidate.target.flow_intent else 0.0
        # "сколько Беларусь продаёт" asks for the figures; "что Беларусь продаёт", for the goods.
        products = (
            candidate.target.kind is TargetKind.PRODUCTS and candidate.coverage >= 1.0 and not figures_asked
        )
        return (
            candidate.exact_title or products,
            round(candidate.coverage + bonus, 6),
            round(candidate.own, 6),
            _priority(candidate.target),
        )

    candidates.sort(key=lambda c: (rank(c), str(c.target)), reverse=True)
    if not candidates:
        return Decision(target=None)
    best = candidates[0]
    tied = len(candidates) > 1 and rank(candidates[1]) == rank(best)
    confident = (best.exact_title or (best.coverage >= CONFIDENT and not tied)) and not offscope
    if best.target.kind is TargetKind.PLACE and best.coverage < 1.0:
        confident = False  # "где поесть в минске" is no question about what happens in Minsk
    # A place's items are listed only when the place is the answer; they are no suggestion.
    candidates = [c for c in candidates if c.target.kind is not TargetKind.PLACE or c is best]
    if confident:
        target = best.target
        return Decision(
            target=target,
            period=target.period or (period if target.flow_intent else None),
            confidence=best.coverage,
            suggestions=tuple(c.target for c in candidates[1:4] if c.coverage >= SUGGEST),
            ranked=tuple(candidates),
        )
    return Decision(
        target=None,
        period=period,
        confidence=best.coverage,
        suggestions=tuple(
            c.target
            for c in candidates[:4]
            if c.coverage >= SUGGEST and c.target.kind is not TargetKind.PLACE
        )[:3],
        ranked=tuple(candidates),
    )
