"""Concepts: the words people use for each thing the bot knows, kept in ``data/concepts.toml``.

A concept points at a target (a screen, a sector, a topic) or plays a part in reading the
question: stop words, words every question shares (the two countries), words that ask for a
number, and the markers of an export direction. Terms are phrases; a question matches a phrase
when its words appear in order (stop words in between are skipped). Terms match by stem unless
the concept matches word forms exactly, as direction markers must: "Казахстана" (of
Kazakhstan) and "в Казахстан" (to Kazakhstan) share a stem and point opposite ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.search.analysis import Token, doc_keys
from bot.search.fuzzy import script_mask
from bot.search.model import Direction, Target
from bot.search.text import script, skeleton, words


class Role(StrEnum):
    TARGET = "target"  # the question is about this target
    STOPWORD = "stopword"  # carries no meaning: и, the, және, ці…
    NEUTRAL = "neutral"  # every question shares it (Belarus, Kazakhstan, trade "between"…)
    FIGURES = "figures"  # asks for a number (сколько, how much, қанша): favours trade figures
    DIRECTION = "direction"  # an export direction marker
    COMPARE = "compare"  # asks to compare (сравни, vs, салыстыр): two periods side by side
    OFFSCOPE = "offscope"  # beyond the data (another country, a currency rate, the weather)
    NEWS = "news"  # asks for what is new (новости, news): the newest items when nothing else is asked


SPECIAL_TARGETS = {
    "stopword": Role.STOPWORD,
    "neutral": Role.NEUTRAL,
    "figures": Role.FIGURES,
    "compare": Role.COMPARE,
    "offscope": Role.OFFSCOPE,
    "news": Role.NEWS,
}


@dataclass(frozen=True)
class Concept:
    id: str
    role: Role
    terms: tuple[tuple[str, str], ...]  # (locale, phrase)
    target: Target | None = None
    by_to_kz: Target | None = None  # the target when the question says Belarus → Kazakhstan
    kz_to_by: Target | None = None
    direction: Direction | None = None
    exact: bool = False

    @classmethod
    def build(
        cls,
        concept_id: str,
        terms: Iterable[tuple[str, str]],
        *,
        target: str | None = None,
        by_to_kz: str | None = None,
        kz_to_by: str | None = None,
        direction: str | None = None,
        exact: bool = False,
    ) -> Concept:
        """From the strings of the data file (validated there)."""
        if direction is not None:
            role, parsed = Role.DIRECTION, None
        elif target in SPECIAL_TARGETS:
            role, parsed = SPECIAL_TARGETS[target], None
        else:
            role, parsed = Role.TARGET, Target.parse(target) if target else None
        return cls(
            id=concept_id,
            role=role,
            terms=tuple(terms),
            target=parsed,
            by_to_kz=Target.parse(by_to_kz) if by_to_kz else None,
            kz_to_by=Target.parse(kz_to_by) if kz_to_by else None,
            direction=Direction(direction) if direction else None,
            exact=exact,
        )

    @property
    def directional(self) -> bool:
        return self.by_to_kz is not None or self.kz_to_by is not None

    def targets(self, direction: Direction | None) -> tuple[Target, ...]:
        """What the concept points at, given the direction the question states."""
        if direction is Direction.BY_TO_KZ and self.by_to_kz:
            return (self.by_to_kz,)
        if direction is Direction.KZ_TO_BY and self.kz_to_by:
            return (self.kz_to_by,)
        if self.target is not None:
            return (self.target,)
        # No direction and no direction-free target: both readings stay open.
        return tuple(t for t in (self.by_to_kz, self.kz_to_by) if t is not None)


@dataclass(frozen=True)
class _Phrase:
    concept: Concept
    words: tuple[frozenset[str], ...]  # the keys each word of the phrase accepts
    scripts: tuple[int, ...]  # the alphabet of each word


@dataclass(frozen=True)
class Match:
    concept: Concept
    positions: tuple[int, ...]  # indices into the question's tokens


class ConceptIndex:
    def __init__(self, concepts: Sequence[Concept]) -> None:
        self.concepts = tuple(concepts)
        self._phrases: dict[str, list[_Phrase]] = {}
        self.keys: dict[str, int] = {}  # every key a term may match → alphabets, for typo tolerance
        stopwords: set[str] = set()
        named: set[str] = set()  # one-word terms of targets, as written
        for concept in self.concepts:
            for locale, term in concept.terms:
                phrase = self._phrase(concept, locale, term)
                if not phrase.words:
                    continue
                if concept.role is Role.TARGET and len(phrase.words) == 1:
                    named.update(words(term))
                if concept.role is Role.STOPWORD and len(phrase.words) == 1:
                    stopwords |= phrase.words[0]
                for key in phrase.words[0]:
                    self._phrases.setdefault(key, []).append(phrase)
                for accepted, mask in zip(phrase.words, phrase.scripts, strict=True):
                    for key in accepted:
                        self.keys[key] = self.keys.get(key, 0) | mask
        self.stopwords = frozenset(stopwords)
        self._named = frozenset(named)

    @staticmethod
    def _phrase(concept: Concept, locale: str, term: str) -> _Phrase:
        accepted, scripts = [], []
        for word in words(term):
            exact = skeleton(word)
            if not exact:
                continue
            if concept.exact or concept.role is Role.STOPWORD:
                accepted.append(frozenset((exact,)))
            else:
                accepted.append(frozenset((exact, *doc_keys(word, locale))))
            scripts.append(script_mask(script(word)))
        return _Phrase(concept, tuple(accepted), tuple(scripts))

    def mark_stopwords(self, tokens: Sequence[Token]) -> None:
        """Stop words by their skeleton; a word a target names as written is none ("калий" and
        Belarusian "калі", when, share one)."""
        for token in tokens:
            if token.forms & self.stopwords and token.word not in self._named:
                token.roles.add("stopword")

    def match(self, tokens: Sequence[Token]) -> list[Match]:
        """Every phrase found in ``tokens``; a phrase inside a longer one of another target
        concept is dropped (министерство ИИ is the ministry, not the IT sector)."""
        found: dict[tuple[str, tuple[int, ...]], Match] = {}
        for start, token in enumerate(tokens):
            for key in token.keys | token.forms:
                for phrase in self._phrases.get(key, ()):
                    positions = self._match_at(phrase, tokens, start)
                    if positions:
                        found.setdefault((phrase.concept.id, positions), Match(phrase.concept, positions))
        matches = list(found.values())
        targets = [m for m in matches if m.concept.role is Role.TARGET]

        def kept(m: Match) -> bool:
            if m.concept.role is Role.STOPWORD:  # only where the word was taken for one
                return all("stopword" in tokens[p].roles for p in m.positions)
            if m.concept.role is not Role.TARGET:
                return True
            return not any(
                other.concept.id != m.concept.id and set(m.positions) < set(other.positions)
                for other in targets
            )

        return [m for m in matches if kept(m)]

    @staticmethod
    def _accepts(phrase: _Phrase, index: int, token: Token) -> bool:
        accepted = phrase.words[index]
        if phrase.concept.exact or phrase.concept.role is Role.STOPWORD:
            return bool(token.forms & accepted)
        return bool((token.keys | token.forms) & accepted)

    def _match_at(self, phrase: _Phrase, tokens: Sequence[Token], start: int) -> tuple[int, ...]:
        if not self._accepts(phrase, 0, tokens[start]):
            return ()
        positions = [start]
        cursor = start + 1
        for index in range(1, len(phrase.words)):
            while cursor < len(tokens) and not self._accepts(phrase, index, tokens[cursor]):
                if "stopword" not in tokens[cursor].roles:
                    return ()
                cursor += 1
            if cursor >= len(tokens):
                return ()
            positions.append(cursor)
            cursor += 1
        return tuple(positions)
