"""Settings for a bot that never reaches Telegram, and where the checkout is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]  # the checkout: bot/testing/settings.py → ../..
DATA = REPO / "data"
TEST_TOKEN = "123456:TEST-token"


def offline_settings(database_path: Path, **overrides: Any) -> Settings:
    """A made-up token, the checkout's ``data/``, no ``.env``; ``overrides`` by field name
    (``admin_ids=frozenset({777})``, ``flood_limit=10**9``, ``webhook_secret=SecretStr(...)``)."""
    values: dict[str, Any] = {
        "bot_token": SecretStr(TEST_TOKEN),
        "database_path": database_path,
        "data_dir": DATA,
        **overrides,
    }
    return Settings(_env_file=None, **values)
