"""Settings: a missing or malformed one stops start-up with one line naming it, no secret shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.conftest import REPO

SECRET = "123456:VERY-secret-value"


# `python -m bot run`, telling on stdout whether aiogram was imported before it stopped.
_RUN = (
    "import sys\n"
    "from bot.__main__ import main\n"
    "code = main(['run'])\n"
    "print('aiogram imported' if 'aiogram' in sys.modules else 'aiogram not imported')\n"
    "sys.exit(code)\n"
)


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DEFAULT_"))}
    clean.update({"DATABASE_PATH": str(tmp_path / "s.sqlite3"), **env})
    return subprocess.run(
        [sys.executable, "-c", _RUN],
        cwd=tmp_path,  # no .env there
        env={**clean, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_token(tmp_path: Path) -> None:
    done = run_bot(tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: BOT_TOKEN is not set: put the token from @BotFather in the environment or .env"
    ]
    assert done.stdout.strip() == "aiogram not imported"  # fails fast, before the heavy import


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"BOT_TOKEN": "VERY-secret-value-without-id"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": SECRET, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": SECRET, "DEFAULT_LOCALE": "de"}, "DEFAULT_LOCALE"),
        ({"BOT_TOKEN": SECRET, "BOT_API_URL": "ftp://x"}, "BOT_API_URL"),
    ],
)
def test_malformed_setting_is_named_in_one_line_without_its_value(
    tmp_path: Path, env: dict[str, str], name: str
) -> None:
    done = run_bot(tmp_path, **env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: invalid setting {name}:"), done.stderr
    assert "secret" not in done.stderr.lower()
    assert done.stdout.strip() == "aiogram not imported"


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 1, 22 ,333 ")
    monkeypatch.setenv("BOT_TOKEN", SECRET)
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_token_is_required_only_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    settings = load_settings(_env_file=None)
    with pytest.raises(SettingsError, match="BOT_TOKEN is not set"):
        settings.require_token()


def test_a_copy_of_env_example_is_a_valid_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith(
            (
                "BOT_",
                "WEBHOOK_",
                "WEB_SERVER_",
                "ADMIN_",
                "DEFAULT_",
                "FLOOD_",
                "LOG_",
                "DELIVERY_",
                "COMTRADE_",
                "STATS_",
            )
        ):
            monkeypatch.delenv(name)
    env_file = tmp_path / ".env"
    env_file.write_text((REPO / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(_env_file=env_file)
    assert settings.bot_token is None
    assert not settings.webhook_mode
    assert settings.server_port is None
    assert settings.delivery_rate_limit == 25
    assert settings.comtrade_api_url == "https://comtradeapi.un.org"
    assert settings.comtrade_api_key is None  # empty: the preview endpoint
    assert settings.stats_refresh_hours == 0
    with pytest.raises(SettingsError, match="BOT_TOKEN is not set"):
        settings.require_token()


def test_comtrade_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMTRADE_API_URL", "http://127.0.0.1:8090/")
    monkeypatch.setenv("COMTRADE_API_KEY", "comtrade-VERY-secret")
    monkeypatch.setenv("STATS_REFRESH_HOURS", "24")
    settings = load_settings(_env_file=None)
    assert settings.comtrade_api_url == "http://127.0.0.1:8090"
    assert settings.comtrade_api_key is not None
    assert settings.comtrade_api_key.get_secret_value() == "comtrade-VERY-secret"
    assert settings.stats_refresh_hours == 24
    assert "VERY-secret" not in repr(settings) and "VERY-secret" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COMTRADE_API_URL", "comtradeapi.un.org"),
        ("STATS_REFRESH_HOURS", "-1"),
        ("STATS_REFRESH_HOURS", "daily"),
    ],
)
def test_malformed_comtrade_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^invalid setting {name}:"):
        load_settings(_env_file=None)
