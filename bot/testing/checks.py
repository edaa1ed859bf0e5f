"""What the tests check on everything the bot sent, after every test: Telegram would take it."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent

from bot.testing.limits import (
    CALLBACK_ANSWER_LIMIT,
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    INLINE_QUERY_LIMIT,
    INLINE_RESULTS_LIMIT,
    utf16_length,
)
from bot.testing.session import RecordingSession
from bot.testing.telegram_html import html_problems, plain_text


def check_markup(markup: object) -> None:
    """Every button has a label; callback data fits 64 bytes, an inline query 256 characters."""
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                assert button.text.strip(), "a button with no label"
                if button.callback_data is not None:
                    size = len(button.callback_data.encode())
                    assert size <= CALLBACK_DATA_LIMIT, (
                        f"callback_data {button.callback_data!r} is {size} bytes"
                    )
                if button.switch_inline_query is not None:
                    assert utf16_length(button.switch_inline_query) <= INLINE_QUERY_LIMIT, (
                        f"inline queries are limited to {INLINE_QUERY_LIMIT} characters"
                    )


def check_sent(session: RecordingSession) -> None:
    """Every text and caption is valid Telegram HTML within limits, inline results' texts included;
    every callback fits 64 bytes. Raises AssertionError naming the first problem."""
    for method in session.requests:
        if isinstance(method, SendMessage | EditMessageText):
            text = method.text or ""
            problems = html_problems(text)
            assert not problems, f"{method.__api_method__} sent invalid HTML: {problems}\n{text}"
            check_markup(method.reply_markup)
        if isinstance(method, SendPhoto):
            if method.caption is not None:
                problems = html_problems(method.caption)
                assert not problems, f"sendPhoto sent an invalid caption: {problems}\n{method.caption}"
                shown = utf16_length(plain_text(method.caption))
                assert shown <= CAPTION_LIMIT, f"a caption of {shown} characters, over {CAPTION_LIMIT}"
            check_markup(method.reply_markup)
        if isinstance(method, AnswerCallbackQuery) and method.text:
            assert utf16_length(method.text) <= CALLBACK_ANSWER_LIMIT, (
                f"callback answers are limited to {CALLBACK_ANSWER_LIMIT} characters"
            )
        if isinstance(method, AnswerInlineQuery):
            check_inline_answer(method)


def check_inline_answer(method: AnswerInlineQuery) -> None:
    """At most 50 results with distinct ids, each a titled article sent as valid HTML."""
    assert len(method.results) <= INLINE_RESULTS_LIMIT, f"at most {INLINE_RESULTS_LIMIT} inline results"
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
        assert not problems, f"inline result {result.id} has invalid HTML: {problems}\n{content.message_text}"
        check_markup(result.reply_markup)
