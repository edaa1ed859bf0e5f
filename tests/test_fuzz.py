"""Property-based: generated updates through the production Dispatcher: 500 by default,
the full 10,000 with ``FUZZ_FULL=1`` (as CI runs it). Either way the same updates every run.

Random texts and commands with random arguments (unicode, control characters, 4,096
characters), forged callback data, inline queries, edited messages, channel posts, group
chats, users with no or an unknown language_code. No unhandled exception, every reply valid
Telegram HTML within limits (checked by the ``bot`` fixture after the test), the database
consistent.
"""

from __future__ import annotations

import itertools
import logging
import os
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import (
    ChartCb,
    FactCb,
    LanguageCb,
    ManageSubscriptionsCb,
    MenuAction,
    MenuCb,
    PublishAction,
    PublishCb,
    SearchCb,
    SectorCb,
    SourcesCb,
    SubscribeCb,
    TopicCb,
    TurnoverCb,
    TurnoverDetailsCb,
)
from bot.domain.models import Locale
from bot.store import Store
from bot.testing.session import RecordingSession
from tests.chart_renders import share_renders

COMMANDS = [
    "/start", "/help", "/turnover", "/sectors", "/sources", "/language", "/subscribe", "/unsubscribe",
    "/subscriptions", "/publish", "/stats", "/cancel", "/chart", "/nonsense", "/start@bk_trade_bot",
    "/turnover@other_bot",
]  # fmt: skip
CALLBACKS = (MenuCb, TurnoverCb, SectorCb, SourcesCb, LanguageCb, SubscribeCb, ManageSubscriptionsCb)
CALLBACKS += (PublishCb, ChartCb, SearchCb, TopicCb, FactCb, TurnoverDetailsCb)
PREFIXES = [cls.__prefix__ for cls in CALLBACKS] + ["zz", ""]
LANGS = [None, "ru", "en", "kk", "be", "be-BY", "en-GB", "de", "zz", "", "x" * 35]
FULL = os.environ.get("FUZZ_FULL") == "1"
EXAMPLES = 200 if FULL else 10
PER_EXAMPLE = 50  # 200 × 50 = 10,000 updates; 10 × 50 = 500, a smoke test for the inner loop
pytestmark = [pytest.mark.slow] if FULL else []  # the full run is left out of `-m "not slow"`


def _filled(pattern: str, size: int) -> str:
    return (pattern * (size // len(pattern) + 1))[:size]


# 4,000-4,096 characters of any UTF-8 text: a random pattern repeated to length. Drawing every
# one of 4,000 characters is where nearly all of the fuzz's time went, not the bot.
long_texts = st.builds(
    _filled, st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=200), st.integers(4000, 4096)
)
texts = st.one_of(
    st.text(max_size=80),
    long_texts,
    st.sampled_from(
        ["<b>", "&", "</i>", "\x00\x1f\u202e", "🙂" * 10, "2024", "2025-01..08", "food_retail", "all"]
    ),
)
arguments = st.one_of(st.just(""), texts, st.integers(-(10**6), 10**6).map(str))
commands = st.builds(lambda c, a: f"{c} {a}".strip()[:4096], st.sampled_from(COMMANDS), arguments)
callback_data = st.one_of(
    st.builds(lambda p, rest: f"{p}:{rest}"[:64], st.sampled_from(PREFIXES), st.text(max_size=70)),
    st.sampled_from([
        TurnoverCb(period="2024").pack(), TurnoverCb(period="1850").pack(),
        SectorCb(sector_id="food_retail").pack(), SectorCb(sector_id="").pack(),
        SourcesCb(page=1).pack(), SourcesCb(page=-1).pack(), LanguageCb(locale=Locale.KK).pack(),
        SubscribeCb(sector_id="it").pack(), SubscribeCb(sector_id="*", card=True, on=True).pack(),
        SubscribeCb(sector_id="nope").pack(), SubscribeCb(sector_id="it", card=True, on=False).pack(),
        ManageSubscriptionsCb().pack(), PublishCb(action=PublishAction.CONFIRM).pack(),
        PublishCb(action=PublishAction.SECTOR, sector_id="it").pack(), MenuCb(action=MenuAction.TURNOVER).pack(),
        SectorCb(sector_id="industry", page=-7).pack(), SectorCb(sector_id="it", page=10**9).pack(),
        TopicCb(topic_id="magnum-collaboration", page=99).pack(), TopicCb(topic_id="gone", page=0).pack(),
        FactCb(fact_id=-1, sector_id="it").pack(), FactCb(fact_id=10**9, sector_id="<b>").pack(),
        TurnoverDetailsCb(period="2025-01..08").pack(), TurnoverDetailsCb(period="2025-13..14").pack(),
        "l1:xx", "m1:zz",  # forgeries no class would pack
    ]),
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


@pytest.fixture(autouse=True)
def _charts_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """/chart gets the real picture, drawn once per locale and test process
    (:mod:`tests.chart_renders`): four renders were nearly half of the fuzz's time."""
    share_renders(monkeypatch)


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
    derandomize=True,  # the same updates every run
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(batch=st.lists(updates(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
async def test_generated_updates(
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
