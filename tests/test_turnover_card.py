"""/turnover answers "how is trade going?" in its first three lines; who stated each figure
and our inferences are one tap away, as numbered footnotes of the detailed card."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.utils.i18n import I18n

from bot.callbacks import TurnoverCb, TurnoverDetailsCb
from bot.testing.client import BotClient
from tests.conftest import LOCALES
from tests.test_commands import tr
from tests.test_questions import plain

INTERVIEW = "https://news.by/news/ekonomika/rost-tovarooborota-na-17-za-8-mesyatsev-posol-rasskazal-o-kooperatsii-belarusi-i-kazakhstana"
PHONE_LINES = 27  # about one phone screen of short lines


async def test_the_first_three_lines_say_how_trade_is_going(make_client: Callable[..., BotClient]) -> None:
    text = (await make_client("en").send("/turnover")).last.text
    direction, level, balance = [plain(line) for line in text.split("\n")[2:5]]
    assert direction.startswith("📈 Turnover is growing:")
    assert "+17% (🗣 as stated) [1]" in direction and "+20% (🇰🇿 Kazakh data) [2]" in direction
    assert level == "💵 Latest known level, 2024: $1.1B (🗣 as stated) [3]"
    assert balance == "⚖️ Balance: in Belarus’s favour (🗣 as stated) [1]"
    assert f'<a href="{INTERVIEW}">[1]</a>' in text  # [n] opens the article where its URL is known
    assert "[3] EIN News" in plain(text)  # the level's source is listed with the others


async def test_a_falling_year_and_a_year_of_values_only(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    fell = plain((await client.send("/turnover 2023")).last.text).split("\n")
    assert fell[2].startswith("📉 Turnover is falling: -16%")
    mirror = plain((await client.send("/turnover 2018")).last.text).split("\n")
    assert mirror[2].startswith(
        "📊 Turnover: $896M (🇧🇾 Belarusian data) [1], over $700M (🇰🇿 Kazakh data) [2]"
    )
    assert "$671.4M in Belarus’s favour (🇧🇾 Belarusian data, calculated) [1]" in mirror[4]


@pytest.mark.parametrize("period", ["2025-01..08", "2025-01..09", "2024", "2023", "2022", "2021", "2018"])
async def test_every_summary_card_fits_a_phone_screen(
    make_client: Callable[..., BotClient], period: str
) -> None:
    client = make_client("ru")
    first = (await client.send("/turnover")).last
    card = (await client.press(TurnoverCb(period=period).pack(), on=first)).last
    assert len(card.text.split("\n")) <= PHONE_LINES, card.text


@pytest.mark.parametrize(
    ("lang", "inferred"),
    [
        ("ru", "2025 год — наш вывод по дате интервью"),
        ("en", "2025 is our inference from the interview’s date"),
        ("kk", "2025 жыл — сұхбат уақытына қарап жасалған біздің тұжырымымыз"),
        ("be", "2025 год — наша выснова па даце інтэрв’ю"),
    ],
)
async def test_details_carry_the_inferred_year_as_footnotes_and_back_returns(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str, inferred: str
) -> None:
    client = make_client(lang)
    summary = (await client.send("/turnover")).last
    assert inferred not in summary.text  # the attributions are not repeated under every row
    opened = await client.click(summary, TurnoverDetailsCb(period="2025-01..08"))
    opened.assert_answered()
    details = opened.last
    notes = details.text.split(f"<b>{tr(i18n, lang, 'Notes')}</b>", 1)[1]
    assert inferred in notes
    first_row = details.text.split("\n\n")[1].split("\n")[1]
    assert first_row.endswith("¹")  # the first row points to its footnote
    back = await client.click(details, tr(i18n, lang, "◀️ Back to the summary"))
    assert back.last.text == summary.text


async def test_a_forged_details_period_answers_like_the_command(
    make_client: Callable[..., BotClient],
) -> None:
    client = make_client("en")
    shown = (await client.send("/turnover")).last
    for forged in ("1850", "x<b>", ""):
        reply = await client.press(TurnoverDetailsCb(period=forged).pack(), on=shown)
        reply.assert_answered()
        assert "Notes" not in reply.last.text


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_summary_is_in_every_language(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    text = (await make_client(lang).send("/turnover")).last.text
    assert tr(i18n, lang, "🔎 Details and notes") in [
        b for b in (await make_client(lang).send("/turnover")).last.button_texts
    ]
    assert tr(i18n, lang, "📈 Turnover is growing: {rates}").split("{rates}")[0] in text
    assert tr(i18n, lang, "As of {date}").replace("{date}", "").strip() in text
