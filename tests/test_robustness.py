"""Bad input gets a clear, localized answer and changes nothing."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import SendMessage

from bot.callbacks import SectorCb, SourcesCb, TurnoverCb
from bot.logs import RedactSecrets
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.session import RecordingSession


async def table_counts(store: Store) -> dict[str, int]:
    counts = {}
    for table in ("users", "sources", "sectors", "trade_figures", "topics"):
        async with store.db.conn.execute(f"SELECT count(*) FROM {table}") as cursor:
            row = await cursor.fetchone()
        counts[table] = row[0] if row else -1
    return counts


@pytest.mark.parametrize(
    "data",
    [
        # Well-formed, naming what does not exist:
        SectorCb(sector_id="no_such_sector").pack(),
        TurnoverCb(period="1850").pack(),
        TurnoverCb(period="not-a-period").pack(),
        SourcesCb(page=-5).pack(),
        SourcesCb(page=99999).pack(),
        # Forgeries no CallbackData class would pack:
        "r1:abc",
        "l1:xx",
        "m1:nope",
        "zz:anything",
        "",
        "t1",
        "s1:food_retail:extra",
        "💣" * 16,
    ],
)
async def test_forged_callback_data_is_answered_and_changes_nothing(
    make_client: Callable[..., BotClient], store: Store, data: str
) -> None:
    client = make_client("en")
    shown = (await client.send("/turnover")).last
    before = await table_counts(store)
    replies = await client.press(data, on=shown)
    replies.assert_answered()  # Telegram shows a spinner until the query is answered
    assert before == await table_counts(store)
    for reply in replies.messages:  # whatever is shown is a proper screen, not an error
        assert "Something went wrong" not in reply.text


async def test_an_outdated_button_gets_a_localized_alert(make_client: Callable[..., BotClient]) -> None:
    replies = await make_client("en").press("x9:retired")  # a prefix retired long ago
    answer = replies.assert_answered()
    assert answer.show_alert
    assert answer.text == "This button is out of date. Please open the menu again with /start."
    assert not replies.messages


async def test_a_forged_sector_shows_the_sector_list(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    shown = (await client.send("/sectors")).last
    reply = (await client.press(SectorCb(sector_id="<script>"), on=shown)).last
    assert "There is no sector “&lt;script&gt;”." in reply.text


async def test_a_4096_character_message(make_client: Callable[..., BotClient]) -> None:
    reply = (await make_client("en").send("я" * 4096)).last
    assert "/help" in reply.text
    assert len(reply.text) < 200


async def test_a_4096_character_command_argument(make_client: Callable[..., BotClient]) -> None:
    reply = (await make_client("en").send("/turnover " + "<&>" * 1362)).last
    assert "is not a period I understand" in reply.text
    assert "&lt;&amp;&gt;" in reply.text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/nonsense", "/nonsense"),
        ("/QWERTYX ZZZ", "/qwertyx"),  # in lowercase, as commands are; the argument is left out
        ("/start@other_bot", "/start@other_bot"),  # another bot's command, in a private chat
        ("/" + "x" * 300, "/" + "x" * 63),  # cut to 64 characters
    ],
)
async def test_unknown_commands(make_client: Callable[..., BotClient], text: str, shown: str) -> None:
    reply = (await make_client("en").send(text)).last
    assert reply.text == f"Unknown command {shown}. See /help."


async def test_an_unknown_command_the_search_understands_is_answered(
    make_client: Callable[..., BotClient],
) -> None:
    reply = (await make_client("en").send("/TURNOVERX 2024")).last  # read as "turnoverx 2024"
    assert reply.text.split("\n")[:2] == ["<b>📊 Belarus–Kazakhstan trade</b>", "<b>2024</b>"]


async def test_markup_in_a_users_name_is_escaped(make_client: Callable[..., BotClient]) -> None:
    reply = (await make_client("en", first_name="<b>Bold</b> & co").send("/start")).last
    assert "<b>&lt;b&gt;Bold&lt;/b&gt; &amp; co</b>" in reply.text


@pytest.mark.parametrize("payload", ["sector_food_retail", "sector_it", "turnover_2024", "sources"])
async def test_deep_links_open_the_item(make_client: Callable[..., BotClient], payload: str) -> None:
    reply = (await make_client("en").send(f"/start {payload}")).last
    expected = {
        "sector_food_retail": "Magnum",
        "sector_it": "Ministry of",
        "turnover_2024": "$1.1B",
        "sources": "📚 Sources",
    }[payload]
    assert expected in reply.text


async def test_an_unknown_deep_link_greets(make_client: Callable[..., BotClient]) -> None:
    reply = (await make_client("en").send("/start sector_nope")).last
    assert "There is no sector" in reply.text
    assert "Hello" in (await make_client("en").send("/start whatever")).last.text


async def test_tapping_the_current_period_again_is_harmless(
    make_client: Callable[..., BotClient], session: RecordingSession
) -> None:
    client = make_client("en")
    shown = (await client.send("/turnover 2024")).last
    session.fail_next(
        TelegramBadRequest(
            method=SendMessage(chat_id=1, text="x"), message="Bad Request: message is not modified"
        ),
        api_method="editMessageText",
    )
    replies = await client.click(shown, "• 2024 •")
    replies.assert_answered()
    assert not any("Something went wrong" in (getattr(r.method, "text", "") or "") for r in replies)


async def test_a_failing_handler_gets_a_polite_localized_message(
    make_client: Callable[..., BotClient], session: RecordingSession, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client("en")
    session.fail_next(
        TelegramBadRequest(method=SendMessage(chat_id=1, text="x"), message="Bad Request: boom"),
        api_method="sendMessage",
    )
    replies = await client.send("/help")
    assert replies.last.text == "⚠️ Something went wrong on our side. Please try again in a minute."
    assert "update" in caplog.text and "TelegramBadRequest" in caplog.text


async def test_in_groups_only_its_own_commands_get_answers(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    replies = await client.send("hello everyone", chat_type="group")
    assert not replies.messages
    assert not (await client.send("/other_bots_command", chat_type="group")).messages
    assert "Trade turnover" in (await client.send("/turnover", chat_type="group")).last.text


async def test_a_user_who_blocked_the_bot_is_not_an_error(
    make_client: Callable[..., BotClient], session: RecordingSession, caplog: pytest.LogCaptureFixture
) -> None:
    session.fail_next(
        TelegramForbiddenError(
            method=SendMessage(chat_id=1, text="x"), message="Forbidden: bot was blocked by the user"
        ),
        api_method="sendMessage",
    )
    caplog.set_level(logging.INFO)
    await make_client("en").send("/help")
    assert "ERROR" not in [record.levelname for record in caplog.records]
    assert "blocked the bot" in caplog.text


def test_the_token_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    token = "123456:VERY-secret"
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RedactSecrets(token))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"GET https://api.telegram.org/bot{token}/getUpdates failed")
        except RuntimeError:
            logger.exception("request to %s failed", f"/bot{token}/getMe")
    finally:
        logger.removeHandler(handler)
    written = handler.stream.getvalue()
    assert "VERY-secret" not in written
    assert "/bot***/getMe" in written
    assert "/bot***/getUpdates" in written
