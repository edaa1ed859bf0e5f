"""Flood control and structured logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

import pytest
from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.app import create_dispatcher
from bot.callbacks import MenuAction, MenuCb
from bot.config import Settings
from bot.logs import JsonFormatter, KeyValueFormatter, UpdateContext
from bot.middlewares.throttling import ThrottlingMiddleware
from bot.store import Store
from bot.testing.client import BotClient
from tests.conftest import ADMIN_ID


class FakeClock:
    """Time that stands still until a test moves it on."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def strict_client(
    settings: Settings, store: Store, i18n: I18n, bot: Bot, clock: FakeClock
) -> Callable[..., BotClient]:
    strict = settings.model_copy(update={"flood_limit": 3, "flood_window": 0.5})
    dispatcher = create_dispatcher(strict, store, i18n)
    [throttling] = [m for m in dispatcher.message.outer_middleware if isinstance(m, ThrottlingMiddleware)]
    throttling.clock = clock

    def make(user_id: int, lang: str = "en") -> BotClient:
        return BotClient(dispatcher, bot, user_id=user_id, language_code=lang)

    return make


async def test_a_flooding_user_gets_one_notice_then_silence(
    strict_client: Callable[..., BotClient], i18n: I18n, clock: FakeClock
) -> None:
    client = strict_client(8001, "ru")
    answered = [len((await client.send("/help")).messages) for _ in range(3)]
    assert answered == [1, 1, 1]
    notice = await client.send("/help")
    expected = i18n.gettext("⏳ Too many requests. Please wait a few seconds and try again.", locale="ru")
    assert notice.last.text == expected
    assert "Too many" not in expected  # in the reader's language
    for _ in range(5):
        assert not (await client.send("/help")).messages  # ignored, no second notice
    clock.now += 0.55
    assert "/turnover" in (await client.send("/help")).last.text  # the window passed


async def test_flood_control_answers_button_spinners_and_spares_admins(
    strict_client: Callable[..., BotClient],
) -> None:
    client = strict_client(8002)
    for _ in range(3):
        await client.send("/help")
    help_button = MenuCb(action=MenuAction.HELP)
    notice = await client.press(help_button)
    assert (notice.assert_answered().text or "").startswith("⏳")
    again = await client.press(help_button)
    assert again.assert_answered().text is None  # just stops the spinner
    admin = strict_client(ADMIN_ID)
    assert all([len((await admin.send("/help")).messages) == 1 for _ in range(10)])


async def test_other_users_are_not_affected(strict_client: Callable[..., BotClient]) -> None:
    noisy, quiet = strict_client(8003), strict_client(8004)
    for _ in range(10):
        await noisy.send("/help")
    assert "/turnover" in (await quiet.send("/help")).last.text


def capture(formatter: logging.Formatter) -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(UpdateContext())
    return handler, stream


@pytest.mark.parametrize("formatter", [JsonFormatter(), KeyValueFormatter()])
async def test_log_lines_carry_update_and_user_but_not_the_text(
    make_client: Callable[..., BotClient], formatter: logging.Formatter
) -> None:
    handler, stream = capture(formatter)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        await make_client("en", user_id=8101).send("my secret business plan")
        logging.getLogger("bot.test").info("outside any update")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [line for line in stream.getvalue().splitlines() if line]
    assert lines, "aiogram logs each handled update"
    assert "secret business plan" not in stream.getvalue()
    handled = [line for line in lines if "handled in" in line and "8101" in line]
    assert handled, lines
    if isinstance(formatter, JsonFormatter):
        record = json.loads(handled[0])
        assert record["user_id"] == 8101
        assert isinstance(record["update_id"], int)
        assert json.loads(lines[-1])["msg"] == "outside any update"
        assert "user_id" not in json.loads(lines[-1])
    else:
        assert "user_id=8101" in handled[0]
        assert "update_id=" in handled[0]
        assert all(line.startswith("ts=") for line in lines)
