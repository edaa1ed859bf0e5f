"""Typo tolerance: the known keys nearest to an unknown one, found in microseconds.

A symmetric-delete index (as in SymSpell): every known key is stored under each form with
one letter deleted; a typed key's own deletions meet them. Candidates are then checked with
the optimal-string-alignment distance (a swap of two letters counts as one edit).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from rapidfuzz.distance import OSA

MIN_LENGTH = 5  # shorter keys are too easy to confuse with other words: never corrected
MAX_LENGTH = 24  # longer ones are not words anybody misspelt
LATIN, CYRILLIC = 1, 2  # where a key came from: typos stay within an alphabet
ANY_SCRIPT = LATIN | CYRILLIC


def script_mask(script: str) -> int:
    """The mask of a word's alphabet (see :func:`bot.search.text.script`)."""
    return {"latin": LATIN, "cyrillic": CYRILLIC}.get(script, ANY_SCRIPT)


def max_distance(key: str) -> int:
    if not MIN_LENGTH <= len(key) <= MAX_LENGTH:
        return 0
    return 1 if len(key) <= 8 else 2


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


class Vocabulary:
    """Known keys with their document frequency and the alphabets of the words they came from.

    Transliteration is the skeleton's job ("магнум" and "magnum" share a key); a correction
    only stays within the typed word's alphabet, so a Kazakh "сәлем" is not "corrected" into
    the English "sales".
    """

    def __init__(self) -> None:
        self._df: dict[str, int] = {}
        self._scripts: dict[str, int] = {}
        self._deletes: dict[str, list[str]] = {}
        self._sorted: list[str] | None = None

    def __contains__(self, key: object) -> bool:
        return key in self._df

    def __len__(self) -> int:
        return len(self._df)

    def df(self, key: str) -> int:
        return self._df.get(key, 0)

    def add(self, key: str, df: int = 1, scripts: int = ANY_SCRIPT) -> None:
        if key in self._df:
            self._df[key] += df
            self._scripts[key] |= scripts
            return
        self._df[key] = df
        self._scripts[key] = scripts
        self._sorted = None
        if len(key) >= MIN_LENGTH:
            for deleted in _deletes(key):
                self._deletes.setdefault(deleted, []).append(key)

    def update(self, keys: Iterable[str], scripts: int = ANY_SCRIPT) -> None:
        for key in keys:
            self.add(key, 1, scripts)

    def correct(self, key: str, scripts: int = ANY_SCRIPT) -> list[tuple[str, int]]:
        """Known keys of words in ``scripts`` within the allowed distance of ``key``, nearest
        (then commonest) first."""
        limit = max_distance(key)
        if not limit:
            return []
        probes = {key} | _deletes(key)
        if limit > 1:
            probes |= {second for first in _deletes(key) for second in _deletes(first)}
        found: dict[str, int] = {}
        for probe in probes:
            if probe in self._df and probe != key:
                found[probe] = 0
            for known in self._deletes.get(probe, ()):
                if known != key:
                    found[known] = 0
        scored = []
        for known in found:
            if not self._scripts[known] & scripts:
                continue
            distance = OSA.distance(key, known, score_cutoff=limit)
            if distance <= limit:
                scored.append((known, distance))
        scored.sort(key=lambda item: (item[1], -self._df[item[0]], item[0]))
        return scored

    def complete(self, prefix: str, limit: int = 5) -> list[str]:
        """Known keys starting with ``prefix`` (a word still being typed), commonest first."""
        if len(prefix) < 3:
            return []
        if self._sorted is None:
            self._sorted = sorted(self._df)
        start = bisect.bisect_left(self._sorted, prefix)
        found = []
        for key in self._sorted[start:]:
            if not key.startswith(prefix):
                break
            found.append(key)
            if len(found) >= 50:
                break
        found.sort(key=lambda key: (-self._df[key], len(key)))
        return found[:limit]
