"""The test tools in ``bot/testing`` must themselves catch what they are there to catch: the HTML
checker what Telegram refuses, ``assert_answered`` a forgotten answer; and production code must
not lean on them."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.types import CallbackQuery

from bot.callbacks import TurnoverCb
from bot.testing.client import BotClient
from bot.testing.limits import png_size, utf16_length
from bot.testing.session import RecordingSession
from bot.testing.settings import REPO
from bot.testing.telegram_html import html_problems, markup_problems


@pytest.mark.parametrize(
    "text",
    [
        '<b>bold</b> <i>it</i> <a href="https://x.y/?a=1&amp;b=2">link</a> &lt;3 &amp; &quot;',
        "<blockquote expandable>q</blockquote> <tg-spoiler>s</tg-spoiler> <code>c</code>",
        '<tg-time unix="1700000000" format="wDT">Nov 14</tg-time> <span class="tg-spoiler">s</span>',
        "x" * 4096,
        "🙂" * 2048,
    ],
)
def test_valid(text: str) -> None:
    assert html_problems(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "<div>x</div>",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "a < b",
        "R&D",
        "&nbsp;",
        "<a>no href</a>",
        "<br/>",
        "x" * 4097,
        "🙂" * 2049,
        "",
        "<b> </b>",
    ],
)
def test_invalid(text: str) -> None:
    assert html_problems(text)


def test_markup_problems_leave_length_and_emptiness_to_html_problems() -> None:
    assert markup_problems("<b> </b>") == []
    assert markup_problems("x" * 5000) == []
    assert html_problems("<b> </b>") == ["empty text"]
    assert markup_problems("R&D") == ["bare '&' at 1"]


def test_lengths_in_utf16_units_and_png_sizes() -> None:
    assert utf16_length("a🙂я") == 4
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000002800000012c08060000")
    assert png_size(png) == (640, 300)
    assert png_size(b"GIF89a" + bytes(30)) is None


async def test_buttons_are_found_by_label_data_and_position(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    shown = (await client.send("/turnover")).last
    by_data = shown.button_with_data(TurnoverCb(period="2024"))
    assert by_data is shown.button("2024")
    assert shown.button_with_data(TurnoverCb(period="2024").pack()) is by_data
    assert shown.button_at(0, 0) is shown.buttons[0]
    with pytest.raises(LookupError, match="0 buttons carry 't1:1850'"):
        shown.button_with_data(TurnoverCb(period="1850"))
    with pytest.raises(LookupError, match=r"no button at \(99, 0\)"):
        shown.button_at(99)
    switched = await client.click(shown, TurnoverCb(period="2024"))
    assert switched.assert_answered().callback_query_id == switched.callback_query_id
    assert "<b>2024</b>" in switched.last.text


async def test_updates_handled_at_once_keep_their_own_replies(make_client: Callable[..., BotClient]) -> None:
    clients = [make_client("en"), make_client("ru"), make_client("kk")]
    replies = await asyncio.gather(*(client.send("/help") for client in clients))
    for client, got in zip(clients, replies, strict=True):
        assert [reply.method.chat_id for reply in got.messages] == [client.user_id]  # type: ignore[attr-defined]


async def test_assert_answered_catches_a_forgotten_answer() -> None:
    router = Router()

    @router.callback_query()
    async def forgetful(callback: CallbackQuery, bot: Bot) -> None:
        await bot.send_message(callback.from_user.id, "pressed")  # and no callback.answer()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    client = BotClient(dispatcher, Bot("42:TEST-token", session=RecordingSession()))
    pressed = await client.press("anything")
    assert pressed.last.text == "pressed"
    with pytest.raises(AssertionError, match="answered 0 times"):
        pressed.assert_answered()
    with pytest.raises(AssertionError, match="not an answer to a button press"):
        (await client.send("/start")).assert_answered()


def test_production_code_does_not_import_the_test_tools() -> None:
    """bot/testing is for tests, benchmarks and the terminal chat (bot/chat.py) only."""
    offenders = []
    for path in sorted((REPO / "bot").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith("bot/testing/") or relative == "bot/chat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{relative}: {name}" for name in names if name.startswith("bot.testing")]
    assert offenders == []
