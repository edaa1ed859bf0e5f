"""Stems per language: Snowball (PyStemmer) for Russian and English, light suffix strippers for
Kazakh and Belarusian, which Snowball lacks.

A stem is only a matching key: the same word form in a question and in the data must reach the
same stem, and different words should not. The strippers are conservative: they never cut a
word below three letters and stop once no known ending is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import Stemmer

from bot.search.text import has_vowel

_SNOWBALL: dict[str, Stemmer.Stemmer] = {}

# Kazakh: case endings, possessive, plural, "of the place" and a few verb endings. Each has
# variants by vowel harmony and by the sound before it (кітап-ты, қала-ны, дүкен-ді), and
# agglutination stacks them (дүкен-дер-і-нің), so the stripper peels several, longest first,
# taking an ending only where that sound allows it: "экспорт-ы" is not "экспор-ты".
_KK_ENDINGS = {
    "plural": "лар лер дар дер тар тер",
    "genitive": "ның нің дың дің тың тің",
    "dative": "ға ге қа ке на не а е",
    "accusative": "ны ні ды ді ты ті н",
    "locative": "да де та те нда нде",
    "ablative": "дан ден тан тен нан нен",
    "instrumental": "мен бен пен",
    "possessive": "ым ім ың ің ыңыз іңіз сы сі ы і мыз міз",
    "of the place (Астана-дағы)": "дағы дегі тағы тегі",
    "adjectives, abstract nouns (өнеркәсіп-тік)": "лық лік дық дік тық тік",
    "verbs: present, past, participle": "ады еді йды йді ған ген қан кен",
}
_KK_SUFFIXES = tuple(
    sorted({e for group in _KK_ENDINGS.values() for e in group.split()}, key=len, reverse=True)
)
_KK_VOWELS = frozenset("аәеёиоөұүуыіэюя")
_KK_VOICELESS = frozenset("пкқтсшщфхһцч")
_KK_VOICED = frozenset("бвгғджзйлмнңрўу")


def _kk_fits(stem: str, suffix: str) -> bool:
    """Whether ``suffix`` may follow ``stem``: the first sound of an ending follows the last
    sound of the stem (voiceless after voiceless, н after a vowel or a nasal, …)."""
    last = stem.rstrip("ь")[-1:]
    first = suffix[0]
    if not last:
        return False
    if first in "тқкп":
        return last in _KK_VOICELESS
    if first in "дғгб":
        return last in _KK_VOWELS or last in _KK_VOICED
    if first == "н":
        return last in _KK_VOWELS or last in "мнң"
    if first == "л":
        return last in _KK_VOWELS or last in "руй"
    if first == "с":
        return last in _KK_VOWELS
    if first in _KK_VOWELS:
        return last not in _KK_VOWELS
    return True


# Final consonants that voice before a vowel-initial ending: кітап/кітабы, шаруашылық/-ғы.
_KK_DEVOICE = {"ғ": "қ", "г": "к", "б": "п"}

# Belarusian: noun, adjective and verb endings (with і/ў), longest first.
_BE_ENDINGS = {
    "nouns": "амі ямі ах ях ам ям аў яў оў еў ёў ой ою ёй ёю ей ем ом ы і а я у ю о е ё ь",
    "adjectives": "ага яга ога ому аму яму ымі імі ых іх ым ім ая яя ое ае ее ыя ія ую юю ай яй",
    "abstract nouns": "асць асці асцю сць сці",
    "verbs": "аць яць ець іць ыць уць юць аюць яюць яе ла лі ло ці ць цца ецца аецца ся",
}
_BE_SUFFIXES = tuple(
    sorted({e for group in _BE_ENDINGS.values() for e in group.split()}, key=len, reverse=True)
)


def _snowball(language: str) -> Stemmer.Stemmer:
    stemmer = _SNOWBALL.get(language)
    if stemmer is None:
        stemmer = _SNOWBALL[language] = Stemmer.Stemmer(language)
    return stemmer


def _strip(
    word: str,
    suffixes: tuple[str, ...],
    *,
    rounds: int,
    min_stem: int,
    fits: Callable[[str, str], bool] = lambda _stem, _suffix: True,
    final: Mapping[str, str] | None = None,
    shortest: bool = False,
) -> str:
    """Peel up to ``rounds`` endings, the longest that fits each time (or the shortest)."""
    ordered = tuple(reversed(suffixes)) if shortest else suffixes
    for _round in range(rounds):
        for suffix in ordered:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                if len(stem) >= min_stem and has_vowel(stem) and fits(stem, suffix):
                    if final and stem[-1] in final:
                        stem = stem[:-1] + final[stem[-1]]
                    word = stem
                    break
        else:
            return word
    return word


@lru_cache(maxsize=65536)
def stem_kk(word: str) -> tuple[str, ...]:
    """Kazakh stems: one, or two where a word parses both ways.

    ``серіктесі`` is серіктес-і (its partner) though серікте-сі would fit as well, and
    ``саудасы`` is сауда-сы though саудас-ы would; without a dictionary the stripper cannot
    tell, so it gives the stem of the longest endings and that of the shortest, and the data
    is indexed the same way: ``серіктес`` meets ``серіктесі``, ``сауда`` meets ``саудасы``.
    """
    longest = _strip(word, _KK_SUFFIXES, rounds=4, min_stem=4, fits=_kk_fits, final=_KK_DEVOICE)
    shortest = _strip(
        word, _KK_SUFFIXES, rounds=4, min_stem=4, fits=_kk_fits, final=_KK_DEVOICE, shortest=True
    )
    return (longest,) if longest == shortest else (longest, shortest)


@lru_cache(maxsize=65536)
def stem_be(word: str) -> str:
    """Belarusian: ``харчавання``/``харчаванне`` → ``харчаванн``, ``трактароў`` → ``трактар``."""
    return _strip(word, _BE_SUFFIXES, rounds=1, min_stem=3)


@lru_cache(maxsize=65536)
def stems(word: str, language: str) -> tuple[str, ...]:
    """The stem(s) of a normalized word in ``language`` (``ru``, ``en``, ``kk``, ``be``)."""
    if word.isdigit() or len(word) < 3:
        return (word,)
    if language == "ru":
        return (str(_snowball("russian").stemWord(word)),)
    if language == "en":
        return (str(_snowball("english").stemWord(word)),)
    if language == "kk":
        return stem_kk(word)
    if language == "be":
        return (stem_be(word),)
    raise ValueError(f"no stemmer for {language!r}")
