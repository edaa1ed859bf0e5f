"""The HTTP side through aiohttp's test server: webhook secret, /healthz, /metrics."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.app import create_bot, create_dispatcher, open_store
from bot.config import Settings
from bot.metrics import Metrics
from bot.store import Store
from bot.testing.session import RecordingSession
from bot.web import create_web_app
from tests.conftest import copy_loaded

SECRET = "s3cret-Token_for-webhook"
_ids = itertools.count(1)


@pytest.fixture
def webhook_settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(webhook_base_url="https://bot.example.org", webhook_secret=SecretStr(SECRET))


@pytest.fixture
async def web(
    webhook_settings: Settings, loaded_database: Path
) -> AsyncIterator[tuple[TestClient, RecordingSession, Store, Metrics]]:  # type: ignore[type-arg]
    copy_loaded(loaded_database, webhook_settings)
    store = await open_store(webhook_settings)
    session = RecordingSession()
    bot: Bot = create_bot(webhook_settings, session=session)
    metrics = Metrics()
    dispatcher: Dispatcher = create_dispatcher(webhook_settings, store, metrics=metrics)
    # Updates are handled in the request here, so the test sees the reply when the POST returns.
    app = create_web_app(webhook_settings, dispatcher, bot, store, metrics, handle_in_background=False)
    async with TestClient(TestServer(app)) as client:
        yield client, session, store, metrics
    await store.close()


def message_update(text: str) -> dict[str, object]:
    update_id = next(_ids)
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": 9001, "type": "private"},
            "from": {"id": 9001, "is_bot": False, "first_name": "Web", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else [],
        },
    }


async def test_an_update_with_the_secret_is_handled(web) -> None:  # type: ignore[no-untyped-def]
    client, session, _store, _metrics = web
    response = await client.post(
        "/webhook", json=message_update("/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 200
    sent = [m for m in session.requests if isinstance(m, SendMessage)]
    assert sent and "What I can do" in sent[-1].text


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
async def test_a_forged_update_gets_401_and_reaches_no_handler(web, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    client, session, _store, _metrics = web
    response = await client.post("/webhook", json=message_update("/help"), headers=headers)
    assert response.status == 401
    assert not [m for m in session.requests if isinstance(m, SendMessage)]


async def test_healthz_follows_the_database(web) -> None:  # type: ignore[no-untyped-def]
    client, _session, store, _metrics = web
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json()) == {"status": "ok"}
    await store.close()
    response = await client.get("/healthz")
    assert response.status == 503


async def test_metrics_in_prometheus_format(web) -> None:  # type: ignore[no-untyped-def]
    client, _session, store, _metrics = web
    await store.subscriptions.subscribe(1, 1, "en", ["*"])
    await store.facts.publish("it", {"en": "x"}, "en", None)
    await client.post(
        "/webhook", json=message_update("/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    body = await response.text()
    assert 'bot_updates_total{type="message"} 1.0' in body
    assert 'bot_handler_seconds_count{type="message"} 1.0' in body
    assert "bot_errors_total" in body
    assert 'bot_deliveries{state="pending"} 1.0' in body


def test_webhook_mode_needs_a_secret() -> None:
    from bot.config import SettingsError, load_settings

    with pytest.raises(
        SettingsError, match="WEBHOOK_SECRET: Value error, required when WEBHOOK_BASE_URL is set"
    ):
        load_settings(_env_file=None, webhook_base_url="https://bot.example.org")
