"""The periods a question names, in any of the four languages.

Years ("2024", "в 2024 году", "2024 жылы"), keys ("2025-01..08", "08.2025"), month ranges in
words ("январь–сентябрь", "jan-aug", "қаңтар-қыркүйек", "студзень–верасень"), a number of
months ("9 месяцев", "first nine months", "сегіз ай", "восем месяцаў"), quarters ("Q1",
"1 квартал", "бірінші тоқсан") and halves ("первое полугодие", "first half"). A month range
without a year is asked as ``MM..MM`` (``01..09``): the latest such period in the data (see
:func:`bot.domain.trade.resolve_asked`). The words that named a month range are cut from the
question, so that they count neither for nor against an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.trade import parse_period

_MONTHS: tuple[tuple[str, ...], ...] = (  # stems of each month's names: ru, en, kk, be
    ("январ", "янв", "jan", "қаңтар", "каңтар", "кантар", "студз"),
    ("феврал", "фев", "feb", "ақпан", "акпан", "лют"),
    ("март", "mar", "наурыз", "сакав"),
    ("апрел", "апр", "apr", "сәуір", "сауир", "сәуiр", "красав"),
    ("мая", "май", "мае", "may", "мамыр", "трав"),
    ("июн", "jun", "маусым", "чэрв"),
    ("июл", "jul", "шілде", "шилде", "ліп", "лип"),
    ("август", "авг", "aug", "тамыз", "жнів", "жнив"),
    ("сентябр", "сент", "сен", "sep", "қыркүйек", "кыркуйек", "қыркуйек", "верас"),
    ("октябр", "окт", "oct", "қазан", "казан", "кастрыч"),
    ("ноябр", "ноя", "nov", "қараша", "караша", "лістап", "листап"),
    ("декабр", "дек", "dec", "желтоқсан", "желтоксан", "снеж"),
)
_NUMBERS: dict[str, int] = {}
for _value, _names in enumerate(
    (
        "один одного одном one бір бір адзін аднаго",
        "два двух two екі два двух",
        "три трех трёх three үш уш тры трох",
        "четыре четырех четырёх four төрт торт чатыры чатырох",
        "пять пяти five бес пяць",
        "шесть шести six алты шэсць",
        "семь семи seven жеті жети сем сямі",
        "восемь восьми eight сегіз сегиз восем васьмі",
        "девять девяти nine тоғыз тогыз дзевяць дзевяці",
        "десять десяти ten он дзесяць",
        "одиннадцать одиннадцати eleven адзінаццаць",
        "двенадцать двенадцати twelve дванаццаць",
    ),
    1,
):
    for _name in _names.split():
        _NUMBERS.setdefault(_name, _value)
_ORDINALS = {
    1: "перв|first|1st|бірінші|биринши|перш",
    2: "втор|second|2nd|екінші|екинши|друг",
    3: "трет|third|3rd|үшінші|ушинши|трэц",
    4: "четв[её]рт|fourth|4th|төртінші|тортинши|чацв",
}

_W = r"[\w'’-]*"  # the rest of a word
_MONTH = "|".join(sorted((s for names in _MONTHS for s in names), key=len, reverse=True))
_MONTH_RE = re.compile(rf"(?<!\w)({_MONTH}){_W}")
_RANGE_SEP = r"\s*(?:-|–|—|\.\.|to|till|until|through|thru|по|до|па|да|дейін|дейин)?\s*"
_RANGE_RE = re.compile(rf"(?<!\w)(?:с|from|з|ад)?\s*({_MONTH}){_W}{_RANGE_SEP}({_MONTH}){_W}")
_NUMBER = r"\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
_MONTHS_RE = re.compile(
    rf"(?<!\w)(?:(?:первы\w*|first|алғашқы|алгашкы|перш\w*)\s+)?(?:({_NUMBER})(?:-?\w{{0,3}})?\s+"
    rf"(?:месяц\w*|мес|months?|ай|айда\w*|айы\w*|айлық\w*|месяца\w*|месяцаў)"
    rf"|(\d{{1,2}})\s?(?:m|mo|mos|mths?|мес))(?!\w)"  # "9m", "9 mo", "9мес"
)
_QUARTER_RE = re.compile(
    r"(?<!\w)(?:q([1-4])|([1-4])\s*q|([1-4]|i{1,3}|iv)(?:-?\w{0,3})?\s*(?:квартал\w*|тоқсан\w*|токсан\w*|quarter)"
    r"|(" + "|".join(_ORDINALS.values()) + r")\w*\s+(?:квартал\w*|тоқсан\w*|токсан\w*|quarter))(?!\w)"
)
_HALF_RE = re.compile(
    r"(?<!\w)(?:h([12])|([12])(?:-?\w{0,3})?\s*(?:полугод\w*|жартыжыл\w*|паўгод\w*|half)"
    r"|(перв\w*|first|1st|бірінші|биринши|перш\w*|втор\w*|second|2nd|екінші|екинши|друг\w*)"
    r"\s+(?:полугод\w*|жартыжыл\w*|паўгод\w*|half))(?!\w)"
)
_YEAR_RE = re.compile(r"(?<![\d.-])((?:19|20)\d\d)(?![\d])")
_KEY_RES = (
    re.compile(r"(?<!\d)(\d{4}-\d{1,2}\.\.\d{1,2})(?![\d.])"),  # 2025-01..08
    re.compile(r"(?<![\d.-])(\d{4}[-/.]\d{1,2})(?![\d.-])"),  # 2025-08, 2025/8
    re.compile(r"(?<![\d.-])(\d{1,2}[./]\d{4})(?![\d.])"),  # 08.2025
)


@dataclass(frozen=True)
class AskedPeriods:
    keys: tuple[str, ...]  # "2024", "2025-01..09", or "01..09" without a year; in question order
    rest: str  # the question without the words that named month ranges


def _month(word: str) -> int:
    return next(i for i, names in enumerate(_MONTHS, 1) if any(word.startswith(n) for n in names))


def _ordinal(word: str) -> int:
    return next(n for n, pattern in _ORDINALS.items() if re.match(rf"(?:{pattern})", word))


def _roman(text: str) -> int:
    return {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(text, 0) or int(text)


def _month_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end of the match; first month, last month) of every month range named."""
    found: list[tuple[int, int, int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _m, _n in found)

    for m in _RANGE_RE.finditer(text):
        first, last = _month(m.group(1)), _month(m.group(2))
        if first <= last:
            found.append((m.start(), m.end(), first, last))
    for m in _MONTHS_RE.finditer(text):
        number = m.group(1) or m.group(2)
        count = int(number) if number.isdigit() else _NUMBERS.get(number, 0)
        if 1 <= count <= 12 and free(m.start(), m.end()):
            found.append((m.start(), m.end(), 1, count))
    for m in _QUARTER_RE.finditer(text):
        digit = m.group(1) or m.group(2) or m.group(3)
        quarter = _roman(digit) if digit else _ordinal(m.group(4))
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), 3 * quarter - 2, 3 * quarter))
    for m in _HALF_RE.finditer(text):
        digit = m.group(1) or m.group(2)
        half = int(digit) if digit else (1 if _ordinal(m.group(3)) == 1 else 2)
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), 6 * half - 5, 6 * half))
    return sorted(found)


def _single_month(text: str, years: list[str]) -> list[tuple[int, int, int, int]]:
    """ "август 2025": one month, only beside a year (a lone "may" is not a period)."""
    found = []
    for m in _MONTH_RE.finditer(text):
        after = text[m.end() : m.end() + 6]
        before = text[max(0, m.start() - 6) : m.start()]
        if any(year in after or year in before for year in years):
            month = _month(m.group(1))
            found.append((m.start(), m.end(), month, month))
    return found


def find_periods(text: str) -> AskedPeriods:
    """Every period ``text`` names, and the text without its month-range words."""
    lowered = text.casefold().replace("ё", "е")
    for pattern in _KEY_RES:
        keys = []
        for match in pattern.finditer(lowered):
            try:
                keys.append(parse_period(match.group(1)).key)
            except ValueError:
                continue
        if keys:
            return AskedPeriods(tuple(dict.fromkeys(keys)), text)
    years = list(dict.fromkeys(_YEAR_RE.findall(lowered)))
    spans = _month_spans(lowered) or _single_month(lowered, years)
    if not spans:
        return AskedPeriods(tuple(years), text)
    ranges = list(dict.fromkeys((first, last) for _s, _e, first, last in spans))
    keys = []
    for first, last in ranges:
        months = f"{first:02d}..{last:02d}"
        keys += [f"{year}-{months}" if (first, last) != (1, 12) else year for year in years] or [months]
    rest = lowered
    for start, end, _first, _last in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    return AskedPeriods(tuple(dict.fromkeys(keys)), rest)


def find_period(text: str) -> str | None:
    """The key of the first period ``text`` names (``2024``, ``2025-01..08``, ``01..09``), or None."""
    keys = find_periods(text).keys
    return keys[0] if keys else None
