"""The production Dispatcher over a recording session, a fresh SQLite file per test, and a
check after every test that everything the bot sent was valid for Telegram."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from aiogram.utils.i18n import I18n
from pydantic import SecretStr

from bot.app import create_bot, create_dispatcher, create_i18n, open_store
from bot.config import Settings
from bot.offline import BotClient, RecordingSession
from bot.search.engine import SearchEngine
from bot.store import Store
from tests.telegram_html import html_problems, utf16_length

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
LOCALES = ("ru", "en", "kk", "be")
ADMIN_ID = 777
CAPTION_LIMIT = 1024


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr("123456:TEST-token"),
        database_path=tmp_path / "bot.sqlite3",
        data_dir=DATA,
        admin_ids=frozenset({ADMIN_ID}),
        default_locale="ru",
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await open_store(settings)
    yield opened
    await opened.close()


@pytest.fixture
def engine(store: Store) -> SearchEngine:
    return SearchEngine(store.search)


@pytest.fixture
def i18n(settings: Settings) -> I18n:
    return create_i18n(settings.default_locale)


@pytest.fixture
def dispatcher(settings: Settings, store: Store, i18n: I18n, engine: SearchEngine) -> Dispatcher:
    return create_dispatcher(settings, store, i18n, engine=engine)


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(settings: Settings, session: RecordingSession) -> Iterator[Bot]:
    yield create_bot(settings, session=session)
    check_sent(session)


@pytest.fixture
def make_client(dispatcher: Dispatcher, bot: Bot) -> Callable[..., BotClient]:
    counter = iter(range(5001, 6000))

    def make(lang: str | None = "ru", user_id: int | None = None, first_name: str = "Aigerim") -> BotClient:
        return BotClient(
            dispatcher,
            bot,
            user_id=user_id if user_id is not None else next(counter),
            first_name=first_name,
            language_code=lang,
        )

    return make


def check_markup(markup: object) -> None:
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                assert button.text.strip(), "a button with no label"
                if button.callback_data is not None:
                    size = len(button.callback_data.encode())
                    assert size <= 64, f"callback_data {button.callback_data!r} is {size} bytes"
                if button.switch_inline_query is not None:
                    assert len(button.switch_inline_query) <= 256, (
                        "inline queries are limited to 256 characters"
                    )


def check_sent(session: RecordingSession) -> None:
    """Every text and caption is valid Telegram HTML within limits, inline results' texts included;
    every callback fits 64 bytes."""
    for method in session.requests:
        if isinstance(method, SendMessage | EditMessageText):
            problems = html_problems(method.text)
            assert not problems, f"{method.__api_method__} sent invalid HTML: {problems}\n{method.text}"
            check_markup(method.reply_markup)
        if isinstance(method, SendPhoto):
            if method.caption is not None:
                problems = html_problems(method.caption)
                assert not problems, f"sendPhoto sent an invalid caption: {problems}\n{method.caption}"
                shown = utf16_length(unescape(re.sub(r"<[^>]*>", "", method.caption)))
                assert shown <= CAPTION_LIMIT, f"a caption of {shown} characters, over {CAPTION_LIMIT}"
            check_markup(method.reply_markup)
        if isinstance(method, AnswerCallbackQuery) and method.text:
            assert len(method.text) <= 200, "callback answers are limited to 200 characters"
        if isinstance(method, AnswerInlineQuery):
            assert len(method.results) <= 50, "at most 50 inline results"
            ids = [result.id for result in method.results]
            assert len(set(ids)) == len(ids), f"inline result ids repeat: {ids}"
            for result in method.results:
                assert isinstance(result, InlineQueryResultArticle), type(result)
                assert 1 <= len(result.id.encode()) <= 64, f"inline result id {result.id!r}"
                assert result.title.strip(), "an inline result with no title"
                content = result.input_message_content
                assert isinstance(content, InputTextMessageContent), type(content)
                assert content.parse_mode == "HTML", "inline cards are sent as HTML"
                problems = html_problems(content.message_text)
                assert not problems, (
                    f"inline result {result.id} has invalid HTML: {problems}\n{content.message_text}"
                )
                check_markup(result.reply_markup)
