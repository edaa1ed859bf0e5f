"""/turnover: periods, the period buttons, and periods that don't exist."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.callbacks import TurnoverCb
from bot.domain.models import Period
from bot.domain.trade import parse_period, resolve_period
from bot.testing.client import BotClient
from tests.test_views import spaces


async def test_default_is_the_most_informative_period_of_the_latest_year(
    make_client: Callable[..., BotClient],
) -> None:
    """January–August 2025 (growth, both exports, the balance) rather than January–September,
    for which the sources give only "about +20%"."""
    reply = (await make_client("en").send("/turnover")).last
    assert spaces("January – August 2025") in spaces(reply.text)
    assert spaces("• Jan – Aug 2025 •") in [spaces(label) for label in reply.button_texts]
    assert spaces("Jan – Sep 2025") in [spaces(label) for label in reply.button_texts]


async def test_the_newer_but_thinner_period_is_one_tap_away(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    shown = (await client.send("/turnover")).last
    text = (await client.click(shown, TurnoverCb(period="2025-01..09"))).last.text
    assert spaces("January – September 2025") in spaces(text)
    assert "about +20% year on year" in text


async def test_period_buttons_switch_in_place(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    first = (await client.send("/turnover")).last
    switched = await client.click(first, "2024")
    switched.assert_answered()
    edit = switched.last
    assert edit.method.__api_method__ == "editMessageText"
    assert edit.result.message_id == first.result.message_id
    assert "<b>2024</b>" in edit.text
    assert "$1.1B" in edit.text
    assert "• 2024 •" in edit.button_texts


async def test_2018_shows_both_mirror_statistics_and_a_computed_balance(
    make_client: Callable[..., BotClient],
) -> None:
    text = (await make_client("en").send("/turnover 2018")).last.text
    assert "$896M" in text  # Belarusian statistics
    assert "over $700M" in text  # Kazakh statistics, "just over"
    assert "$783.7M" in text and "$112.3M" in text
    assert "$671.4M in Belarus’s favour" in text  # 783.7 − 112.3
    assert "calculated from the two export figures" in text
    assert "mirror statistics" in text


async def test_russian_money_format(make_client: Callable[..., BotClient]) -> None:
    text = (await make_client("ru").send("/turnover 2024")).last.text
    assert "1,1\xa0млрд\xa0$" in text


async def test_a_bare_year_means_its_most_complete_period(make_client: Callable[..., BotClient]) -> None:
    text = (await make_client("en").send("/turnover 2025")).last.text
    assert spaces("January – August 2025") in spaces(text)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("1850", "1850"),
        ("2030", "2030"),
        ("2025-02", "January – February 2025"),
        ("1999-01..03", "January – March 1999"),
    ],
)
async def test_a_period_without_data_lists_the_ones_with_data(
    make_client: Callable[..., BotClient], query: str, shown: str
) -> None:
    reply = (await make_client("en").send(f"/turnover {query}")).last
    assert spaces(f"I have no trade figures for <b>{shown}</b>.") in spaces(reply.text)
    assert "Periods with data:" in reply.text and "2024" in reply.text and "2018" in reply.text
    assert reply.button_with_data(TurnoverCb(period="2024")).text == "2024"


@pytest.mark.parametrize("query", ["abc", "2025-13", "<b>2024</b>", "20 24", "🙂" * 100])
async def test_not_a_period_gets_a_clear_answer(make_client: Callable[..., BotClient], query: str) -> None:
    reply = (await make_client("en").send(f"/turnover {query}")).last
    assert "is not a period I understand" in reply.text
    assert "<b>2024</b>\u201d" not in reply.text  # the reader's text is escaped, never markup
    assert "Periods with data:" in reply.text


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2024", Period(2024)),
        ("2025-08", Period(2025, end=8)),
        ("08.2025", Period(2025, end=8)),
        ("8/2025", Period(2025, end=8)),
        ("2025-01..09", Period(2025, end=9)),
    ],
)
def test_parse_period(text: str, period: Period) -> None:
    assert parse_period(text) == period


def test_resolve_period_prefers_the_exact_period_then_the_richest_of_the_year() -> None:
    periods = {Period(2025, end=9): 1, Period(2025, end=8): 4, Period(2024): 1}
    assert resolve_period(Period(2025, end=8), periods) == Period(2025, end=8)
    assert resolve_period(Period(2025), periods) == Period(2025, end=8)
    assert resolve_period(Period(2025), {Period(2025, end=9): 2, Period(2025, end=8): 2}) == Period(
        2025, end=9
    )
    assert resolve_period(Period(2025, end=7), periods) is None
    assert resolve_period(Period(1850), periods) is None
