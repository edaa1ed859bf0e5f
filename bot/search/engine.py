"""A question in people's own words → a :class:`~bot.search.model.Decision`.

The engine keeps in memory what every question needs (the concepts, the vocabulary for typo
tolerance, the item → parent map, the years with figures) and reads full-text hits from a
:class:`~bot.search.protocol.SearchIndex`. Before each question it asks the index for its
version (one small query) and reads everything again when it changed: after a data load or a
published fact, in this process or another, the next question sees them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cachetools import LRUCache

from bot.domain.models import Period
from bot.domain.trade import resolve_asked
from bot.search.analysis import Token, analyse_question, key_groups
from bot.search.classifier import DocHit, classify
from bot.search.concepts import ConceptIndex, Match, Role
from bot.search.fuzzy import Vocabulary, script_mask
from bot.search.index import concept_index
from bot.search.model import Decision, Intent, Target, TargetKind
from bot.search.periods import find_periods
from bot.search.protocol import DocRow, SearchIndex, Snapshot
from bot.search.text import script

log = logging.getLogger(__name__)

DECISIONS_KEPT = 512  # questions whose decision is kept, per data version (LRU)
MAX_HITS = 40  # full-text rows read per question
COMMON_SHARE = 0.01  # keys in more than this share of the rows (and over 50) are left out of the
# full-text query: they would make SQLite rank thousands of rows, and say little; they still
# count for the rows the rarer keys find.
MAX_CORRECTIONS = 3  # known keys a misspelt word may stand for
MIN_PREFIX = 4  # a key this long also finds the longer words it begins (compounds)


@dataclass(frozen=True)
class _State:
    """What the engine keeps in memory between questions."""

    version: str
    concepts: ConceptIndex
    vocabulary: Vocabulary
    parents: dict[Target, Target]
    years: frozenset[int]
    rows: int
    periods: dict[Period, int]  # the periods with figures (for months asked without a year)

    @classmethod
    def of(cls, snapshot: Snapshot) -> _State:
        concepts = concept_index(snapshot.concepts)
        vocabulary = Vocabulary()
        for key, (rows, scripts) in snapshot.terms.items():
            vocabulary.add(key, rows, scripts)
        for key, scripts in concepts.keys.items():
            vocabulary.add(key, 0 if key in vocabulary else 1, scripts)
        parents = {
            Target(TargetKind(kind), item_id): Target.parse(parent)
            for (kind, item_id), parent in snapshot.parents.items()
        }
        periods = {Period.from_key(key): 1 for key in snapshot.periods}
        return cls(snapshot.version, concepts, vocabulary, parents, snapshot.years, snapshot.rows, periods)

    def resolve(self, key: str) -> str:
        """A period as the question named it, placed in a year ("01..09" → "2025-01..09")."""
        try:
            return resolve_asked(key, self.periods).key
        except ValueError:
            return key

    def known(self, token: Token) -> bool:
        return token.corrected or any(key in self.vocabulary for key in token.keys | token.forms)


class SearchEngine:
    def __init__(self, index: SearchIndex, *, remember: int = DECISIONS_KEPT) -> None:
        """``remember``: how many questions' decisions to keep (0: decide every time)."""
        self._index = index
        self._state: _State | None = None
        self._refreshing = asyncio.Lock()  # concurrent questions after a change read it once
        # The same question at the same data version gets the same decision: people ask the
        # popular ones in the same words, and the search costs milliseconds of CPU.
        self._decisions: LRUCache[tuple[str, str, bool], Decision] | None = (
            LRUCache(maxsize=remember) if remember > 0 else None
        )

    @property
    def vocabulary_size(self) -> int:
        return len(self._state.vocabulary) if self._state else 0

    async def refresh(self, version: str | None = None) -> None:
        """Read the index again, unless it is still at ``version`` once our turn comes."""
        async with self._refreshing:
            if version is not None and self._state is not None and self._state.version == version:
                return  # another question's refresh got there first
            snapshot = await self._index.snapshot()
            # Building the typo index takes a while for a big dataset: in a worker thread, so
            # that updates not waiting for the search go on meanwhile.
            self._state = await asyncio.to_thread(_State.of, snapshot)
        log.debug(
            "search ready at version %s: %d concepts, %d keys, %d rows",
            snapshot.version or "none",
            len(snapshot.concepts),
            len(self._state.vocabulary),
            snapshot.rows,
        )

    async def _ready(self) -> _State:
        version = await self._index.version()
        if self._state is None or self._state.version != version:
            await self.refresh(version)
        assert self._state is not None
        return self._state

    async def ask(self, text: str, *, typing: bool = False) -> Decision:
        """What ``text`` is about. ``typing``: the last word may be unfinished (inline mode)."""
        state = await self._ready()
        key = (state.version, text, typing)
        if self._decisions is None:
            return await self._decide(state, text, typing)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions[key] = await self._decide(state, text, typing)
        return decision

    async def _decide(self, state: _State, text: str, typing: bool) -> Decision:
        asked = find_periods(text)
        periods = tuple(dict.fromkeys(state.resolve(key) for key in asked.keys))
        tokens = analyse_question(asked.rest)
        if not tokens:
            # "январь–сентябрь": the period alone asks for its figures.
            return (
                Decision(Target.intent(Intent.TURNOVER), period=periods[0], confidence=1.0)
                if periods
                else Decision(None)
            )
        state.concepts.mark_stopwords(tokens)
        if periods and all("stopword" in token.roles for token in tokens):  # "за 8 месяцев"
            return Decision(Target.intent(Intent.TURNOVER), period=periods[0], confidence=1.0)
        _correct(state.vocabulary, tokens, typing=typing)
        matches = state.concepts.match(tokens)
        named = {
            target
            for match in matches
            if match.concept.role is Role.TARGET
            for target in (match.concept.target, match.concept.by_to_kz, match.concept.kz_to_by)
            if target is not None and target.kind in (TargetKind.TOPIC, TargetKind.SECTOR)
        }
        docs = await self._full_text(state, tokens, named)
        decision = classify(
            tokens,
            matches,
            docs,
            known=state.known,
            df=state.vocabulary.df,
            parent_of=state.parents.get,
            years_with_data=state.years,
            period=periods[0] if periods else None,
        )
        if decision.target is not None and decision.target.kind is TargetKind.PLACE:
            return _place(decision, tokens, matches, docs)
        return _named_periods(decision, periods)

    async def _full_text(self, state: _State, tokens: Sequence[Token], named: set[Target]) -> list[DocHit]:
        """The rows the question's rarer keys find, and the rows of the items its concepts name
        (so that their text counts too, however common its words)."""
        asked = {key for token in tokens if "stopword" not in token.roles for key in token.keys}
        known = sorted((state.vocabulary.df(key), key) for key in asked if key in state.vocabulary)
        common = max(50, int(state.rows * COMMON_SHARE))
        keys = [key for df, key in known if df <= common]
        rows: list[DocRow] = []
        if keys:
            rows += await self._index.matching(" OR ".join(f'"{key}"' for key in keys), MAX_HITS)
        # Words inside compounds: "калий" in "калийные удобрения", "нефть" in "нефтепродукты".
        # Known keys only, as above: a word the data never had stays out of every query (and log).
        stems = sorted(key for df, key in known if len(key) >= MIN_PREFIX and df <= common)
        if stems:
            rows += await self._index.matching(" OR ".join(f'"{key}"*' for key in stems), MAX_HITS // 2)
        for kind in sorted({target.kind for target in named}):
            ids = sorted(target.id for target in named if target.kind is kind)
            rows += await self._index.items(kind.value, ids)
        if not rows or not asked:
            return []
        # Which of the question's keys each row's body holds: one pass of one pattern, instead of
        # splitting every body into a set.
        alternatives = "|".join(map(re.escape, sorted(asked, key=len, reverse=True)))
        pattern = re.compile(rf"(?<![^ |])({alternatives})(?![^ |])")
        prefixes = "|".join(map(re.escape, sorted(stems, key=len, reverse=True)))
        partial = re.compile(rf"(?<![^ |])({prefixes})[^ |]") if stems else None
        return [
            DocHit(
                target=Target(TargetKind(row.kind), row.item_id),
                parent=Target.parse(row.parent) if row.parent else None,
                title=tuple(key_groups(row.title_keys)),
                body=frozenset(pattern.findall(row.body_keys)),
                inside=frozenset(partial.findall(f"{row.title_keys} {row.body_keys}"))
                if partial
                else frozenset(),
            )
            for row in rows
        ]


def _named_periods(decision: Decision, periods: tuple[str, ...]) -> Decision:
    """A period the question names always wins over the one an item's text happened to match
    ("оборот в долларах за 2024" is not the 2018 card because a 2018 note says "dollars"); two
    periods named are a comparison."""
    target = decision.target
    intent = target.flow_intent if target is not None else None
    if intent is None or not periods:
        return decision
    if len(periods) > 1:
        compared = Target(TargetKind.COMPARE, "+".join(periods[:2]))
        return replace(decision, target=compared, period=None)
    return replace(decision, target=Target.intent(intent), period=periods[0])


def _place(
    decision: Decision, tokens: Sequence[Token], matches: Sequence[Match], docs: Sequence[DocHit]
) -> Decision:
    """The items whose text names the place the question is about, with its name per language."""
    assert decision.target is not None
    concept = next(
        m.concept for m in matches if m.concept.role is Role.TARGET and m.concept.target == decision.target
    )
    positions = {p for m in matches if m.concept is concept for p in m.positions}
    keys = {key for p in positions for key in tokens[p].keys}
    items = [
        doc.target
        for doc in docs
        if doc.target.kind in (TargetKind.TOPIC, TargetKind.FACT)
        and (keys & doc.body or any(keys & group for group in doc.title))
    ]
    names = tuple((locale, term) for locale, term in dict(reversed(concept.terms)).items())
    return replace(decision, items=tuple(dict.fromkeys(items)), names=names)


def _correct(vocabulary: Vocabulary, tokens: Sequence[Token], *, typing: bool) -> None:
    """Give misspelt words the keys they were probably meant to be; in inline mode, give the
    unfinished last word the keys it may become."""
    for index, token in enumerate(tokens):
        if "stopword" in token.roles:
            continue
        if typing and index == len(tokens) - 1:
            completions = {k for form in token.forms for k in vocabulary.complete(form)}
            if completions - token.keys:
                token.keys |= completions
                token.forms |= completions
            continue
        if any(key in vocabulary for key in token.keys | token.forms):
            continue
        found: list[tuple[str, int]] = []
        alphabet = script_mask(script(token.word))
        for key in token.keys | token.forms:
            found += vocabulary.correct(key, alphabet)
        if not found:
            continue
        nearest = min(distance for _key, distance in found)
        corrections = []
        for key, distance in sorted(found, key=lambda item: (item[1], -vocabulary.df(item[0]))):
            if distance == nearest and key not in corrections:
                corrections.append(key)
        token.keys |= set(corrections[:MAX_CORRECTIONS])
        token.forms |= set(corrections[:MAX_CORRECTIONS])
        token.corrected = True
