"""Views and Babel formatting, called directly in each locale."""

from __future__ import annotations

import re

import pytest
from aiogram.utils.i18n import I18n

from bot.domain.models import Bound, Flow, Period, PeriodReport, Reporter, Source, TradeFigure
from bot.domain.trade import balance, derived_balances
from bot.testing.telegram_html import html_problems
from bot.views import format as fmt
from bot.views.turnover import render_turnover


@pytest.mark.parametrize(
    ("locale", "pct", "money", "period"),
    [
        ("ru", "+17\xa0%", "1,1\xa0млрд\xa0$", "январь — август 2025\xa0г."),
        ("en", "+17%", "$1.1B", "January – August 2025"),
        ("kk", "+17%", "1,1\xa0млрд\xa0$", "2025 ж. қаңтар – тамыз"),
        ("be", "+17\xa0%", "1,1\xa0млрд\xa0$", "студзень–жнівень 2025"),
    ],
)
def test_babel_formats_in_the_readers_locale(
    i18n: I18n, locale: str, pct: str, money: str, period: str
) -> None:
    assert fmt.percent(17, locale) == pct
    assert fmt.money(1.1e9, locale) == money
    assert spaces(fmt.period(Period(2025, end=8), locale)) == spaces(period)


def spaces(text: str) -> str:
    """CLDR uses thin and narrow no-break spaces; compare them as plain ones."""
    return re.sub(r"[\s\u2009\u202f]", " ", text)


def test_negative_and_fractional_percents() -> None:
    assert fmt.percent(-16, "en") == "-16%"
    assert fmt.percent(18.5, "ru") == "+18,5\xa0%"
    assert fmt.money(783.7e6, "en") == "$783.7M"
    assert fmt.money(29.12e6, "en") == "$29.12M"


def test_dates_at_their_own_precision(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        assert fmt.date("2025-11-04", "en") == "November 4, 2025"
        assert fmt.date("2019-08", "en") == "August 2019"
        assert fmt.date("2024", "en") == "2024"
        assert fmt.date(None, "en") == "date unknown"


def test_balance_arithmetic() -> None:
    assert balance(783.7e6, 112.3e6) == pytest.approx((671.4e6, Reporter.BELARUS))
    assert balance(1.0, 3.0) == (2.0, Reporter.KAZAKHSTAN)
    assert balance(5.0, 5.0) == (0.0, None)


def figure(flow: Flow, value: float | None, bound: Bound = Bound.EXACT) -> TradeFigure:
    return TradeFigure(
        period=Period(2018),
        reporter=Reporter.KAZAKHSTAN,
        flow=flow,
        value_usd=value,
        value_bound=bound,
        growth_pct=None,
        growth_bound=Bound.EXACT,
        favours=None,
        note=None,
        source_ids=("s",),
    )


def test_no_balance_is_derived_from_an_approximate_value() -> None:
    exact = (figure(Flow.EXPORT_BY_TO_KZ, 607e6), figure(Flow.EXPORT_KZ_TO_BY, 105e6))
    assert derived_balances(exact)[0].value_usd == pytest.approx(502e6)
    vague = (figure(Flow.EXPORT_BY_TO_KZ, 607e6, Bound.OVER), figure(Flow.EXPORT_KZ_TO_BY, 105e6))
    assert derived_balances(vague) == ()


def test_data_text_is_escaped_in_the_card(i18n: I18n) -> None:
    source = Source("s", "R&D <Weekly>", 'A "title" <b>', None, "https://x.y/?a=1&b=2", "en")
    report = PeriodReport(Period(2018), (figure(Flow.TURNOVER, 7e8, Bound.OVER),), (source,), (Period(2018),))
    with i18n.context(), i18n.use_locale("en"):
        rendered = render_turnover(report, "en")
    assert html_problems(rendered.text) == []
    assert "R&amp;D &lt;Weekly&gt;" in rendered.text
    assert 'href="https://x.y/?a=1&amp;b=2"' in rendered.text
    assert "over $700M" in rendered.text
