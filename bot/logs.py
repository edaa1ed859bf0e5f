"""Logging set-up: one line per record, and the bot token redacted wherever it appears."""

from __future__ import annotations

import logging

from pydantic import SecretStr

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message (and traceback text) with ``***``.

    aiogram and aiohttp errors can carry request URLs, and Telegram's URLs contain the token.
    """

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self._redact(message), None
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def configure_logging(level: str | int, token: SecretStr | None) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    secrets = [token.get_secret_value()] if token else []
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(*secrets))
