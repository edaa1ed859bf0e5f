"""The Bot API stand-in, checked with aiogram's own Bot and AiohttpSession."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.testing.standin import ApiCall, BotApiStandin, FaultPlan, plain_text

TOKEN = "42:standin-unit-token"


class LocalSession(AiohttpSession):
    """aiogram's AiohttpSession, for plain HTTP to 127.0.0.1. Its ``close`` then sleeps 250 ms
    for TLS connections to wind down; there are none here, and two dozen tests close one."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as standin:
        yield standin


@pytest.fixture
async def bot(api: BotApiStandin) -> AsyncIterator[Bot]:
    session = LocalSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        yield bot
    finally:
        await bot.session.close()


def markup(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=f"button {d}", callback_data=d) for d in data]]
    )


def same(left: InlineKeyboardMarkup, right: InlineKeyboardMarkup) -> bool:
    return left.model_dump(exclude_none=True) == right.model_dump(exclude_none=True)


async def test_listens_on_loopback_with_a_free_port(api: BotApiStandin) -> None:
    assert api.base_url.startswith("http://127.0.0.1:")
    assert api.port > 0


async def test_get_me(api: BotApiStandin, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "bk_trade_bot"
    assert me.id == 42  # the token's numeric part, as on Telegram
    assert api.token_seen == TOKEN
    assert [call.method for call in api.calls] == ["getMe"]


async def test_send_message_round_trip_is_recorded(api: BotApiStandin, bot: Bot) -> None:
    first = await bot.send_message(7, "<b>Hello</b> &amp; welcome", reply_markup=markup("a:1", "a:2"))
    second = await bot.send_message(7, "again")
    other_chat = await bot.send_message(8, "elsewhere")

    assert first.message_id == 1
    assert second.message_id == 2
    assert other_chat.message_id == 1
    assert first.chat.id == 7
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert first.text == "Hello & welcome"
    assert first.reply_markup is not None
    assert same(first.reply_markup, markup("a:1", "a:2"))

    call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 7)
    assert isinstance(call, ApiCall)
    assert call.params["text"] == "<b>Hello</b> &amp; welcome"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "a:2"
    assert call.result["message_id"] == 1
    assert call.ok
    # consumed: the next wait returns the next one
    assert (await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 7)).params["text"] == "again"
    assert (await api.wait_for("sendMessage")).params["chat_id"] == 8
    with pytest.raises(TimeoutError):
        await api.wait_for("sendMessage", timeout=0.2)


async def test_wait_for_waits_for_a_later_call(api: BotApiStandin, bot: Bot) -> None:
    waiter = asyncio.create_task(api.wait_for("sendChatAction", timeout=5))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    assert await bot.send_chat_action(5, "typing") is True
    call = await waiter
    assert call.params == {"chat_id": 5, "action": "typing"}


async def test_edit_message_text_and_markup(api: BotApiStandin, bot: Bot) -> None:
    sent = await bot.send_message(9, "one", reply_markup=markup("x"))
    edited = await bot.edit_message_text("<i>two</i>", chat_id=9, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.message_id == sent.message_id
    assert edited.text == "two"
    assert edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("<i>two</i>", chat_id=9, message_id=sent.message_id)
    updated = await bot.edit_message_reply_markup(
        chat_id=9, message_id=sent.message_id, reply_markup=markup("y")
    )
    assert not isinstance(updated, bool)
    assert updated.reply_markup is not None
    assert same(updated.reply_markup, markup("y"))
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("three", chat_id=9, message_id=99)


async def test_get_updates_returns_pushed_updates(api: BotApiStandin, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == []
    api.push_message("/start", user_id=1001, language_code="kk")
    api.push_message("hello", user_id=1001)

    updates = await bot.get_updates(offset=0, timeout=5)
    assert [u.update_id for u in updates] == [1, 2]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start"
    assert message.chat.id == 1001
    assert message.from_user is not None
    assert message.from_user.language_code == "kk"

    # the offset confirms earlier updates; the long poll wakes up when one is pushed
    poll = asyncio.create_task(bot.get_updates(offset=3, timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    sent = await bot.send_message(1001, "pick one", reply_markup=markup("choice:1"))
    api.push_callback(sent.model_dump(mode="json", exclude_none=True), "choice:1")
    later = await poll
    assert [u.update_id for u in later] == [3]
    callback = later[0].callback_query
    assert callback is not None
    assert callback.data == "choice:1"
    assert callback.from_user.language_code == "kk"  # remembered from the user's messages
    assert callback.message is not None
    assert callback.message.message_id == sent.message_id
    assert await bot.answer_callback_query(callback.id, text="ok") is True
    assert api.pending_updates == [api.pending_updates[0]]  # update 3 is confirmed by the next poll only

    assert await bot.get_updates(offset=4, timeout=0) == []
    assert api.pending_updates == []


async def test_long_poll_is_capped(api: BotApiStandin, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=30) == []
    assert loop.time() - started < 3
    call = await api.wait_for("getUpdates")
    assert call.params["timeout"] == 30


async def test_commands_descriptions_and_fallback(api: BotApiStandin, bot: Bot) -> None:
    commands = [BotCommand(command="help", description="What the bot can do")]
    assert await bot.set_my_commands(commands, language_code="en") is True
    assert await bot.set_my_commands(commands) is True
    assert await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=5)) is True
    assert await bot.set_my_description("A bot", language_code="be") is True
    assert await bot.set_my_short_description("Short") is True
    assert await bot.delete_my_commands(language_code="en") is True
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert await bot.set_chat_menu_button() is True
    assert await bot.leave_chat(-100) is True  # no handler of its own: the fallback

    calls = api.calls_of("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == ["en", None, None]
    assert calls[0].params["commands"] == [{"command": "help", "description": "What the bot can do"}]
    assert calls[2].params["scope"] == {"type": "chat", "chat_id": 5}
    assert (await bot.get_my_commands())[0].command == "help"
    assert (await bot.get_my_description(language_code="be")).description == "A bot"
    assert api.calls_of("leaveChat")[0].params == {"chat_id": -100}
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_refuses_what_telegram_refuses(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "<b>unclosed")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "1 < 2")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "<div>x</div>")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="text is empty"):
        await bot.send_message(1, "<b> </b>")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=markup("d" * 65))
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("no-such-query")
    assert (await bot.send_message(1, "x" * 4096)).text == "x" * 4096
    assert (await bot.send_message(1, "a &lt; b, <a href='https://x.org'>link</a>")).text == "a < b, link"


async def test_fail_next_retry_after(api: BotApiStandin, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1, "hi")
    assert caught.value.retry_after == 3
    assert (await bot.send_message(1, "hi")).text == "hi"  # only the next call fails
    statuses = [call.status for call in api.calls_of("sendMessage")]
    assert statuses == [429, 200]


async def test_fail_next_server_error(api: BotApiStandin, bot: Bot) -> None:
    api.fail_next("sendMessage", 500, "Internal Server Error")
    with pytest.raises(TelegramServerError):
        await bot.send_message(1, "hi")


async def test_fail_next_forbidden_and_queueing(api: BotApiStandin, bot: Bot) -> None:
    api.fail_next("sendmessage", 403, "Forbidden: bot was blocked by the user")
    api.fail_next("sendMessage", 403, "Forbidden: user is deactivated")
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(1, "hi")
    with pytest.raises(TelegramForbiddenError, match="deactivated"):
        await bot.send_message(1, "hi")
    assert await bot.get_me()  # other methods are unaffected
    call = await api.wait_for("sendMessage")
    assert not call.ok
    assert call.description == "Forbidden: bot was blocked by the user"


async def test_unknown_token_is_unauthorized_when_a_token_is_expected() -> None:
    from aiogram.exceptions import TelegramUnauthorizedError

    async with BotApiStandin(token="1:right") as api:
        bot = Bot("1:wrong", session=LocalSession(api=TelegramAPIServer.from_base(api.base_url)))
        try:
            with pytest.raises(TelegramUnauthorizedError):
                await bot.get_me()
        finally:
            await bot.session.close()


def session_for(api: BotApiStandin) -> Bot:
    return Bot(TOKEN, session=LocalSession(api=TelegramAPIServer.from_base(api.base_url)))


# -- rate limits, faults, counters -----------------------------------------------------------


async def test_send_limit_answers_429_past_a_sliding_window() -> None:
    clock = [100.0]
    async with BotApiStandin(send_limit=5, clock=lambda: clock[0]) as api:
        bot = session_for(api)
        try:
            for chat in range(1, 6):
                await bot.send_message(chat, "hi")
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(6, "hi")
            assert caught.value.retry_after == 1
            assert await bot.get_me()  # other methods are not limited
            clock[0] += 1.05  # the window slides on
            assert (await bot.send_message(6, "hi")).chat.id == 6
        finally:
            await bot.session.close()
        refused = [call for call in api.calls_of("sendMessage") if call.status == 429]
        assert len(refused) == 1
        assert refused[0].response == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        assert api.counters.too_many_requests == 1
        assert api.counters.sent == 6
        assert api.counters.requests == 7


async def test_per_chat_limit_counts_delivered_messages_only() -> None:
    plan = FaultPlan(server_errors={2: 1})
    async with BotApiStandin(per_chat_limit=1, retry_after=3, faults=plan) as api:
        bot = session_for(api)
        try:
            await bot.send_message(1, "one")
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(1, "two")
            assert caught.value.retry_after == 3  # a fixed retry_after when given
            await bot.send_message(3, "another chat is fine")
            with pytest.raises(TelegramServerError):
                await bot.send_message(2, "fails")
            await bot.send_message(2, "a failed request is no message: no wait")
        finally:
            await bot.session.close()
        assert api.counters.per_chat_limited == 1
        assert api.counters.too_many_requests == 1
        assert api.counters.delivered == {1: 1, 3: 1, 2: 1}


async def test_faults_by_chat() -> None:
    plan = FaultPlan(
        blocked={11},
        not_found={12},
        migrate={-13: -1000000000013},
        server_errors={14: 2},
        timeouts={15: 1},
        bad_gateways_html={16: 1},
        lost_answers={17: 1},
    )
    async with BotApiStandin(faults=plan) as api:
        bot = session_for(api)
        try:
            for _ in range(2):  # blocked stays blocked
                with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
                    await bot.send_message(11, "hi")
            with pytest.raises(TelegramBadRequest, match="chat not found"):
                await bot.send_message(12, "hi")
            with pytest.raises(TelegramMigrateToChat) as migrated:
                await bot.send_message(-13, "hi")
            assert migrated.value.migrate_to_chat_id == -1000000000013
            assert (await bot.send_message(-1000000000013, "hi")).chat.type == "supergroup"
            for status in ("500|502", "500|502"):
                with pytest.raises(TelegramServerError, match=r"Internal Server Error|Bad Gateway"):
                    await bot.send_message(14, status)
            assert (await bot.send_message(14, "third time")).text == "third time"
            with pytest.raises(TelegramNetworkError):
                await bot.send_message(15, "no answer")
            await bot.send_message(15, "again")
            with pytest.raises(ClientDecodeError, match="Failed to decode"):
                await bot.send_message(16, "an nginx page")
            await bot.send_message(16, "again")
            with pytest.raises(TelegramNetworkError):
                await bot.send_message(17, "delivered, answer lost")
            await bot.send_message(17, "again: a duplicate")
        finally:
            await bot.session.close()
        counters = api.counters
        assert counters.faults == {
            "blocked": 2,
            "chat_not_found": 1,
            "migrate": 1,
            "server_error": 2,
            "timeout": 1,
            "bad_gateway_html": 1,
            "lost_answer": 1,
        }
        assert counters.refused == {11: "blocked", 12: "chat_not_found"}
        assert counters.delivered == {-1000000000013: 1, 14: 1, 15: 1, 16: 1, 17: 2}
        assert counters.duplicates() == {17: 2}
        migrate_call = next(c for c in api.calls_of("sendMessage") if c.params["chat_id"] == -13)
        assert migrate_call.response["parameters"] == {"migrate_to_chat_id": -1000000000013}
        assert [c.status for c in api.calls_of("sendMessage") if c.params["chat_id"] == 17] == [0, 200]


async def test_faults_by_chance_are_seeded_and_blocked_chats_stay_blocked() -> None:
    async def run(seed: int) -> tuple[dict[str, int], dict[int, int]]:
        plan = FaultPlan(server_error_rate=0.2, timeout_rate=0.1, blocked_rate=0.1)
        async with BotApiStandin(faults=plan, record=False, seed=seed) as api:
            bot = session_for(api)
            try:
                for chat in range(200):
                    with contextlib.suppress(TelegramAPIError):
                        await bot.send_message(chat, "hi")
                blocked = set(plan.blocked)
                for chat in sorted(blocked)[:5]:
                    with pytest.raises(TelegramForbiddenError):
                        await bot.send_message(chat, "still blocked")
            finally:
                await bot.session.close()
            assert set(api.counters.refused) == blocked
            return dict(api.counters.faults), dict(api.counters.delivered)

    faults, delivered = await run(seed=7)
    assert 20 <= faults["server_error"] <= 60
    assert 5 <= faults["timeout"] <= 40
    assert 5 <= faults["blocked"] - 5 <= 40
    assert len(delivered) == 200 - faults["server_error"] - faults["timeout"] - (faults["blocked"] - 5)
    assert await run(seed=7) == (faults, delivered)


async def test_a_hang_past_the_client_timeout_is_a_timeout() -> None:
    async with BotApiStandin(faults=FaultPlan(timeouts={5: 1}, timeout_delay=3)) as api:
        bot = session_for(api)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            with pytest.raises(TelegramNetworkError, match="timeout"):
                await bot.send_message(5, "hi", request_timeout=1)
        finally:
            await bot.session.close()
        assert loop.time() - started < 2.5
        assert api.counters.faults == {"timeout": 1}


async def test_latency_delays_the_answer() -> None:
    async with BotApiStandin(latency=0.2) as api:
        bot = session_for(api)
        loop = asyncio.get_running_loop()
        try:
            started = loop.time()
            await bot.send_message(1, "slow")
            assert loop.time() - started >= 0.2
            started = loop.time()
            await bot.get_me()
            assert loop.time() - started < 0.2
        finally:
            await bot.session.close()


async def test_counting_without_recording() -> None:
    async with BotApiStandin(record=False) as api:
        bot = session_for(api)
        try:
            first = await bot.send_message(1, "one")
            await bot.send_message(1, "two")
            await bot.send_message(2, "three")
            await bot.get_me()
            with pytest.raises(TelegramBadRequest, match="message to edit not found"):
                await bot.edit_message_text("edited", chat_id=1, message_id=first.message_id)
            dice = await bot.send_dice(1)  # not a limited method: recorded and kept as usual
        finally:
            await bot.session.close()
        assert [call.method for call in api.calls] == ["getMe", "editMessageText", "sendDice"]
        assert list(api.messages) == [(1, dice.message_id)]
        counters = api.counters
        assert (counters.requests, counters.sent) == (3, 3)
        assert counters.delivered == {1: 2, 2: 1}
        assert counters.duplicates() == {1: 2}
        assert counters.first_sent_at is not None
        assert counters.sending_time >= counters.longest_gap > 0


async def test_wait_until_wakes_on_each_send(api: BotApiStandin, bot: Bot) -> None:
    waiter = asyncio.create_task(api.wait_until(lambda: api.counters.sent >= 3, timeout=5))
    for chat in range(3):
        await asyncio.sleep(0.01)
        assert not waiter.done()
        await bot.send_message(chat + 1, "hi")
    await waiter
    with pytest.raises(TimeoutError):
        await api.wait_until(lambda: api.counters.sent >= 4, timeout=0.1)


async def test_wait_for_sees_a_poll_once_it_is_answered(api: BotApiStandin, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    answered = asyncio.create_task(api.wait_for("getUpdates", lambda c: c.ok, timeout=5))
    await asyncio.sleep(0.1)
    assert not answered.done()  # recorded, not answered yet
    api.push_message("hello")
    assert (await answered).result[0]["message"]["text"] == "hello"
    assert len(await poll) == 1


async def test_wait_for_over_many_calls(api: BotApiStandin, bot: Bot) -> None:
    for chat in range(300):
        await bot.send_message(chat + 1, "hi")
    waiter = asyncio.create_task(api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 1000))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await bot.send_message(1000, "at last")
    assert (await waiter).params["text"] == "at last"
    assert (await api.wait_for("sendMessage")).params["chat_id"] == 1  # the oldest unconsumed
    api.consume_all()
    with pytest.raises(TimeoutError):
        await api.wait_for("sendMessage", timeout=0.1)


def test_plain_text() -> None:
    assert plain_text("<b>a</b> &amp; <i>b</i>", "HTML") == "a & b"
    assert plain_text("<b>a</b>", None) == "<b>a</b>"


# A 1×1 PNG: the signature and an IHDR chunk are all the stand-in reads.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_send_photo_upload_then_file_id(api: BotApiStandin, bot: Bot) -> None:
    uploaded = await bot.send_photo(1001, BufferedInputFile(PNG_1X1, "chart.png"), caption="<b>chart</b>")
    assert uploaded.caption == "chart"
    assert uploaded.photo is not None
    largest = uploaded.photo[-1]
    assert (largest.width, largest.height) == (1, 1)
    assert list(api.calls_of("sendPhoto")[-1].files.values()) == [PNG_1X1]

    again = await bot.send_photo(1001, largest.file_id)
    assert again.photo is not None
    assert again.photo[-1].file_id == largest.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(1001, "never-issued")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(1001, largest.file_id, caption="x" * 1025)
