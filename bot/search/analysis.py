"""Words → matching keys, the same way for the data and for questions.

A key is the skeleton (:func:`bot.search.text.skeleton`) of a stem. Data in locale ``xx`` is
stemmed as ``xx``; a question may be in any language and any alphabet, so each of its words
gets the keys of every language it could be in (a Latin word also read as a transliteration).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.search.stemming import stems
from bot.search.text import script, skeleton, to_cyrillic, words

_CYRILLIC_LOCALES = ("ru", "kk", "be")


MIN_STEM_KEY = 4  # a shorter stem of a longer word says little: the word itself is kept


def _keys(word: str, found: Iterable[str]) -> list[str]:
    exact = skeleton(word)
    keys = []
    for key in map(skeleton, found):
        if key and (len(key) >= MIN_STEM_KEY or key == exact):
            keys.append(key)
        elif key:
            keys.append(exact)
    return keys


@lru_cache(maxsize=65536)
def doc_keys(word: str, locale: str) -> tuple[str, ...]:
    """The keys of a normalized word of the data in ``locale``."""
    kind = script(word)
    if kind == "digits":
        return (word,)
    if kind == "latin":
        found = stems(word, "en")
    elif kind == "cyrillic":
        found = stems(word, locale if locale in _CYRILLIC_LOCALES else "ru")
    else:
        return ()
    return tuple(dict.fromkeys(_keys(word, found)))


@lru_cache(maxsize=65536)
def query_keys(word: str) -> frozenset[str]:
    """The keys of a normalized word of a question, in whatever language it is."""
    kind = script(word)
    if kind == "digits":
        return frozenset((word,))
    found: list[str] = []
    if kind == "latin":
        found += stems(word, "en")
        cyrillic = to_cyrillic(word)
        for locale in _CYRILLIC_LOCALES:
            found += stems(cyrillic, locale)
    elif kind == "cyrillic":
        for locale in _CYRILLIC_LOCALES:
            found += stems(word, locale)
    else:
        return frozenset()
    return frozenset(_keys(word, found))


@dataclass
class Token:
    """One word of a question."""

    position: int
    word: str  # normalized
    forms: set[str]  # skeleton of the word itself (and of its corrections), for word-form terms
    keys: set[str]  # skeletons of its possible stems (and of its corrections)
    corrected: bool = False  # keys found by typo tolerance, not as typed
    roles: set[str] = field(default_factory=set)  # "stopword", "neutral", "figures", "direction"

    @property
    def is_year(self) -> bool:
        return self.word.isdigit() and len(self.word) == 4 and 1990 <= int(self.word) <= 2099

    @property
    def meaningful(self) -> bool:
        """Counts towards what an answer must account for."""
        return not self.roles


MAX_WORD = 40  # longer "words" (a key held down, a pasted hash) are cut to this


def analyse_question(text: str, *, max_words: int = 24) -> list[Token]:
    tokens = []
    for position, word in enumerate(words(text[: max_words * (MAX_WORD + 1)])[:max_words]):
        word = word[:MAX_WORD]
        exact = skeleton(word)
        if not exact:
            continue
        tokens.append(Token(position, word, {exact}, set(query_keys(word))))
    return tokens


def keyed_words(text: str, locale: str, stopwords: frozenset[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(alphabet, keys) of each word of a text in ``locale``; ``stopwords`` (exact skeletons of
    words that carry no meaning: и, the, және…) left out."""
    found = []
    for word in words(text):
        if skeleton(word) in stopwords:
            continue
        keys = doc_keys(word, locale)
        if keys:
            found.append((script(word), keys))
    return found


def text_keys(text: str, locale: str, stopwords: frozenset[str]) -> list[str]:
    """The indexed form of a text: one group per word, alternative keys joined by ``|``."""
    return ["|".join(keys) for _script, keys in keyed_words(text, locale, stopwords)]


def key_groups(stored: str) -> list[frozenset[str]]:
    """:func:`text_keys` joined by spaces, back as one set of keys per word."""
    return [frozenset(group.split("|")) for group in stored.split()]


def flat_keys(groups: Iterable[frozenset[str]]) -> frozenset[str]:
    return frozenset(key for group in groups for key in group)
