"""Text as the search sees it: casefolded, ``ё`` → ``е``, punctuation gone, and for matching
one Latin "skeleton" shared by Russian, Kazakh, Belarusian, English and their transliterations.

The skeleton is lossy on purpose: ``магнум``/``magnum``, ``Қазақстан``/``Казахстан``/
``kazakhstan``, ``експорт``/``экспорт``/``export``, ``Мадиев``/``Madiyev`` meet in one key.
It is never shown to anyone; it only decides what matches.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words: letters and digits, with an apostrophe inside (Belarusian аб'ём, інтэрв'ю).
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_DIGITS_RE = re.compile(r"\d+|[^\d]+")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})

_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіїєў")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")

# Letters that look the same in both alphabets: a word typed with a switched keyboard
# layout half-way ("Мagnum") is brought to the alphabet most of its letters are in.
_TO_LATIN_LOOKALIKE = str.maketrans("аеорсхукмтвн", "aeopcxykmtbh")
_TO_CYRILLIC_LOOKALIKE = str.maketrans("aeopcxykmt", "аеорсхукмт")

_SKELETON_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "ә": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ғ": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "э": "e",
        "є": "e",
        "ж": "j",
        "з": "z",
        "и": "i",
        "і": "i",
        "ї": "i",
        "ы": "i",
        "й": "i",
        "к": "k",
        "қ": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "ң": "n",
        "о": "o",
        "ө": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ў": "u",
        "ұ": "u",
        "ү": "u",
        "ф": "f",
        "х": "k",
        "һ": "k",
        "ц": "c",
        "ч": "q",
        "ш": "x",
        "щ": "x",
        "ъ": "",
        "ь": "",
        "ю": "iu",
        "я": "ia",
        "'": "",
    }
)
# Latin spellings of the same sounds, longest first; then single letters.
_SKELETON_LATIN = (
    ("x", "ks"),
    ("q", "k"),
    ("shch", "x"),
    ("sch", "x"),
    ("sh", "x"),
    ("ch", "q"),
    ("zh", "j"),
    ("kh", "k"),
    ("ts", "c"),
    ("dz", "d"),
)
_SKELETON_LATIN_SINGLE = str.maketrans({"h": "k", "y": "i", "w": "v", "'": ""})
_DOUBLES_RE = re.compile(r"([a-z])\1+")

# Latin → Cyrillic, for stemming a Russian, Kazakh or Belarusian word typed in Latin letters.
_TO_CYRILLIC = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ya", "я"),
    ("ja", "я"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("yo", "ё"),
    ("ye", "е"),
)
_TO_CYRILLIC_SINGLE = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "c": "к",
        "d": "д",
        "e": "е",
        "f": "ф",
        "g": "г",
        "h": "х",
        "i": "и",
        "j": "й",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "q": "к",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "v": "в",
        "w": "в",
        "x": "кс",
        "y": "ы",
        "z": "з",
        "'": "ь",
    }
)
_VOWELS_CYRILLIC = frozenset("аеёиоуыэюяәөұүіў")


def normalize(text: str) -> str:
    """Casefolded, ``ё`` → ``е``, compatibility forms folded, apostrophes unified."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return text.replace("ё", "е")


def script(word: str) -> str:
    """``"cyrillic"``, ``"latin"``, ``"digits"`` or ``"other"``: the alphabet of most letters."""
    cyrillic = sum(1 for ch in word if ch in _CYRILLIC)
    latin = sum(1 for ch in word if ch in _LATIN)
    if not cyrillic and not latin:
        return "digits" if word.isdigit() else "other"
    return "cyrillic" if cyrillic >= latin else "latin"


def _one_alphabet(word: str) -> str:
    kind = script(word)
    if kind == "latin" and any(ch in _CYRILLIC for ch in word):
        return word.translate(_TO_LATIN_LOOKALIKE)
    if kind == "cyrillic" and any(ch in _LATIN for ch in word):
        return word.translate(_TO_CYRILLIC_LOOKALIKE)
    return word


def words(text: str) -> list[str]:
    """The words of ``text``, normalized; English possessive ``'s`` dropped."""
    found = []
    for match in _WORD_RE.finditer(normalize(text)):
        word = match.group()
        if word.endswith("'s") and script(word) == "latin":
            word = word[:-2]
        # "2024г", "2023ж", "2025year": the number apart from the word stuck to it.
        found += [_one_alphabet(part) for part in _DIGITS_RE.findall(word)]
    return found


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The matching key of a (stemmed) word: ASCII letters and digits only."""
    text = word
    for latin, replacement in _SKELETON_LATIN:  # Latin spellings first: "x" means ks only there
        text = text.replace(latin, replacement)
    text = text.translate(_SKELETON_LATIN_SINGLE)
    text = text.replace("дз", "d").translate(_SKELETON_CYRILLIC)
    if len(text) > 3:  # Madiyev/Мадиев meet; the abbreviation ИИ stays "ii"
        text = _DOUBLES_RE.sub(r"\1", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


@lru_cache(maxsize=16384)
def to_cyrillic(word: str) -> str:
    """A Latin transliteration back in Cyrillic, roughly: ``tovarooborota`` → ``товарооборота``."""
    text = word
    for latin, cyrillic in _TO_CYRILLIC:
        text = text.replace(latin, cyrillic)
    text = text.translate(_TO_CYRILLIC_SINGLE)
    # "y" after a vowel is "й" (Kostanay, Magnumy aside): "кастанаы" → "кастанай".
    out = []
    for index, ch in enumerate(text):
        if ch == "ы" and index and text[index - 1] in _VOWELS_CYRILLIC:
            ch = "й"
        out.append(ch)
    return "".join(out)


def has_vowel(word: str) -> bool:
    return any(ch in _VOWELS_CYRILLIC or ch in "aeiouy" for ch in word)
