"""The HTTP session to the Bot API: requests as JSON where no file is sent, and errors that
never carry the token.

JSON: form encoding percent-escapes every non-ASCII byte, so a 1,265-character Cyrillic card
becomes 6.9 KB on the wire against 2.9 KB as JSON, and costs more CPU to build; the Bot API
takes both. Requests with files (a chart's first upload) stay multipart, as aiogram builds them.

The token is part of every request's URL (``/bot<token>/sendMessage``), and an error can
repeat it: an error page that echoes the path comes back inside aiogram's
``ClientDecodeError``, a malformed URL inside a ``TelegramNetworkError``. Whatever then shows
the error (a log line, ``/stats``, a traceback) would show the token, so it is taken out of
the error before the error is raised.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError, DetailedAiogramError, TelegramNetworkError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup
from aiohttp import ClientError, ClientTimeout
from cachetools import LRUCache

REDACTED = "***"
KEYBOARDS_KEPT = 1024  # inline keyboards whose JSON is kept (LRU)


class RedactedError(Exception):
    """Stands in for an error whose own text held the secret and could not be rewritten."""


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not known for known in seen):
        seen.append(current)
        # What a traceback prints: the cause, else the context unless suppressed.
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return seen


def _shows(error: BaseException, secret: str) -> bool:
    """Whether ``error`` or anything in its chain would print ``secret``."""
    return any(secret in f"{exc!s} {exc.args!r}" for exc in _chain(error))


def redact_error(error: BaseException, secret: str) -> BaseException:
    """``error`` with ``secret`` replaced by ``***`` in its text, its arguments and the data it
    carries; a cause or context that would still print it is cut off. The same object where
    possible, so that callers still see its type."""
    if not secret or not _shows(error, secret):
        return error

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(secret, REDACTED)
        if secret not in repr(value):
            return value
        if isinstance(value, BaseException):
            return RedactedError(clean(f"{type(value).__name__}: {value}"))
        return clean(repr(value))

    error.args = tuple(clean(arg) for arg in error.args)
    if isinstance(error, DetailedAiogramError):
        error.message = clean(error.message)
    if isinstance(error, ClientDecodeError):
        error.data = clean(error.data)
        error.original = clean(error.original)
    if any(_shows(link, secret) for link in _chain(error)[1:]):
        error.__cause__ = error.__context__ = None
    if _shows(error, secret):  # a __str__ of its own, built from fields we don't know
        replacement = RedactedError(f"{type(error).__name__}: {clean(str(error))}")
        replacement.__suppress_context__ = True
        return replacement
    return error


class JsonSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # aiogram reads every answer as ``Response[T]``; pydantic keeps such parametrized
        # classes only weakly, so once collected the next answer builds the class again (a few
        # hundred µs of CPU). One strong reference per result type keeps each built.
        self._response_types: dict[Any, type[Response[Any]]] = {}
        self._keyboards: LRUCache[int, tuple[InlineKeyboardMarkup, dict[str, Any]]] = LRUCache(
            maxsize=KEYBOARDS_KEPT
        )

    def build_json(self, bot: Bot, method: TelegramMethod[TelegramType]) -> dict[str, Any] | None:
        """The request as a JSON object, or None when it uploads a file."""
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        markup = getattr(method, "reply_markup", None)
        keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
        dumped = method.model_dump(warnings=False, exclude={"reply_markup"} if keyboard else None)
        for key, value in dumped.items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                body[key] = prepared
        if keyboard is not None:
            body["reply_markup"] = self._keyboard_json(keyboard, bot)
        return None if files else body

    def _keyboard_json(self, keyboard: InlineKeyboardMarkup, bot: Bot) -> dict[str, Any]:
        """``keyboard`` as JSON, prepared once per keyboard object: the screens' keyboards are
        built once and sent thousands of times (their buttons hold no file and no default)."""
        kept = self._keyboards.get(id(keyboard))
        if kept is None or kept[0] is not keyboard:  # the entry holds it: its id stays its own
            prepared = self.prepare_value(
                keyboard.model_dump(warnings=False), bot=bot, files={}, _dumps_json=False
            )
            kept = self._keyboards[id(keyboard)] = (keyboard, prepared)
        return kept[1]

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        body = self.build_json(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers={"Content-Type": "application/json"},
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=raw_result)
        return cast(TelegramType, response.result)


class RedactingSession(JsonSession):
    """aiogram's aiohttp session; every error it raises is passed through :func:`redact_error`."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        try:
            return await super().make_request(bot, method, timeout)
        except Exception as error:
            clean = redact_error(error, bot.token)
            if clean is error:
                raise
            raise clean from None
