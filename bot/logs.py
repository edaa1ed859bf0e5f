"""Logging: one line per event, as ``key=value`` or JSON, tagged with the update and user it
belongs to, and with the bot token redacted wherever it appears. Message texts are never
logged at INFO."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sys
import threading
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Literal

from pydantic import SecretStr

# Set by the observe middleware for the duration of one update.
update_context: ContextVar[dict[str, Any] | None] = ContextVar("update_context", default=None)


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
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class UpdateContext(logging.Filter):
    """Adds ``update_id`` and ``user_id`` of the update being handled, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = update_context.get() or {}
        record.update_id = context.get("update_id")
        record.user_id = context.get("user_id")
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "msg": record.getMessage(),
    }
    for key in ("update_id", "user_id"):
        value = getattr(record, key, None)
        if value is not None:
            fields[key] = value
    return fields


class KeyValueFormatter(logging.Formatter):
    """``ts=… level=INFO logger=bot.app msg="…" update_id=7 user_id=42``, one line."""

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        for key, value in _fields(record).items():
            text = str(value)
            if key == "msg" or any(c in text for c in ' "='):
                text = json.dumps(text, ensure_ascii=False)
            parts.append(f"{key}={text}")
        line = " ".join(parts)
        if record.exc_info or record.exc_text:
            trace = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
            line += " exc=" + json.dumps(trace, ensure_ascii=False)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        if record.exc_info or record.exc_text:
            fields["exc"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(fields, ensure_ascii=False)


def configure_logging(
    level: str | int, token: SecretStr | None, log_format: Literal["text", "json"] = "text"
) -> None:
    """One handler on the root logger, and everything Python would otherwise print to stderr
    on its own (uncaught exceptions, also in threads; exceptions it can't raise; warnings)
    routed through it, so that the token filter sees every line."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else KeyValueFormatter())
    secrets = [token.get_secret_value()] if token else []
    handler.addFilter(UpdateContext())
    handler.addFilter(RedactSecrets(*secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram's own "Update id=… is handled" comes after the update's context is gone; the
    # observe middleware writes that line itself, with the update and user ids.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    sys.excepthook = log_uncaught
    threading.excepthook = lambda args: log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)
    sys.unraisablehook = _log_unraisable
    logging.captureWarnings(True)


_crash_log = logging.getLogger("bot.crash")


def log_uncaught(
    exc_type: type[BaseException], exc: BaseException | None, traceback: TracebackType | None
) -> None:
    """``sys.excepthook``: the traceback as one log line, through the filters."""
    if issubclass(exc_type, KeyboardInterrupt):
        return
    _crash_log.critical("stopped by an unexpected error: %s", exc_type.__name__, exc_info=exc)


def _log_unraisable(unraisable: Any) -> None:
    _crash_log.error(
        "an error Python could not raise: %s", unraisable.err_msg or "", exc_info=unraisable.exc_value
    )


def log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's exception handler ("Task exception was never retrieved" and the like)."""
    exc = context.get("exception")
    message = context.get("message") or "an error in the event loop"
    logging.getLogger("asyncio").error(
        "%s", message, exc_info=exc if isinstance(exc, BaseException) else None
    )
