"""Every command in every language, driven through the production Dispatcher."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import I18n

from bot.callbacks import SectorCb, SourcesCb, TurnoverCb
from bot.testing.client import BotClient
from tests.conftest import LOCALES
from tests.test_views import spaces


def turns_sources_page(button: InlineKeyboardButton) -> bool:
    try:
        SourcesCb.unpack(button.callback_data or "")
    except (TypeError, ValueError):
        return False
    return True


def tr(i18n: I18n, locale: str, msgid: str) -> str:
    """The catalog's translation, which the reply must carry."""
    translated = i18n.gettext(msgid, locale=locale)
    assert translated, msgid
    return translated


@pytest.mark.parametrize("lang", LOCALES)
async def test_start_greets_by_name_with_the_main_menu(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    client = make_client(lang, first_name="Айгерім")
    reply = (await client.send("/start")).last
    assert tr(i18n, lang, "👋 Hello, {name}!").format(name="<b>Айгерім</b>") in reply.text
    assert tr(i18n, lang, "Choose below or type /help.") in reply.text
    assert reply.button_texts == [
        tr(i18n, lang, "📊 Turnover"),
        tr(i18n, lang, "🏭 Sectors"),
        tr(i18n, lang, "📚 Sources"),
        tr(i18n, lang, "🔔 Subscriptions"),
        tr(i18n, lang, "🌐 Language"),
        tr(i18n, lang, "❓ Help"),
    ]


@pytest.mark.parametrize("lang", LOCALES)
async def test_help_lists_every_command_in_the_readers_language(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    reply = (await make_client(lang).send("/help")).last
    for command, description in [
        ("turnover", "Trade turnover, exports and the balance"),
        ("sectors", "Industry, agriculture, food retail, IT"),
        ("sources", "Where the figures come from"),
        ("language", "Change the language"),
        ("help", "What the bot can do"),
        ("start", "Main menu"),
    ]:
        assert f"/{command} — {tr(i18n, lang, description)}" in reply.text


async def test_the_four_languages_really_differ(make_client: Callable[..., BotClient]) -> None:
    texts = {lang: (await make_client(lang).send("/help")).last.text for lang in LOCALES}
    assert len(set(texts.values())) == 4, "each language must have its own catalog, not a copy"
    assert "Trade turnover" in texts["en"]
    assert "Trade turnover" not in texts["ru"]


@pytest.mark.parametrize("lang", LOCALES)
async def test_turnover_shows_growth_both_statistics_and_source(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    reply = (await make_client(lang).send("/turnover")).last
    text = reply.text
    # By default the most detailed period of the latest year: January–August 2025, marked.
    assert reply.button_with_data(TurnoverCb(period="2025-01..08")).text.startswith("• ")
    assert tr(i18n, lang, "📊 Belarus–Kazakhstan trade") in text
    assert tr(i18n, lang, "Sources") in text
    assert "news.by" in text
    assert any(label in reply.button_texts for label in ("2024", "• 2024 •"))


@pytest.mark.parametrize(
    ("lang", "growth", "period"),
    [
        ("ru", "+17\xa0%", "январь — август 2025"),
        ("en", "+17%", "January – August 2025"),
        ("kk", "+17%", "2025 ж. қаңтар – тамыз"),
        ("be", "+17\xa0%", "студзень–жнівень 2025"),
    ],
)
async def test_january_august_2025_in_each_locale(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str, growth: str, period: str
) -> None:
    reply = (await make_client(lang).send("/turnover 2025-08")).last
    text = reply.text
    assert spaces(period) in spaces(text)
    assert growth in text  # Babel's percent format for the locale
    assert "+20" in text and "+15" in text and "+26" in text
    # The ambassador's figures: he never says whose statistics, so none is claimed.
    assert tr(i18n, lang, "🗣 As stated in the source") in text
    assert tr(i18n, lang, "🇧🇾 Belarusian statistics") not in text
    assert tr(i18n, lang, "🇰🇿 Kazakh statistics") in text
    assert tr(i18n, lang, "Exports Belarus → Kazakhstan") in text
    assert tr(i18n, lang, "Exports Kazakhstan → Belarus") in text
    assert tr(i18n, lang, "in Belarus's favour") in text


@pytest.mark.parametrize("lang", LOCALES)
async def test_sectors_list_and_card(make_client: Callable[..., BotClient], i18n: I18n, lang: str) -> None:
    client = make_client(lang)
    listing = (await client.send("/sectors")).last
    data = [button.callback_data for button in listing.buttons]
    for sector_id in ("food_retail", "industry", "agriculture", "it"):
        assert SectorCb(sector_id=sector_id).pack() in data
    replies = await client.click(listing, SectorCb(sector_id="food_retail"))
    replies.assert_answered()  # every tap is answered
    card = replies.last
    assert card.method.__api_method__ == "editMessageText"
    assert "Magnum" in card.text
    assert tr(i18n, lang, "📣 announced") in card.text  # the Magnum project's start was announced
    assert tr(i18n, lang, "Sources") in card.text
    back = await client.click(card, tr(i18n, lang, "◀️ All sectors"))
    assert [b.callback_data for b in back.last.buttons] == data


@pytest.mark.parametrize("lang", LOCALES)
async def test_sources_lists_outlets_dates_and_links(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    client = make_client(lang)
    first = (await client.send("/sources")).last
    assert tr(i18n, lang, "📚 Sources") in first.text
    pages = [first.text]
    reply = first
    while forward := [b for b in reply.buttons if "▶" in b.text and turns_sources_page(b)]:
        reply = (await client.click(reply, forward[0])).last
        pages.append(reply.text)
    everything = "\n".join(pages)
    assert '<a href="https://' in everything
    assert tr(i18n, lang, "date unknown") in everything
    assert "news.by" in everything and "Zakon.kz" in everything


@pytest.mark.parametrize("lang", LOCALES)
async def test_free_text_is_answered_in_the_readers_language(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    """A question in Russian, whatever the reader's language: the food sector's card, in theirs."""
    client = make_client(lang)
    reply = (await client.send("что там с продовольствием?")).last
    card = (await client.send("/sectors")).last
    opened = (await client.click(card, SectorCb(sector_id="food_retail"))).last
    assert reply.text == opened.text
    assert tr(i18n, lang, "◀️ All sectors") in reply.button_texts
