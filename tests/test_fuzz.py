"""Property-based: 10,000 generated updates through the production Dispatcher.

Random texts and commands with random arguments (unicode, control characters, 4,096
characters), forged callback data, inline queries, edited messages, channel posts, group
chats, users with no or an unknown language_code. No unhandled exception, every reply valid
Telegram HTML within limits (checked by the ``bot`` fixture after the test), the database
consistent.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.offline import RecordingSession
from bot.store import Store

COMMANDS = [
    "/start", "/help", "/turnover", "/sectors", "/sources", "/language", "/subscribe", "/unsubscribe",
    "/subscriptions", "/publish", "/stats", "/cancel", "/chart", "/nonsense", "/start@bk_trade_bot",
    "/turnover@other_bot",
]  # fmt: skip
PREFIXES = ["m1", "t1", "s1", "r1", "l1", "b1", "b2", "p1", "c1", "q1", "zz", ""]
LANGS = [None, "ru", "en", "kk", "be", "be-BY", "en-GB", "de", "zz", "", "x" * 35]
EXAMPLES = 200
PER_EXAMPLE = 50  # 200 × 50 = 10,000 updates

texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4096),
    st.sampled_from(
        ["<b>", "&", "</i>", "\x00\x1f\u202e", "🙂" * 10, "2024", "2025-01..08", "food_retail", "all"]
    ),
)
arguments = st.one_of(st.just(""), texts, st.integers(-(10**6), 10**6).map(str))
commands = st.builds(lambda c, a: f"{c} {a}".strip()[:4096], st.sampled_from(COMMANDS), arguments)
callback_data = st.one_of(
    st.builds(lambda p, rest: f"{p}:{rest}"[:64], st.sampled_from(PREFIXES), st.text(max_size=70)),
    st.sampled_from(["t1:2024", "t1:1850", "s1:food_retail", "s1:", "r1:1", "r1:-1", "l1:kk", "l1:xx",
                     "b1:it:0:", "b1:*:1:1", "b1:nope:0:", "b1:it:1:0", "b2", "p1:ok:", "p1:s:it", "m1:t", "m1:zz"]),
)  # fmt: skip

_ids = itertools.count(1)


def user(user_id: int, lang: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "F"}
    if lang is not None:
        data["language_code"] = lang
    return data


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["message", "command", "callback", "inline", "edited", "channel", "group"]))
    # Mostly fresh users (so flood control lets the update through to the handlers), some
    # regulars (so it also gets exercised), the admin, and an id past 32 bits.
    user_id = draw(st.one_of(st.integers(1, 10**9), st.sampled_from([1, 2, 777, 10**12])))
    lang = draw(st.sampled_from(LANGS))
    update_id = next(_ids)
    chat = {"id": user_id, "type": "private", "first_name": "F"}
    if kind in {"message", "command", "edited", "group"}:
        text = draw(commands if kind in {"command", "group"} else texts) or "x"
        message: dict[str, Any] = {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": -user_id, "type": "supergroup", "title": "G"} if kind == "group" else chat,
            "from": user(user_id, lang),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if kind == "edited":
            return {"update_id": update_id, "edited_message": {**message, "edit_date": 1_700_000_001}}
        return {"update_id": update_id, "message": message}
    if kind == "callback":
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": user(user_id, lang),
                "chat_instance": "c",
                "data": draw(callback_data),
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": chat,
                    "from": {"id": 42, "is_bot": True, "first_name": "Bot"},
                    "text": "old",
                },
            },
        }
    if kind == "inline":
        return {
            "update_id": update_id,
            "inline_query": {
                "id": str(update_id),
                "from": user(user_id, lang),
                "query": draw(texts)[:256],
                "offset": "",
            },
        }
    return {
        "update_id": update_id,
        "channel_post": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": -100123, "type": "channel", "title": "C"},
            "text": draw(texts) or "x",
        },
    }


async def consistent(store: Store) -> None:
    conn = store.db.conn
    async with conn.execute("PRAGMA integrity_check") as cursor:
        assert (await cursor.fetchone())[0] == "ok"  # type: ignore[index]
    async with conn.execute("PRAGMA foreign_key_check") as cursor:
        assert await cursor.fetchall() == []
    async with conn.execute(
        "SELECT count(*) FROM users WHERE locale NOT IN ('ru', 'en', 'kk', 'be')"
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    async with conn.execute(
        "SELECT count(*) FROM subscriptions WHERE sector_id != '*' AND sector_id NOT IN (SELECT id FROM sectors)"
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # CI sees the same 10,000 updates every run
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(batch=st.lists(updates(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
async def test_ten_thousand_generated_updates(
    batch: list[dict[str, Any]],
    dispatcher: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    for raw in batch:
        update = Update.model_validate(raw, context={"bot": bot})
        await dispatcher.feed_update(bot, update)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage()
    await consistent(store)
