"""Free text and inline mode, driven through the production Dispatcher as a reader would."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.types import InlineQueryResultArticle, InputTextMessageContent
from aiogram.utils.i18n import I18n

from bot.callbacks import SearchCb, SectorCb
from bot.config import Settings
from bot.search.index import Indexer
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.limits import CALLBACK_ANSWER_LIMIT, utf16_length
from tests.conftest import LOCALES
from tests.test_commands import tr
from tests.test_search import data_with

NOT_SURE = "🤔 I'm not sure what you mean. Is it one of these?"
NOTHING_FOUND = (
    "🤔 I'm not sure what you mean. I answer questions about trade between Belarus and Kazakhstan: "
    "turnover, exports, the balance, sectors and projects such as Magnum. See /help."
)


@pytest.mark.parametrize("lang", LOCALES)
async def test_a_question_is_answered_exactly_as_its_command(
    make_client: Callable[..., BotClient], lang: str
) -> None:
    client = make_client(lang)
    await client.send("/turnover")  # the first card carries the one-time offer to follow
    asked = (await client.send("товарооборот за 2024")).last
    commanded = (await client.send("/turnover 2024")).last
    assert asked.text == commanded.text
    assert asked.button_texts == commanded.button_texts


async def test_the_asked_flow_comes_first(make_client: Callable[..., BotClient], i18n: I18n) -> None:
    reply = (await make_client("en").send("kazakh exports")).last
    headings = [line for line in reply.text.split("\n") if line.startswith("<b>") and "→" in line]
    assert headings[0] == "<b>Exports Kazakhstan → Belarus</b>"


async def test_a_flow_the_period_lacks_is_said_plainly(make_client: Callable[..., BotClient]) -> None:
    reply = (await make_client("en").send("balance 2024")).last
    assert "The sources give no figure for “Balance” in this period" in reply.text
    assert "<b>2024</b>" in reply.text


async def test_not_sure_offers_at_most_three_items_that_open(
    make_client: Callable[..., BotClient], i18n: I18n
) -> None:
    client = make_client("en")
    reply = (await client.send("Snopkov")).last  # named in three topics
    assert reply.text.startswith(tr(i18n, "en", NOT_SURE))
    assert "/help" in reply.text
    assert 1 <= len(reply.buttons) <= 3
    for button in reply.buttons:
        SearchCb.unpack(button.callback_data or "")  # each opens an item
    replies = await client.click(reply, reply.button_at(0))
    replies.assert_answered()  # every tap is answered
    opened = replies.last
    assert opened.method.__api_method__ == "editMessageText"
    assert "Snopkov" in opened.text
    assert tr(i18n, "en", "Sources") in opened.text


@pytest.mark.parametrize("lang", LOCALES)
async def test_nonsense_is_told_so_in_the_readers_language(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    reply = (await make_client(lang).send("купить слона")).last
    assert reply.text == tr(i18n, lang, NOTHING_FOUND)
    assert "/help" in reply.text
    assert tr(i18n, lang, "📊 Turnover") in reply.button_texts


async def test_free_text_in_a_group_is_left_alone(make_client: Callable[..., BotClient]) -> None:
    replies = await make_client("en").send("Magnum", chat_type="group")
    assert not replies.messages


async def test_a_sticker_gets_a_pointer_to_text(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    now = int(dt.datetime.now(tz=dt.UTC).timestamp())
    sticker = {
        "file_id": "sticker-1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    message = {
        "message_id": 1,
        "date": now,
        "chat": {"id": client.user_id, "type": "private", "first_name": "A"},
        "from": {"id": client.user_id, "is_bot": False, "first_name": "A", "language_code": "en"},
        "sticker": sticker,
    }
    replies = await client._feed({"message": message})
    assert replies.last.text == "🙂 I can only read text: type a question, or see /help."


@pytest.mark.parametrize(
    "data",
    [
        "q1:topic:no-such-topic",
        "q1:figures:garbage/turnover",
        "q1:figures:2024/weather",
        "q1:fact:999999",
        "q1:intent:weather",
    ],
)
async def test_forged_suggestions_show_a_proper_screen(
    make_client: Callable[..., BotClient], data: str
) -> None:
    client = make_client("en")
    shown = (await client.send("Snopkov")).last
    replies = await client.press(data, on=shown)
    replies.assert_answered()
    for reply in replies.messages:
        assert "Something went wrong" not in reply.text


async def test_the_log_keeps_the_decision_not_the_question(
    make_client: Callable[..., BotClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await make_client("en").send("my secret question about Magnum")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "topic:magnum-collaboration" in logged
    assert "secret" not in logged


# --- inline mode ----------------------------------------------------------------------------


def texts(answer: object) -> list[str]:
    results = getattr(answer, "results", [])
    found = []
    for result in results:
        assert isinstance(result, InlineQueryResultArticle)
        assert isinstance(result.input_message_content, InputTextMessageContent)
        found.append(result.input_message_content.message_text)
    return found


@pytest.mark.parametrize("lang", LOCALES)
async def test_an_empty_inline_query_offers_the_headline_figures(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    client = make_client(lang)
    answer = await client.inline("", lang=lang)
    assert answer.is_personal, "answers are in each reader's language"
    assert answer.cache_time is not None and answer.cache_time <= 60, "new data shows at once"
    cards = texts(answer)
    headline = (await client.send("/turnover")).last.text
    assert cards[0] == headline
    assert all(tr(i18n, lang, "Sources") in card for card in cards), "each card with its source"


@pytest.mark.parametrize(
    ("lang", "query", "title"),
    [
        ("kk", "Magnum", "Magnum желісімен бірлескен жоба"),
        ("be", "штучны інтэлект", "Абвешчана пра Міністэрства ШІ і лічбавага развіцця"),
        ("en", "магнум", "Collaboration with the Magnum chain"),
        ("ru", "Қазақстан экспорты", "Экспорт Казахстан → Беларусь"),
    ],
)
async def test_inline_answers_in_the_readers_language(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str, query: str, title: str
) -> None:
    answer = await make_client(lang).inline(query, lang=lang)
    cards = texts(answer)
    assert title in cards[0]
    assert tr(i18n, lang, "Sources") in cards[0]
    first = answer.results[0]
    assert isinstance(first, InlineQueryResultArticle)
    assert first.reply_markup is not None
    url = first.reply_markup.inline_keyboard[0][0].url
    assert url is not None and url.startswith("https://t.me/bk_trade_bot?start=")


async def test_inline_nonsense_finds_nothing(make_client: Callable[..., BotClient]) -> None:
    answer = await make_client("en").inline("asdfgh qwerty")
    assert answer.results == []
    assert answer.button is not None and answer.button.start_parameter


@pytest.mark.parametrize("lang", LOCALES)
async def test_share_buttons_open_the_same_card_inline(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    client = make_client(lang)
    turnover = (await client.send("/turnover 2024")).last
    share = turnover.button(tr(i18n, lang, "📤 Share"))
    assert share.switch_inline_query
    assert texts(await client.inline(share.switch_inline_query, lang=lang))[0] == turnover.text

    listing = (await client.send("/sectors")).last
    card = (await client.click(listing, SectorCb(sector_id="food_retail"))).last
    share = card.button(tr(i18n, lang, "📤 Share"))
    assert share.switch_inline_query
    assert texts(await client.inline(share.switch_inline_query, lang=lang))[0] == card.text


async def test_inline_sees_new_data_at_once(make_client: Callable[..., BotClient], store: Store) -> None:
    client = make_client("en")
    assert texts(await client.inline("zeppelin")) == []
    await store.facts.publish("food_retail", {"en": "Zeppelin sausages reach Astana."}, "en", author_id=None)
    [card] = texts(await client.inline("zeppelin"))
    assert "Zeppelin sausages reach Astana." in card, "the food sector card, which lists the fact"


async def test_a_callback_answer_is_short(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    shown = (await client.send("Snopkov")).last
    replies = await client.click(shown, shown.button_at(0))
    answer = replies.assert_answered()
    assert utf16_length(answer.text or "") <= CALLBACK_ANSWER_LIMIT


ZEPPELIN_TOPIC = """

[[topic]]
id = "zeppelin-hangar"
sector = "industry"
status = "planned"
sources = ["newsby-interview"]

[topic.title]
ru = "Ангар для цеппелинов"
en = "Zeppelin hangar"
kk = "Цеппелин ангары"
be = "Ангар для цэпелінаў"

[topic.text]
ru = "Пример для теста."
en = "An example for the test."
kk = "Тестке арналған мысал."
be = "Прыклад для тэсту."
"""


async def test_data_loaded_by_another_process_is_found_without_a_restart(
    make_client: Callable[..., BotClient], settings: Settings, tmp_path: Path
) -> None:
    client = make_client("en")
    assert (await client.send("zeppelin hangar")).last.text.startswith("🤔")
    # `python -m bot data load` beside the running bot: its own connection to the same file.
    other = await Store.open(settings.database_path, Indexer())
    try:
        assert await other.load_data(data_with(tmp_path, ZEPPELIN_TOPIC))
    finally:
        await other.close()
    card = (await client.send("zeppelin hangar")).last
    assert card.text.startswith("🏭 Industry\n<b>Zeppelin hangar</b>"), card.text
    assert (await client.send("ангар для цэпелінаў")).last.text == card.text
    assert texts(await client.inline("zeppelin hang")) == [card.text]
