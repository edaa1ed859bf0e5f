"""End to end: an editor publishes, edits and withdraws a fact with ``python -m bot run`` as a
real process against the local Bot API stand-in. The fact reaches a private chat, a group and
a channel; the edit and the deletion reach each of them, through the outbox."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.testing.process import BotProcess, bot_env
from bot.testing.standin import ApiCall, BotApiStandin

pytestmark = pytest.mark.slow  # the bot as a process

TOKEN = "123456:TEST-token-e2e-publish"
ADMIN = 777
READERS = {3001: "ru", -3002: "en", -1003003: "kk"}  # a private chat, a group, a channel
SOURCE = "https://www.zakon.kz/ekonomika/magnum-belarus.html"
STEP = 15.0


def seed(loaded_database: Path, path: Path) -> None:
    shutil.copyfile(loaded_database, path)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO subscribers (chat_id, user_id, locale) VALUES (?, ?, ?)",
            [(chat, chat if chat > 0 else None, locale) for chat, locale in READERS.items()],
        )
        db.executemany(
            "INSERT INTO subscriptions (chat_id, sector_id) VALUES (?, 'food_retail')",
            [(c,) for c in READERS],
        )


def button(call: ApiCall, label: str) -> str:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in markup.get("inline_keyboard", []):
        for key in row:
            if key["text"] == label:
                return str(key["callback_data"])
    raise AssertionError(f"no {label!r} under {call.params.get('text')!r}")


async def test_publish_edit_and_withdraw_reach_a_chat_a_group_and_a_channel(
    tmp_path: Path, loaded_database: Path
) -> None:
    seed(loaded_database, tmp_path / "bot.sqlite3")
    async with BotApiStandin() as api:
        env = bot_env(
            tmp_path / "bot.sqlite3",
            BOT_TOKEN=TOKEN,
            BOT_API_URL=api.base_url,
            ADMIN_IDS=str(ADMIN),
            LOG_LEVEL="INFO",
        )
        bot = await BotProcess.start(env, tmp_path / "bot.log")

        async def expect(method: str, what: str, **match: Any) -> ApiCall:
            def wanted(call: ApiCall) -> bool:
                return all(
                    (value(call.params.get(key)) if callable(value) else call.params.get(key) == value)
                    for key, value in match.items()
                )

            call = await bot.outlive(api.wait_for(method, wanted, timeout=STEP), what)
            assert call.ok, f"{what}: Telegram would refuse it: {call.description}"
            return call

        def has(text: str) -> Any:
            return lambda value: text in str(value or "")

        try:
            await bot.wait_until_polling(api, within=60)
            api.push_message(f"/publish food_retail Dairy counters open in Magnum {SOURCE}", user_id=ADMIN)
            await expect("sendMessage", "the preview", chat_id=ADMIN, text=has("zakon.kz</a>"))
            confirm = await expect(
                "sendMessage", "the confirmation", chat_id=ADMIN, text=has("Send it to 3 chats")
            )
            api.push_callback(confirm.result, button(confirm, "✅ Publish"), user_id=ADMIN)
            progress = await expect(
                "sendMessage", "the progress message", chat_id=ADMIN, text=has("Update #1")
            )
            delivered = {}
            for chat in READERS:
                sent = await expect(
                    "sendMessage", f"the fact in {chat}", chat_id=chat, text=has("Dairy counters")
                )
                assert str(sent.params["text"]).endswith("zakon.kz</a>")
                delivered[chat] = sent.result["message_id"]
            done = await expect(
                "editMessageText",
                "the summary",
                message_id=progress.result["message_id"],
                reply_markup=has("✏️ Edit"),
            )

            api.push_callback(done.result, button(done, "✏️ Edit"), user_id=ADMIN)
            await expect("sendMessage", "the request for the new text", chat_id=ADMIN, text=has("new text"))
            api.push_message("Dairy and cheese counters open in Magnum", user_id=ADMIN)
            save = await expect(
                "sendMessage", "the edit's confirmation", chat_id=ADMIN, text=has("Replace it")
            )
            api.push_callback(save.result, button(save, "✅ Save"), user_id=ADMIN)
            for chat, message_id in delivered.items():
                await expect(
                    "editMessageText",
                    f"the edit in {chat}",
                    chat_id=chat,
                    message_id=message_id,
                    text=has("cheese"),
                )
            edited = await expect(
                "editMessageText", "the summary after the edit", chat_id=ADMIN, text=has("edited in 3 chats")
            )

            api.push_callback(edited.result, button(edited, "🗑 Withdraw"), user_id=ADMIN)
            sure = await expect(
                "editMessageReplyMarkup", "the question", chat_id=ADMIN, reply_markup=has("Yes")
            )
            api.push_callback(sure.result, button(sure, "🗑 Yes, withdraw everywhere"), user_id=ADMIN)
            for chat, message_id in delivered.items():
                await expect("deleteMessage", f"the deletion in {chat}", chat_id=chat, message_id=message_id)
            await expect(
                "editMessageText", "the final summary", chat_id=ADMIN, text=has("withdrawn in 3 chats")
            )
            await asyncio.sleep(0.5)  # anything sent after this would be refused below
        finally:
            returncode = await bot.stop(grace=10)
        # A call with no response yet is the long poll that was under way when the bot stopped.
        refused = [f"{c.method} {c.description}" for c in api.calls if c.response and not c.ok]

    log = bot.log()
    assert not refused, f"Telegram would have refused: {refused}"
    assert "Traceback" not in log, log[-4000:]
    assert "ERROR" not in log, log[-4000:]
    assert returncode == 0, log[-2000:]
