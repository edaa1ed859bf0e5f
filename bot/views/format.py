"""Numbers, money, percents, periods and dates in the reader's locale, through Babel.

Every function returns plain text (not yet HTML-escaped): views escape what they embed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from aiogram.utils.i18n import gettext as _
from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_compact_currency, format_decimal, format_percent, get_plus_sign_symbol

from bot.domain.models import Bound, Period


@lru_cache(maxsize=8)
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def number(value: int | float, locale: str | None = None) -> str:
    """``20000`` → ``20 000`` (ru), ``20,000`` (en); the current i18n locale by default."""
    return format_decimal(value, locale=_babel_locale(locale or _current_locale()))


def _current_locale() -> str:
    from aiogram.utils.i18n import I18n

    i18n = I18n.get_current(no_error=True)
    return i18n.current_locale if i18n else "en"


def percent(value: float, locale: str, *, signed: bool = True) -> str:
    """``17`` → ``+17 %`` (ru), ``+17%`` (en); keeps a decimal only where the data has one."""
    text = format_percent(value / 100, locale=_babel_locale(locale), decimal_quantization=False)
    if signed and value > 0:
        text = get_plus_sign_symbol(_babel_locale(locale)) + text
    return text


def money(usd: float, locale: str) -> str:
    """``1.1e9`` → ``1,1 млрд $`` (ru), ``$1.1B`` (en); small sums in full."""
    digits = 2 if usd < 1e9 and round(usd / 1e6, 1) != round(usd / 1e6, 2) else 1
    return format_compact_currency(usd, "USD", locale=_babel_locale(locale), fraction_digits=digits)


def bounded(text: str, bound: Bound) -> str:
    """Say how the source qualified a number: "over $1.2B", "about +20%"."""
    if bound is Bound.OVER:
        return _("over {value}").format(value=text)
    if bound is Bound.ABOUT:
        return _("about {value}").format(value=text)
    if bound is Bound.UNDER:
        return _("under {value}").format(value=text)
    return text


def period(value: Period, locale: str) -> str:
    """``2024`` → "2024"; ``2025-01..08`` → "январь — август 2025 г." / "January – August 2025"."""
    if value.is_full_year:
        return str(value.year)
    start = dt.date(value.year, value.start, 1)
    end = dt.date(value.year, value.end, 1)
    if value.start == value.end:
        return format_skeleton("yMMMM", start, locale=_babel_locale(locale))
    return format_interval(start, end, "yMMMM", locale=_babel_locale(locale))


def date(text: str | None, locale: str) -> str:
    """A source date at the precision it was given: a day, a month or a year."""
    if not text:
        return _("date unknown")
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=_babel_locale(locale))
    return format_date(dt.date(*parts), "long", locale=_babel_locale(locale))
