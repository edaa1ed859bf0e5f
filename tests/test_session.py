"""Requests go to the Bot API as JSON (smaller, cheaper to build) unless they upload a file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.session import JsonSession

TOKEN = "42:TEST_token_for_the_session_test"


@pytest.fixture
async def api() -> AsyncIterator[tuple[TestServer, list[tuple[str, Any]]]]:
    seen: list[tuple[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            seen.append(("json", await request.json()))
        else:
            seen.append((request.content_type, dict(await request.post())))
        message = {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}}
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server, seen
    await server.close()


async def test_a_message_goes_as_json_with_its_text_and_buttons_intact(
    api: tuple[TestServer, list[tuple[str, Any]]],
) -> None:
    server, seen = api
    session = JsonSession(api=TelegramAPIServer.from_base(str(server.make_url(""))))
    bot = Bot(TOKEN, session=session)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="2024", callback_data="t1:2024")]]
    )
    try:
        await bot(SendMessage(chat_id=7, text="<b>Товарооборот</b> +17 %", reply_markup=markup))
    finally:
        await session.close()
    kind, body = seen[0]
    assert kind == "json"
    assert body["text"] == "<b>Товарооборот</b> +17 %"
    assert body["reply_markup"]["inline_keyboard"][0][0] == {"text": "2024", "callback_data": "t1:2024"}


def test_an_upload_stays_multipart() -> None:
    bot = Bot(TOKEN, session=JsonSession())
    photo = SendPhoto(chat_id=7, photo=BufferedInputFile(b"\x89PNG", "chart.png"), caption="c")
    assert JsonSession().build_json(bot, photo) is None
    assert JsonSession().build_json(bot, SendMessage(chat_id=7, text="x")) == {"chat_id": 7, "text": "x"}
