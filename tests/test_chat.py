"""``python -m bot chat``: the bot in a terminal, no token, no Telegram."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO


def chat(tmp_path: Path, lang: str, typed: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env.update({"DATABASE_PATH": str(tmp_path / "chat.sqlite3"), "DATA_DIR": str(DATA)})
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--lang", lang],
        cwd=REPO,
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
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
