"""End to end in webhook mode: ``python -m bot run`` with WEBHOOK_BASE_URL, a real update
posted with the secret, a forged one refused, /healthz and /metrics served, and SIGTERM
during a broadcast losing nothing."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from bot.testing.process import BotProcess, bot_env, run_cli
from bot.testing.standin import BotApiStandin

pytestmark = pytest.mark.slow  # the bot as a process, twice

TOKEN = "123456:TEST-token-webhook"
SECRET = "hook-Secret_42"
SUBSCRIBERS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(api: BotApiStandin, tmp_path: Path, port: int, *, webhook: bool) -> dict[str, str]:
    webhook_settings = {"WEBHOOK_BASE_URL": "https://bot.example.org", "WEBHOOK_SECRET": SECRET}
    return bot_env(
        tmp_path / "bot.sqlite3",
        BOT_TOKEN=TOKEN,
        BOT_API_URL=api.base_url,
        DELIVERY_RATE_LIMIT="15",
        WEB_SERVER_HOST="127.0.0.1",
        WEB_SERVER_PORT=str(port),
        LOG_FORMAT="json",
        **(webhook_settings if webhook else {}),
    )


def seed(tmp_path: Path, env: dict[str, str]) -> None:
    """The schema and data, SUBSCRIBERS readers of food retail, and one update queued for them."""
    run_cli("db", "upgrade", env=env, check=True)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        db.executemany(
            "INSERT INTO subscribers (chat_id, user_id, locale) VALUES (?, ?, ?)",
            [(100 + n, 100 + n, "ruenkkbe"[2 * (n % 4) : 2 * (n % 4) + 2]) for n in range(SUBSCRIBERS)],
        )
        db.executemany(
            "INSERT INTO subscriptions (chat_id, sector_id) VALUES (?, 'food_retail')",
            [(100 + n,) for n in range(SUBSCRIBERS)],
        )
    update = tmp_path / "update.toml"
    update.write_text(
        'sector = "food_retail"\noriginal = "en"\nsource = "https://zakon.kz/1"\n[text]\nen = "Dairy in Magnum"\n',
        encoding="utf-8",
    )
    run_cli("publish", str(update), env=env, check=True)


def states(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        return dict(db.execute("SELECT state, count(*) FROM deliveries GROUP BY state").fetchall())


async def wait_http(url: str, timeout: float = 60) -> None:
    async with asyncio.timeout(timeout), aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


def update(update_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": 555, "type": "private"},
            "from": {"id": 555, "is_bot": False, "first_name": "Web", "language_code": "kk"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_mode_and_sigterm_during_a_broadcast(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with BotApiStandin() as api:
        env = env_for(api, tmp_path, port, webhook=True)
        seed(tmp_path, env)
        bot = await BotProcess.start(env, tmp_path / "bot.log")
        try:
            await wait_http(f"{base}/healthz")
            [hook] = api.calls_of("setWebhook")
            assert hook.params["url"] == "https://bot.example.org/webhook"
            assert hook.params["secret_token"] == SECRET
            assert hook.params["max_connections"] == 100  # UPDATES_IN_FLIGHT's default
            assert "message" in hook.params["allowed_updates"]  # type: ignore[operator]

            async with aiohttp.ClientSession() as http:
                forged = await http.post(f"{base}/webhook", json=update(1, "/help"))
                assert forged.status == 401
                wrong = await http.post(
                    f"{base}/webhook",
                    json=update(2, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "no"},
                )
                assert wrong.status == 401
                real = await http.post(
                    f"{base}/webhook",
                    json=update(3, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert real.status == 200
                reply = await api.wait_for(
                    "sendMessage", lambda call: call.params.get("chat_id") == 555, timeout=10
                )
                assert "/turnover" in str(reply.params["text"])
                assert len([c for c in api.calls_of("sendMessage") if c.params.get("chat_id") == 555]) == 1

                # The broadcast is under way (15 a second for 60 chats): stop it half-way.
                await api.wait_until(lambda: api.counters.sent >= 15, timeout=20)
                metrics = await (await http.get(f"{base}/metrics")).text()
                assert 'bot_updates_total{type="message"} 1.0' in metrics
                assert "bot_deliveries" in metrics
            assert await bot.stop(grace=20) == 0
        finally:
            await bot.kill()
        output = bot.log()
        assert '"level": "ERROR"' not in output, output[-3000:]
        assert "TEST-token-webhook" not in output

        # Nothing half-written: each row is sent (and was delivered) or still pending.
        after_stop = states(tmp_path)
        delivered = {chat for chat, count in api.counters.delivered.items() if chat != 555 and count}
        assert set(after_stop) <= {"sent", "pending"}
        assert after_stop.get("sent", 0) == len(delivered)
        assert 0 < after_stop.get("pending", 0) < SUBSCRIBERS

        # The next start (polling this time) resumes the rest; nobody gets it twice.
        env = env_for(api, tmp_path, free_port(), webhook=False)
        again = await BotProcess.start(env, tmp_path / "bot-2.log")
        try:
            await api.wait_until(lambda: len(api.counters.delivered) >= SUBSCRIBERS + 1, timeout=30)
            assert await again.stop(grace=20) == 0
        finally:
            await again.kill()
        assert states(tmp_path) == {"sent": SUBSCRIBERS}
        assert api.counters.duplicates() == {}
