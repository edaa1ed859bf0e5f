"""``python -m bot chat``: the bot in a terminal, no token, no Telegram."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.testing.process import bot_env, run_cli


def chat(tmp_path: Path, lang: str, typed: str) -> str:
    done = run_cli("chat", "--lang", lang, env=bot_env(tmp_path / "chat.sqlite3"), input=typed)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ru", "Сальдо"), ("en", "Balance"), ("kk", "Сальдо"), ("be", "Сальда")],
)
def test_turnover_in_the_terminal(tmp_path: Path, lang: str, expected: str) -> None:
    out = chat(tmp_path, lang, "/turnover 2025-08\n")
    assert expected in out
    assert "<b>" not in out  # HTML is rendered as text
    assert "[1] " in out  # buttons are numbered


def test_buttons_are_pressed_by_number(tmp_path: Path) -> None:
    out = chat(tmp_path, "en", "/sectors\n1\n")
    assert "bot (edited)>" in out
    assert "Sources" in out


def test_questions_and_inline_mode_in_the_terminal(tmp_path: Path) -> None:
    out = chat(tmp_path, "en", "what about Magnum?\n@food retail\n")
    assert "Collaboration with the Magnum chain" in out
    assert "bot (inline)>" in out and "Food and retail" in out
