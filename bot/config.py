"""Settings from the environment and ``.env`` (pydantic-settings).

Created once in ``bot.__main__`` and handed to the Dispatcher as ``settings``. A bad setting
becomes :class:`SettingsError`: one line naming the variable, never its value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.limits import TELEGRAM_ID_LIMIT
from bot.domain.models import Locale

_BASE_URL_RE = re.compile(r"^https?://[^\s/]+")
_URL_EXAMPLES = {
    "bot_api_url": "http://127.0.0.1:8081",
    "webhook_base_url": "https://bot.example.org",
    "comtrade_api_url": "https://comtradeapi.un.org",
}
_TOKEN_RE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and never shows its value."""


class Settings(BaseSettings):
    # env_ignore_empty: `WEBHOOK_SECRET=` as in .env.example means "not set", not "an empty secret".
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    bot_token: SecretStr | None = None
    bot_api_url: str = ""
    database_path: Path = Path("data/bot.sqlite3")
    data_dir: Path = Path("data")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_locale: Locale = Locale.RU
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    delivery_rate_limit: float = Field(default=25.0, gt=0, le=1000)
    log_format: Literal["text", "json"] = "text"
    # Flood control: at most FLOOD_LIMIT updates per FLOOD_WINDOW seconds from one user.
    flood_limit: int = Field(default=20, ge=1)
    flood_window: float = Field(default=10.0, gt=0)
    # Long polling: updates handled at once; the next ones wait, unread, until one is done.
    updates_in_flight: int = Field(default=100, ge=1)
    # Webhook mode when WEBHOOK_BASE_URL is set; long polling otherwise.
    webhook_base_url: str = ""
    webhook_path: str = "/webhook"
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    web_server_host: str = "0.0.0.0"  # noqa: S104 (a server in a container listens on all interfaces)
    web_server_port: int | None = Field(default=None, ge=1, le=65535)
    shutdown_timeout: float = Field(default=10.0, gt=0)
    # Official statistics (`data fetch`): without a key, Comtrade's public preview endpoint.
    comtrade_api_url: str = "https://comtradeapi.un.org"
    comtrade_api_key: SecretStr | None = None
    stats_refresh_hours: int = Field(default=0, ge=0)  # 0: fetch only when asked

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.fullmatch(value.get_secret_value()):
            raise ValueError("expected the form 123456:ABC-DEF… that @BotFather gives")
        return value

    @field_validator("bot_api_url", "webhook_base_url", "comtrade_api_url")
    @classmethod
    def _base_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip().rstrip("/")
        if value and not _BASE_URL_RE.match(value):
            raise ValueError(
                f"expected an http(s) base URL such as {_URL_EXAMPLES[info.field_name or '']}, or empty"
            )
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not re.fullmatch(r"/[A-Za-z0-9/_.-]*", value):
            raise ValueError("expected a path such as /webhook")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("use 1–256 characters A–Z, a–z, 0–9, _ and - (Telegram's rule)")
        if info.data.get("webhook_base_url") and value is None:
            raise ValueError("required when WEBHOOK_BASE_URL is set")
        return value

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_base_url)

    @property
    def webhook_url(self) -> str:
        return self.webhook_base_url + self.webhook_path

    @property
    def server_port(self) -> int | None:
        """Webhook mode always serves (8080 by default); polling only when a port is set."""
        return self.web_server_port or (8080 if self.webhook_mode else None)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError("expected comma-separated Telegram user ids, e.g. 123,456")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("admin_ids")
    @classmethod
    def _user_ids(cls, value: frozenset[int]) -> frozenset[int]:
        if not all(0 < user_id < TELEGRAM_ID_LIMIT for user_id in value):
            raise ValueError("a Telegram user id is a positive number below 2^52, e.g. 123,456")
        return value

    @field_validator("default_locale", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def require_token(self) -> SecretStr:
        if self.bot_token is None or not self.bot_token.get_secret_value():
            raise SettingsError(
                "BOT_TOKEN is not set: put the token from @BotFather in the environment or .env"
            )
        return self.bot_token


def load_settings(**overrides: object) -> Settings:
    """Build :class:`Settings`, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"][:1]).upper() or "settings"
            # error["msg"] never carries the input value; error["input"] might, so it is left out.
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid setting " + "; ".join(problems)) from None
