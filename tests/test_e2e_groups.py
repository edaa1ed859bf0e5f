"""End to end: the bot as a process in a group and with a channel, against the Bot API stand-in.

The bot is added to a group; a member's chatter gets no answer, the member's /subscribe gets
the admins-only note, a mention gets an answer and the admin's /subscribe goes through. The
channel's administrator connects a channel with /channel add and ticks a sector. A published
fact reaches both; after the bot is removed from the group (my_chat_member) the next one
reaches the channel only.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.callbacks import ChannelCb, PublishAction, PublishCb
from bot.testing.members import chat_member
from bot.testing.process import BotProcess, bot_env
from bot.testing.standin import ApiCall, BotApiStandin

pytestmark = pytest.mark.slow  # the bot as a process

TOKEN = "123456:TEST-token-groups"
BOT_ID = 123456  # the token's numeric part, as on Telegram
GROUP, CHANNEL = -100200300, -100400500
EDITOR, ADMIN, MEMBER = 3100, 3101, 3102  # EDITOR is in ADMIN_IDS; ADMIN administers both chats
STEP = 10.0


SOURCE_URL = "https://example.org/it-news"


class Scene:
    def __init__(self, api: BotApiStandin, bot: BotProcess) -> None:
        self.api, self.bot = api, bot

    async def expect(self, method: str, chat_id: int, what: str, contains: str = "") -> ApiCall:
        def matches(call: ApiCall) -> bool:
            return call.params.get("chat_id") == chat_id and contains in str(call.params.get("text", ""))

        try:
            call = await self.bot.outlive(self.api.wait_for(method, matches, timeout=STEP), what)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        assert call.ok, f"{what}: Telegram would refuse it: {call.status} {call.description}"
        return call

    def in_group(self, text: str, user_id: int) -> None:
        """``user_id`` writes ``text`` in the group; ``@bk_trade_bot`` in it is a mention."""
        user = self.api.chats.user(user_id, "ru", "Member", None)
        message: dict[str, Any] = {
            "message_id": self.api.chats.next_message_id(GROUP),
            "date": int(time.time()),
            "chat": self.api.chats.chat(GROUP),
            "from": user,
            "text": text,
        }
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        if "@bk_trade_bot" in text:
            entities.append({"type": "mention", "offset": text.index("@bk_trade_bot"), "length": 13})
        if entities:
            message["entities"] = entities
        self.api.push_update({"message": message})

    def membership(self, chat_id: int, old: str, new: str) -> None:
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "BK Trade Bot", "username": "bk_trade_bot"}
        self.api.push_update(
            {
                "my_chat_member": {
                    "chat": self.api.chats.chat(chat_id),
                    "from": self.api.chats.user(ADMIN, "ru", "Admin", None),
                    "date": int(time.time()),
                    "old_chat_member": chat_member(old, BOT_ID, bot_user),
                    "new_chat_member": chat_member(new, BOT_ID, bot_user),
                }
            }
        )

    async def publish(self, text: str) -> None:
        """The editor publishes ``text`` to IT (confirming a preview, if the bot shows one)."""
        self.api.push_message(f"/publish it {text} {SOURCE_URL}", user_id=EDITOR, language_code="en")
        confirm = PublishCb(action=PublishAction.CONFIRM).pack()
        preview = await self.expect("sendMessage", EDITOR, f"the preview of {text!r}", contains=text)
        assert SOURCE_URL in str(preview.params["text"])
        question = await self.expect(
            "sendMessage", EDITOR, f"the question under the preview of {text!r}", contains="exactly as"
        )
        markup = question.params.get("reply_markup") or {}
        assert any(
            b.get("callback_data") == confirm for row in markup.get("inline_keyboard", []) for b in row
        )
        self.api.push_callback(question.result, confirm, user_id=EDITOR)


def group_active(database: Path) -> int | None:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT active FROM subscribers WHERE chat_id = ?", (GROUP,)).fetchone()
    return None if row is None else int(row[0])


async def until_removed(database: Path) -> None:
    """Until the group's subscriptions are off (the kick has no reply to wait for)."""
    for _ in range(int(STEP / 0.05)):
        if group_active(database) == 0:
            return
        await asyncio.sleep(0.05)
    pytest.fail("the group is still subscribed after the bot was removed")


async def test_a_group_and_a_channel_end_to_end(tmp_path: Path, loaded_database: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    shutil.copyfile(loaded_database, database)  # start-up finds data/ loaded: no load to wait for
    async with BotApiStandin() as api:
        api.chats.add_chat(GROUP, "supergroup", "Trade desk")
        api.chats.add_chat(CHANNEL, "channel", "BY–KZ news", username="bykz_news")
        api.chats.set_member(GROUP, ADMIN, "administrator")
        api.chats.set_member(CHANNEL, ADMIN, "creator")
        api.chats.set_member(CHANNEL, BOT_ID, "administrator")
        env = bot_env(database, BOT_TOKEN=TOKEN, BOT_API_URL=api.base_url, ADMIN_IDS=str(EDITOR))
        bot = await BotProcess.start(env, tmp_path / "bot.log")
        scene = Scene(api, bot)
        try:
            await bot.wait_until_polling(api, within=60)
            scene.membership(GROUP, "left", "member")
            # Chatter first: the first message the bot sends to the group must be the refusal.
            scene.in_group("всем привет", MEMBER)
            scene.in_group("/subscribe it", MEMBER)
            refused = await scene.expect("sendMessage", GROUP, "the admins-only note")
            assert "администраторы" in refused.params["text"], refused.params["text"]
            scene.in_group("@bk_trade_bot что с Магнумом", MEMBER)
            answer = await scene.expect("sendMessage", GROUP, "the answer to a mention")
            assert "Magnum" in answer.params["text"] or "Магнум" in answer.params["text"]
            scene.in_group("/subscribe it", ADMIN)
            await scene.expect("sendMessage", GROUP, "the admin's /subscribe", contains="✅")

            api.push_message("/channel add @bykz_news", user_id=ADMIN, language_code="en")
            connected = await scene.expect("sendMessage", ADMIN, "/channel add", contains="is connected")
            api.push_callback(
                connected.result, ChannelCb(chat_id=CHANNEL, sector_id="it").pack(), user_id=ADMIN
            )
            await scene.expect("editMessageReplyMarkup", ADMIN, "the channel's IT toggle")

            await scene.publish("An IT park opens in Astana.")
            await scene.expect("sendMessage", GROUP, "the fact in the group", contains="IT park")
            await scene.expect("sendMessage", CHANNEL, "the fact in the channel", contains="IT park")

            scene.membership(GROUP, "member", "kicked")
            await until_removed(database)
            await scene.publish("A second IT forum.")
            await scene.expect("sendMessage", CHANNEL, "the second fact in the channel", contains="second IT")
        finally:
            returncode = await bot.stop(grace=10)
        to_group = [c for c in api.calls_of("sendMessage") if c.params.get("chat_id") == GROUP]
    assert not [c for c in to_group if "second IT" in str(c.params.get("text"))], "a removed group got a fact"
    assert [c.params["text"] for c in to_group if "привет" in str(c.params.get("text"))] == []
    log = bot.log()
    assert "Traceback" not in log and "ERROR" not in log, log[-4000:]
    assert returncode == 0, log[-2000:]
