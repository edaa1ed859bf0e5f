"""End to end: ``python -m bot run`` as a real process against the local Bot API stand-in.

The bot long-polls the stand-in on 127.0.0.1; the test plays four users (ru, en, kk, be) through
every command and button, then stops the bot with SIGTERM and reads its log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.testing.process import BotProcess, bot_env
from bot.testing.standin import ApiCall, BotApiStandin

pytestmark = pytest.mark.slow  # the bot as a process

TOKEN = "123456:TEST-token-e2e"
SECRET = TOKEN.split(":", 1)[1]
LANGUAGES = {"ru": 2001, "en": 2002, "kk": 2003, "be": 2004}  # language_code -> user id
STEP_TIMEOUT = 10.0
STARTUP_TIMEOUT = 60.0  # importing aiogram alone takes seconds on a busy machine
CONVERSATION_TIMEOUT = 150.0
STOP_TIMEOUT = 10.0


class Conversation:
    """Pushes updates for one user and waits for the bot's answers, failing fast if it dies."""

    def __init__(self, api: BotApiStandin, bot: BotProcess, lang: str, user_id: int) -> None:
        self.api = api
        self.bot = bot
        self.lang = lang
        self.user_id = user_id

    async def expect(self, method: str, predicate: Callable[[ApiCall], bool], what: str) -> ApiCall:
        waiting = self.api.wait_for(method, predicate, timeout=STEP_TIMEOUT)
        try:
            call = await self.bot.outlive(waiting, f"waiting for {what}")
        except RuntimeError as exc:
            pytest.fail(f"[{self.lang}] {exc}")
        assert call.ok, f"[{self.lang}] {what}: Telegram would refuse it: {call.status} {call.description}"
        return call

    def to_me(self, call: ApiCall) -> bool:
        return call.params.get("chat_id") == self.user_id

    async def say(self, text: str) -> ApiCall:
        self.api.push_message(text, user_id=self.user_id, language_code=self.lang, first_name="Tester")
        call = await self.expect("sendMessage", self.to_me, f"a reply to {text!r}")
        assert str(call.params.get("text", "")).strip(), f"[{self.lang}] empty reply to {text!r}"
        assert str(call.result.get("text", "")).strip(), (
            f"[{self.lang}] reply to {text!r} is empty when shown"
        )
        return call

    async def photo(self, text: str) -> ApiCall:
        """Say ``text`` and wait for the photo the bot sends back."""
        self.api.push_message(text, user_id=self.user_id, language_code=self.lang, first_name="Tester")
        call = await self.expect("sendPhoto", self.to_me, f"a photo in reply to {text!r}")
        assert call.result.get("photo"), f"[{self.lang}] {text!r}: a photo message without a photo"
        return call

    async def click(self, message: dict[str, Any], data: str, what: str) -> ApiCall:
        update = self.api.push_callback(message, data, user_id=self.user_id, language_code=self.lang)
        query_id = update["callback_query"]["id"]
        edit = await self.expect(
            "editMessageText",
            lambda c: self.to_me(c) and c.params.get("message_id") == message["message_id"],
            f"the message edited after a click on {what} ({data!r})",
        )
        assert str(edit.params.get("text", "")).strip(), f"[{self.lang}] {what}: edited to an empty text"
        await self.expect(
            "answerCallbackQuery",
            lambda c: c.params.get("callback_query_id") == query_id,
            f"answerCallbackQuery after a click on {what}",
        )
        return edit


def buttons(call: ApiCall) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [
        button for row in markup.get("inline_keyboard", []) for button in row if "callback_data" in button
    ]


async def converse(talk: Conversation) -> dict[str, str]:
    """The whole conversation for one language; returns the raw texts by command."""
    texts: dict[str, str] = {}
    for command in ("/start", "/help", "/turnover", "/turnover 2024", "/turnover 1850"):
        texts[command] = (await talk.say(command)).params["text"]

    # The first /chart renders and uploads a PNG; the second sends Telegram's file_id back.
    first = await talk.photo("/chart")
    assert [png[:4] for png in first.files.values()] == [b"\x89PNG"], f"[{talk.lang}] no PNG uploaded"
    again = await talk.photo("/chart")
    assert not again.files, f"[{talk.lang}] the second /chart uploaded the picture again"
    assert again.params["photo"] == first.result["photo"][-1]["file_id"]

    sectors = await talk.say("/sectors")
    sector_buttons = buttons(sectors)
    assert sector_buttons, f"[{talk.lang}] /sectors came without buttons"
    await talk.click(sectors.result, sector_buttons[0]["callback_data"], "the first sector")

    await talk.say("/sources")

    language = await talk.say("/language")
    choices = buttons(language)
    assert choices, f"[{talk.lang}] /language came without buttons"
    own = [b for b in choices if str(b["callback_data"]).rsplit(":", 1)[-1] == talk.lang]
    await talk.click(language.result, (own or choices)[0]["callback_data"], "a language")

    texts["hello"] = (await talk.say("hello")).params["text"]
    return texts


def assert_profile(api: BotApiStandin, method: str) -> None:
    """Start-up set ``method`` for ru, en, kk, be and a default, outside any chat scope."""
    calls = [
        c
        for c in api.calls_of(method)
        if (c.params.get("scope") or {"type": "default"}).get("type") not in ("chat", "chat_member")
    ]
    failed = [(c.params.get("language_code"), c.status, c.description) for c in calls if not c.ok]
    assert not failed, f"{method} refused: {failed}"
    codes = {c.params.get("language_code") for c in calls}
    assert codes >= {None, "ru", "en", "kk", "be"}, f"{method} was called for {codes}"
    if method == "setMyCommands":
        assert all(c.params.get("commands") for c in calls), "an empty command menu"


async def test_bot_end_to_end(tmp_path: Path) -> None:
    async with BotApiStandin() as api:
        env = bot_env(tmp_path / "bot.sqlite3", BOT_TOKEN=TOKEN, BOT_API_URL=api.base_url, LOG_LEVEL="INFO")
        bot = await BotProcess.start(env, tmp_path / "bot.log")
        try:
            try:
                async with asyncio.timeout(CONVERSATION_TIMEOUT):
                    await bot.wait_until_polling(api, within=STARTUP_TIMEOUT)
                    texts = {
                        lang: await converse(Conversation(api, bot, lang, user_id))
                        for lang, user_id in LANGUAGES.items()
                    }
            except TimeoutError:
                pytest.fail(f"the conversation took over {CONVERSATION_TIMEOUT} s\n{bot.log_tail(4000)}")
        finally:
            returncode = await bot.stop(grace=STOP_TIMEOUT)

        calls = api.calls

    log = bot.log()
    assert api.token_seen == TOKEN
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        assert_profile(api, method)
    refused = [f"{c.method} {c.status} {c.description}" for c in calls if not c.ok]
    assert not refused, f"Telegram would have refused: {refused}"
    assert texts["ru"]["/help"] != texts["en"]["/help"], (
        "/help is the same in Russian and English: are the catalogs translated and compiled?"
    )
    assert "Traceback" not in log, log[-4000:]
    assert "ERROR" not in log, log[-4000:]
    assert SECRET not in log, "the bot token leaked into the log"
    assert returncode == 0, f"the bot did not exit cleanly on SIGTERM (exit code {returncode})\n{log[-2000:]}"


async def test_a_burst_past_updates_in_flight_waits_unread_and_every_update_is_answered(
    tmp_path: Path,
) -> None:
    # Each answer takes 50 ms to reach "Telegram": the three slots fill, the rest wait their turn.
    async with BotApiStandin(latency=0.05) as api:
        env = bot_env(
            tmp_path / "bot.sqlite3", BOT_TOKEN=TOKEN, BOT_API_URL=api.base_url, UPDATES_IN_FLIGHT="3"
        )
        bot = await BotProcess.start(env, tmp_path / "bot.log")
        try:
            await bot.wait_until_polling(api, within=STARTUP_TIMEOUT)
            users = range(7001, 7025)
            for user_id in users:
                api.push_message("/turnover", user_id=user_id, language_code="en")
            await api.wait_until(lambda: api.counters.sent >= len(users), timeout=60)
        finally:
            await bot.stop(grace=STOP_TIMEOUT)
    assert {user_id: api.counters.delivered.get(user_id) for user_id in users} == dict.fromkeys(users, 1)
    assert api.counters.most_in_flight == 3, "UPDATES_IN_FLIGHT=3 should allow three answers at once, no more"
    turnover = [c for c in api.calls_of("sendMessage") if c.params["chat_id"] == users[0]]
    assert "Trade turnover" in str(turnover[0].params["text"]), turnover
