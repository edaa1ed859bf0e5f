"""``python -m bot chat``: the bot in a terminal, no token, no Telegram.

The conversations run in this process (``bot.chat.chat`` reading a typed script from stdin);
one test starts the real command line to check that it needs no token.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.chat import chat
from bot.config import Settings
from bot.testing.process import bot_env, run_cli
from tests.conftest import copy_loaded

Typed = Callable[[str, str], Awaitable[str]]


@pytest.fixture
def typed(settings: Settings, loaded_database: Path, monkeypatch: pytest.MonkeyPatch) -> Typed:
    """What the terminal shows when a script is typed in a language, line by line, then Ctrl-D."""
    copy_loaded(loaded_database, settings)

    async def chat_with(lang: str, script: str) -> str:
        shown = io.StringIO()
        monkeypatch.setattr("sys.stdin", io.StringIO(script))
        monkeypatch.setattr("sys.stdout", shown)
        await chat(settings, lang)
        return shown.getvalue()

    return chat_with


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ru", "Сальдо"), ("en", "Balance"), ("kk", "Сальдо"), ("be", "Сальда")],
)
async def test_turnover_in_the_terminal(typed: Typed, lang: str, expected: str) -> None:
    out = await typed(lang, "/turnover 2025-08\n")
    assert expected in out
    assert "<b>" not in out  # HTML is rendered as text
    assert "[1] " in out  # buttons are numbered


async def test_buttons_are_pressed_by_number(typed: Typed) -> None:
    out = await typed("en", "/sectors\n1\n")
    assert "bot (edited)>" in out
    assert "Sources" in out


async def test_questions_and_inline_mode_in_the_terminal(typed: Typed) -> None:
    out = await typed("en", "what about Magnum?\n@food retail\n")
    assert "Collaboration with the Magnum chain" in out
    assert "bot (inline)>" in out and "Food and retail" in out


async def test_a_question_naming_a_year_gets_that_years_card(typed: Typed) -> None:
    """Issue 10's check: "оборот в долларах за 2024" is the 2024 card, not 2018's."""
    out = await typed("ru", "оборот в долларах за 2024\n")
    card = out.split("bot> ", 1)[1]
    assert card.startswith("📊 Торговля Беларуси и Казахстана\n2024\n")
    assert "💵 Последний известный объём, 2024: 1,1\xa0млрд\xa0$" in card
    assert "• 2024 •" in card  # the period button shown as the current one


@pytest.mark.slow
def test_the_command_needs_no_token(tmp_path: Path) -> None:
    done = run_cli(
        "chat", "--lang", "en", env=bot_env(tmp_path / "chat.sqlite3"), input="/turnover 2025-08\n"
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Balance" in done.stdout
    assert "[1] " in done.stdout
