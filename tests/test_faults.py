"""Faults found by trying to break the bot (issue 14), reproduced through the production
Dispatcher, delivery worker and web app in this process. ``tests/test_faults_process.py`` has
the ones that need the bot as a process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Update
from aiogram.utils.i18n import I18n
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.app import create_dispatcher
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.domain.models import DeliveryState
from bot.metrics import Metrics
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.session import RecordingSession
from bot.web import create_web_app
from tests.conftest import ADMIN_ID, SOURCE

SUBSCRIBERS = [6001 + n for n in range(8)]


def errors(caplog: pytest.LogCaptureFixture, logger: str = "") -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(logger)]


# -- 1. the resend loop ----------------------------------------------------------------------


class Outage:
    """Makes the store refuse writes the way production saw it, and lets them through again."""

    def __init__(self, kind: str, store: Store, path: Path) -> None:
        self.kind, self.store, self.path = kind, store, path
        self._blocker: sqlite3.Connection | None = None

    async def start(self) -> None:
        if self.kind == "read-only":  # a read-only file, a full disk: every write fails at once
            await self.store.db.conn.execute("PRAGMA query_only = ON")
        else:  # another process (a CLI `data load`) holds the write lock past the busy timeout
            await self.store.db.conn.execute("PRAGMA busy_timeout = 50")
            self._blocker = sqlite3.connect(self.path, isolation_level=None)
            self._blocker.execute("BEGIN IMMEDIATE")

    async def end(self) -> None:
        if self._blocker is not None:
            self._blocker.execute("ROLLBACK")
            self._blocker.close()
            self._blocker = None
        await self.store.db.conn.execute("PRAGMA query_only = OFF")


def broadcasts(session: RecordingSession) -> list[int]:
    """The chats each delivered update went to, in order (accepted sends only)."""
    return [
        int(method.chat_id)
        for method, result in zip(session.requests, session.results, strict=True)
        if isinstance(method, SendMessage) and result is not None and "📰" in method.text
    ]


@pytest.mark.parametrize("kind", ["read-only", "locked"])
async def test_a_store_that_refuses_the_mark_pauses_delivery_without_resending(
    kind: str,
    store: Store,
    bot: Bot,
    i18n: I18n,
    session: RecordingSession,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The store stops taking writes right after Telegram accepted the third message. That
    chat must not get it again, nobody else gets anything until the store is back, the log
    says so once per pause, and afterwards everyone gets the update exactly once."""
    for chat in SUBSCRIBERS:
        await store.subscriptions.subscribe(chat, chat, "en", ["food_retail"])
    await store.facts.publish("food_retail", {"en": "Dairy in Magnum"}, "en", None)
    outage = Outage(kind, store, settings.database_path)
    original = session.make_request

    async def store_fails_after_the_third(bot: Bot, method: Any, timeout: int | None = None) -> Any:
        result = await original(bot, method, timeout)
        if isinstance(method, SendMessage) and len(broadcasts(session)) == 3:
            await outage.start()
        return result

    session.make_request = store_fails_after_the_third  # type: ignore[method-assign]
    worker = DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0, idle_poll=0.02, pause=0.02, max_pause=0.08
    )
    caplog.set_level(logging.INFO)
    worker.start()
    try:
        await asyncio.sleep(0.6)  # the outage: about eight pauses of 0.02 … 0.08 s
        assert broadcasts(session) == SUBSCRIBERS[:3], "something was sent while the store refused"
        paused = errors(caplog, "bot.delivery")
        assert 3 <= len(paused) <= 12, [r.getMessage() for r in paused]
        assert all("deliveries paused" in r.getMessage() for r in paused)
        assert "1 sent, not yet recorded" in paused[-1].getMessage()
        assert sum(1 for r in paused if r.exc_info) == 1, "a traceback on every pause"

        await outage.end()
        async with asyncio.timeout(10):
            while (await store.outbox.counts())[DeliveryState.PENDING]:  # noqa: ASYNC110 (the outbox)
                await asyncio.sleep(0.02)
    finally:
        await worker.stop(grace=2)
        await outage.end()
    assert sorted(broadcasts(session)) == SUBSCRIBERS, "a chat got the update twice, or not at all"
    assert (await store.outbox.counts())[DeliveryState.SENT] == len(SUBSCRIBERS)
    async with store.db.conn.execute("SELECT count(*) FROM deliveries WHERE message_id IS NULL") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    assert "deliveries resume" in caplog.text


# -- 4. the webhook refuses what is not Telegram, without a traceback -----------------------

SECRET = "hook-Secret_42"


@pytest.fixture(params=[True, False], ids=["in-background", "in-request"])
async def webhook(
    request: pytest.FixtureRequest, tmp_path: Path, store: Store, bot: Bot, i18n: I18n
) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr("123456:TEST-token"),
        database_path=tmp_path / "bot.sqlite3",
        webhook_base_url="https://bot.example.org",
        webhook_secret=SecretStr(SECRET),
    )
    metrics = Metrics()
    dispatcher = create_dispatcher(settings, store, i18n, metrics=metrics)
    app = create_web_app(settings, dispatcher, bot, store, metrics, handle_in_background=request.param)
    app.on_startup.clear()  # no setWebhook, no profile: only the request handling is under test
    app.on_shutdown.clear()
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.mark.parametrize("secret", ["Секрет", "hook-Secret_42\u00e9", "\u2028", "x" * 300])
async def test_a_secret_header_that_is_not_ascii_gets_401(
    webhook: TestClient,  # type: ignore[type-arg]
    session: RecordingSession,
    caplog: pytest.LogCaptureFixture,
    secret: str,
) -> None:
    # Sent as UTF-8 bytes, as a forger's client would; aiohttp's client wants latin-1 text.
    header = secret.encode().decode("latin-1")
    for _ in range(20):
        response = await webhook.post(
            "/webhook", data=b"{}", headers={"X-Telegram-Bot-Api-Secret-Token": header}
        )
        assert response.status == 401
    assert not errors(caplog)
    assert "Traceback" not in caplog.text
    assert not session.requests


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"update_id": 1, "message":',
        b"[]",
        b'"text"',
        b"{}",
        b'{"update_id": "x"}',
        b"\xff\xfe",
    ],
)
async def test_a_body_that_is_not_an_update_gets_400(
    webhook: TestClient,  # type: ignore[type-arg]
    session: RecordingSession,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    response = await webhook.post(
        "/webhook",
        data=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
    )
    assert response.status == 400
    await asyncio.sleep(0.05)  # anything handled in the background has had its chance to fail
    assert not errors(caplog)
    assert "Traceback" not in caplog.text
    assert not session.requests


# -- 5. /healthz sees a store that can't keep what it is given ------------------------------


@pytest.fixture
async def health(
    settings: Settings, store: Store, bot: Bot, dispatcher: Dispatcher
) -> AsyncIterator[Callable[[], Awaitable[tuple[int, dict[str, str]]]]]:
    app = create_web_app(settings, dispatcher, bot, store, Metrics())
    async with TestClient(TestServer(app)) as client:

        async def get() -> tuple[int, dict[str, str]]:
            response = await client.get("/healthz")
            return response.status, await response.json()

        yield get


async def test_healthz_fails_while_writes_fail_and_says_so_once(
    health: Callable[[], Awaitable[tuple[int, dict[str, str]]]],
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert await health() == (200, {"status": "ok"})
    caplog.set_level(logging.INFO)
    await store.db.conn.execute("PRAGMA query_only = ON")  # as a read-only file or a full disk
    for _ in range(3):
        status, body = await health()
        assert status == 503
        assert body["reason"] == "writes fail: attempt to write a readonly database"
    assert [r.getMessage() for r in errors(caplog)] == [
        "health check fails: writes fail: attempt to write a readonly database"
    ]
    await store.db.conn.execute("PRAGMA query_only = OFF")
    assert await health() == (200, {"status": "ok"})
    assert "health check passes again" in caplog.text


async def test_healthz_fails_when_the_database_files_are_deleted(
    health: Callable[[], Awaitable[tuple[int, dict[str, str]]]], settings: Settings
) -> None:
    assert (await health())[0] == 200
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{settings.database_path}{suffix}")
    # Writes still "work": into files no restart will find.
    status, body = await health()
    assert status == 503
    assert (
        body["reason"] == f"the database file {settings.database_path} is gone: a restart would start empty"
    )


async def test_healthz_fails_when_the_database_file_is_replaced(
    health: Callable[[], Awaitable[tuple[int, dict[str, str]]]], settings: Settings
) -> None:
    assert (await health())[0] == 200
    copy = settings.database_path.with_suffix(".copy")
    shutil.copyfile(settings.database_path, copy)
    os.replace(copy, settings.database_path)
    status, body = await health()
    assert status == 503
    assert "was replaced" in body["reason"]


# -- 9. a double tap on "✅ Publish" ------------------------------------------------------------


async def preview(make_client: Callable[..., BotClient]) -> tuple[BotClient, Any]:
    admin = make_client("en", user_id=ADMIN_ID)
    choose = (await admin.send("/publish")).last
    await admin.click(choose, "🛒")
    await admin.send("Belarusian dairy arrives in Magnum stores")
    confirm = (await admin.send(SOURCE)).last
    assert "✅ Publish" in confirm.button_texts
    return admin, confirm


async def published(store: Store) -> int:
    async with store.db.conn.execute("SELECT count(*) FROM facts") as cursor:
        return int((await cursor.fetchone())[0])  # type: ignore[index]


async def test_a_double_tap_on_publish_publishes_once_and_says_already_published(
    make_client: Callable[..., BotClient],
    dispatcher: Dispatcher,
    bot: Bot,
    store: Store,
    session: RecordingSession,
) -> None:
    admin, confirm = await preview(make_client)
    data = confirm.button("✅ Publish").callback_data
    message = confirm.result.model_dump(mode="json", exclude_none=True, by_alias=True)
    taps = [
        Update.model_validate(
            {
                "update_id": 900_000 + n,
                "callback_query": {
                    "id": f"tap-{n}",
                    "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "Admin", "language_code": "en"},
                    "chat_instance": "admin",
                    "message": message,
                    "data": data,
                },
            },
            context={"bot": bot},
        )
        for n in (1, 2)
    ]
    before = len(session.requests)
    await asyncio.gather(*(dispatcher.feed_update(bot, tap) for tap in taps))  # both in flight at once
    calls = session.requests[before:]
    answers = [c.text for c in calls if isinstance(c, AnswerCallbackQuery)]
    assert sorted(answers, key=str) == sorted([None, "Already published."], key=str)
    shown = [c.text for c in calls if isinstance(c, SendMessage | EditMessageText)]
    assert not any("Cancelled" in text for text in shown), shown
    assert await published(store) == 1

    # Tapped again later: the same answer, nothing more published.
    again = await admin.click(confirm, "✅ Publish")
    assert [r.method.text for r in again.of("answerCallbackQuery")] == ["Already published."]  # type: ignore[attr-defined]
    assert not again.messages
    assert await published(store) == 1


async def test_cancel_after_publishing_still_cancels_nothing_and_a_new_flow_works(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    admin, confirm = await preview(make_client)
    await admin.click(confirm, "✅ Publish")
    _admin, second = await preview(make_client)
    await admin.click(second, "✅ Publish")
    assert await published(store) == 2


# -- 10. forged input: a polite answer or a silent ignore, never an ERROR ---------------------

BIG = 10**19 + 7  # 20 digits: past SQLite's 64-bit integers, past Telegram's 52 bits


def user(user_id: int = 7001, first_name: str = "Forger") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}


def message(text: str, sender: dict[str, Any] | None = None, chat_id: int = 7001) -> dict[str, Any]:
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text[:1] == "/" else []
    )
    return {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "Forger"},
        "from": sender or user(),
        "text": text,
        "entities": entities,
    }


def callback(data: str, sender: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": "77", "from": sender or user(), "chat_instance": "x", "data": data}


FORGED: dict[str, dict[str, Any]] = {
    "surrogate in a question": {"message": message("Magnum \ud800")},
    "surrogate in a command argument": {"message": message("/turnover \udfff")},
    "surrogate in a deep link": {"message": message("/start sector_\ud800")},
    "surrogate in a name": {"message": message("/start", user(first_name="A\ud800"))},
    "surrogate in callback data": {"callback_query": callback("s1:\ud800")},
    "surrogate in a subscribe button": {"callback_query": callback("b1:\ud800:1:1")},
    "surrogate in an inline query": {
        "inline_query": {"id": "5", "from": user(), "query": "\ud800", "offset": ""}
    },
    "20 digits in a sources page": {"callback_query": callback(f"r1:{BIG}")},
    "20 digits in a period": {"callback_query": callback(f"t1:{BIG}")},
    "20 digits in a search suggestion": {"callback_query": callback(f"q1:fact:{BIG}/turnover")},
    "20 digits as the user of a button": {"callback_query": callback("m1:t", user(BIG))},
    "20 digits as the user of a message": {"message": message("/help", user(BIG), chat_id=BIG)},
    "an update of an unknown type": {"purchased_paid_media_v9": {"id": 1}},
}


@pytest.mark.parametrize("payload", FORGED.values(), ids=FORGED.keys())
async def test_forged_input_is_answered_or_ignored_without_an_error(
    settings: Settings,
    store: Store,
    i18n: I18n,
    bot: Bot,
    session: RecordingSession,
    caplog: pytest.LogCaptureFixture,
    payload: dict[str, Any],
) -> None:
    metrics = Metrics()
    dispatcher = create_dispatcher(settings, store, i18n, metrics=metrics)
    caplog.set_level(logging.INFO)
    await dispatcher.feed_raw_update(bot, {"update_id": 4242, **payload})
    assert not errors(caplog), [r.getMessage() for r in errors(caplog)]
    counted = sum(
        s.value for m in metrics.registry.collect() for s in m.samples if s.name == "bot_errors_total"
    )
    assert counted == 0
    for call in session.requests:
        assert "Something went wrong" not in str(getattr(call, "text", "") or "")
        if isinstance(call, AnswerCallbackQuery):
            assert call.callback_query_id == "77"


# -- 3. errors from the Bot API come out with the token starred -----------------------------


def test_errors_raised_by_the_session_never_carry_the_token() -> None:
    import traceback

    from aiogram.exceptions import ClientDecodeError, TelegramNetworkError

    from bot.session import redact_error

    token = "123456:VERY-secret"
    page = f"<html>404: no route for /bot{token}/setMyCommands</html>"
    try:
        try:
            raise ValueError(f"Expecting value: {page}")
        except ValueError as cause:
            raise ClientDecodeError("Failed to decode object", cause, page) from cause
    except ClientDecodeError as error:
        decode = redact_error(error, token)
    try:
        try:
            raise OSError(f"InvalidURL https://api.telegram.org/bot{token}/getMe")
        except OSError as cause:
            raise TelegramNetworkError(method=None, message=f"InvalidURL: {cause}") from cause  # type: ignore[arg-type]
    except TelegramNetworkError as error:
        network = redact_error(error, token)
    assert isinstance(decode, ClientDecodeError)  # the type survives: retry policies rely on it
    assert isinstance(network, TelegramNetworkError)
    for error in (decode, network):
        printed = "".join(traceback.format_exception(error))
        assert "VERY-secret" not in printed, printed
        assert "/bot***/" in printed
