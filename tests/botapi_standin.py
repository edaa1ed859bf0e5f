"""A small local stand-in for the Telegram Bot API, for tests.

It listens on 127.0.0.1 only and answers ``POST {base_url}/bot{token}/{method}`` the way Telegram
does (``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``),
so a real aiogram ``Bot`` — in the test process or in a bot subprocess — can talk to it through
``TelegramAPIServer.from_base(api.base_url)``::

    async with BotApiStandin() as api:
        ...  # start the bot with BOT_API_URL=api.base_url
        await api.wait_for("getUpdates")  # the bot is polling
        api.push_message("/start", user_id=1001, language_code="en")
        call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 1001)
        call.params["text"]  # the raw text the bot sent (HTML and all)
        call.result  # the Message returned to the bot, e.g. for api.push_callback(call.result, ...)

Every request is recorded as an :class:`ApiCall` (method, params with JSON strings decoded, the
response). ``getUpdates`` is recorded when it arrives (its response is filled in when it returns);
everything else once answered.

Like Telegram, it refuses (HTTP 400) what Telegram would refuse in the usual places — broken HTML
in ``parse_mode="HTML"`` texts, empty or over-long texts, callback data over 64 bytes, an edit that
changes nothing — unless created with ``validate=False``. Failures can also be injected with
:meth:`BotApiStandin.fail_next`.

For broadcasts (the delivery worker, ``bench/delivery.py``) ``sendMessage`` can be limited and
made to fail the way Telegram does under load::

    api = BotApiStandin(
        send_limit=30,  # messages a second over a sliding 1-second window, past it 429 retry_after
        per_chat_limit=1,  # and one a second to any one chat
        faults=FaultPlan(
            server_error_rate=0.01,  # 500/502 with a JSON body, at random
            timeout_rate=0.005,  # no answer: the connection closed (after timeout_delay)
            blocked={5, 6},  # 403 Forbidden: bot was blocked by the user, every time
            not_found={7},  # 400 Bad Request: chat not found
            migrate={-8: -1008},  # 400 with parameters.migrate_to_chat_id
            server_errors={9: 2},  # chat 9: two 5xx, then it goes through
        ),
        record=False,  # count, don't keep every call and message (memory at 20,000 messages)
    )
    api.counters.delivered[chat_id]  # successful sendMessage calls to that chat
    api.counters.too_many_requests, api.counters.faults["server_error"], api.counters.duplicates()
    await api.wait_until(lambda: api.counters.sent >= 100)

The limits and faults apply to the methods in ``limited_methods`` (``sendMessage`` by default);
a 429 comes first (a refused request is not counted against the window), then the chat's own
faults (blocked, not found, migrated, scripted failures), then the random ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

__all__ = ["ApiCall", "BotApiStandin", "FaultPlan", "SendCounters", "plain_text"]

Json = Any
Predicate = Callable[["ApiCall"], bool]

# Form values are strings; these keys are decoded as JSON/ints/bools, the others stay strings.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "title",
        "name",
        "query",
        "question",
        "explanation",
        "address",
        "first_name",
        "last_name",
        "custom_title",
        "data",
        "callback_data",
        "url",
        "parse_mode",
        "language_code",
        "action",
        "emoji",
        "message_effect_id",
        "business_connection_id",
    }
)
_STRING_ID_KEYS = frozenset(
    {"callback_query_id", "inline_message_id", "inline_query_id", "file_id", "shipping_query_id"}
)
_INT_KEYS = frozenset(
    {"offset", "limit", "timeout", "cache_time", "duration", "width", "height", "until_date", "retry_after"}
)
_INT_RE = re.compile(r"-?\d+")

_ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre"}
    | {"blockquote", "tg-emoji", "tg-time"}
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ANY_TAG_RE = re.compile(r"<[^<>]*>")

_MESSAGE_LIMIT = 4096
_CAPTION_LIMIT = 1024
_CALLBACK_DATA_LIMIT = 64
_CALLBACK_ANSWER_LIMIT = 200
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)


class ApiError(Exception):
    """Raised inside a method handler to answer with ``{"ok": false, ...}``."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        *,
        parameters: Mapping[str, Json] | None = None,
        fault: str | None = None,
        raw: tuple[str, str] | None = None,
    ) -> None:
        """``fault``: the counter (in :attr:`SendCounters.faults`) an injected failure counts in;
        ``raw``: (body, content type) to answer with instead of Telegram's JSON."""
        super().__init__(description)
        self.raw = raw
        self.status = status
        self.description = description
        self.parameters = dict(parameters or {})
        if retry_after is not None:
            self.parameters["retry_after"] = retry_after
        self.fault = fault

    @property
    def retry_after(self) -> int | None:
        value = self.parameters.get("retry_after")
        return int(value) if value is not None else None

    def body(self) -> dict[str, Json]:
        body: dict[str, Json] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


class _Dropped(Exception):
    """Inside a handler: close the connection without an answer, after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__("connection dropped")
        self.delay = delay


BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
_BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class FaultPlan:
    """Failures for ``sendMessage`` (the ``limited_methods``), by chance or by chat.

    By chance (each request on its own, from the stand-in's seeded random generator):
    ``server_error_rate`` (500 or 502 with a JSON body), ``bad_gateway_html_rate`` (502 with
    nginx's HTML page, as Telegram's front end sometimes answers: not JSON), ``timeout_rate``
    (no answer and not delivered: the connection is closed after ``timeout_delay`` seconds —
    make it longer than the client's own timeout for a client-side timeout), ``lost_answer_rate``
    (delivered, then the connection is closed without an answer: the client cannot know, and a
    retry makes a duplicate) and ``blocked_rate`` (the chat turns out to have blocked the bot,
    and stays blocked).

    By chat: ``blocked`` (403 every time), ``not_found`` (400 chat not found), ``migrate``
    (old id → new id: 400 with ``migrate_to_chat_id``; the new id works), and ``server_errors``,
    ``bad_gateways_html``, ``timeouts``, ``lost_answers`` (chat → how many requests go that way
    before one goes through).
    """

    server_error_rate: float = 0.0
    bad_gateway_html_rate: float = 0.0
    timeout_rate: float = 0.0
    lost_answer_rate: float = 0.0
    blocked_rate: float = 0.0
    timeout_delay: float = 0.0
    blocked: set[int] = field(default_factory=set)
    not_found: set[int] = field(default_factory=set)
    migrate: dict[int, int] = field(default_factory=dict)
    server_errors: dict[int, int] = field(default_factory=dict)
    bad_gateways_html: dict[int, int] = field(default_factory=dict)
    timeouts: dict[int, int] = field(default_factory=dict)
    lost_answers: dict[int, int] = field(default_factory=dict)


@dataclass
class SendCounters:
    """What happened to the ``limited_methods`` calls (``sendMessage``); kept even with record=False."""

    requests: int = 0  # calls received, whatever the answer
    sent: int = 0  # answered ok
    delivered: dict[int, int] = field(default_factory=dict)  # chat id → messages it got
    too_many_requests: int = 0  # 429s answered: the limits and fail_next(…, 429, …)
    per_chat_limited: int = 0  # of those, for the per-chat limit
    faults: dict[str, int] = field(default_factory=dict)  # injected failure class → count
    refused: dict[int, str] = field(default_factory=dict)  # chat id → why it is gone (403/400)
    first_sent_at: float | None = None  # time.monotonic() of the first and last ok answer
    last_sent_at: float | None = None
    longest_gap: float = 0.0  # the longest time between two ok answers (a stall, a restart)

    def duplicates(self) -> dict[int, int]:
        """Chats that got more than one message, with how many."""
        return {chat: count for chat, count in self.delivered.items() if count > 1}

    @property
    def sending_time(self) -> float:
        """Seconds from the first to the last ok answer."""
        if self.first_sent_at is None or self.last_sent_at is None:
            return 0.0
        return self.last_sent_at - self.first_sent_at

    def _count_fault(self, name: str) -> None:
        self.faults[name] = self.faults.get(name, 0) + 1

    def _count_sent(self, chat_id: int) -> None:
        now = time.monotonic()
        if self.last_sent_at is not None:
            self.longest_gap = max(self.longest_gap, now - self.last_sent_at)
        if self.first_sent_at is None:
            self.first_sent_at = now
        self.last_sent_at = now
        self.sent += 1
        self.delivered[chat_id] = self.delivered.get(chat_id, 0) + 1


@dataclass
class ApiCall:
    """One request the stand-in received."""

    method: str
    params: dict[str, Json]
    token: str
    status: int = 200
    response: dict[str, Json] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict, repr=False)
    consumed: bool = field(default=False, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Json:
        """The ``result`` returned to the caller (a Message dict for sendMessage), else None."""
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")


def plain_text(text: str, parse_mode: str | None) -> str:
    """What a client would display: for HTML, the text without tags and with entities resolved."""
    if parse_mode is None or parse_mode.lower() != "html":
        return text
    return html.unescape(_ANY_TAG_RE.sub("", text))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _check_html(text: str) -> None:
    """Refuse what Telegram's HTML parser refuses: unknown tags, bare ``<``, unbalanced tags."""
    stack: list[str] = []
    position = 0
    while (start := text.find("<", position)) != -1:
        match = _TAG_RE.match(text, start)
        offset = len(text[:start].encode())
        if match is None:
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unsupported start tag at byte offset {offset}"
            )
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in _ALLOWED_TAGS:
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}',
            )
        if closing:
            if not stack or stack[-1] != name:
                expected = f'expected "</{stack[-1]}>", ' if stack else ""
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unmatched end tag at byte offset {offset}, "
                    f'{expected}found "</{name}>"',
                )
            stack.pop()
        else:
            stack.append(name)
        position = match.end()
    if stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: "
            f'Can\'t find end tag corresponding to start tag "{stack[-1]}"',
        )


def _decode_value(key: str, value: str) -> Json:
    if key in _TEXT_KEYS or key in _STRING_ID_KEYS:
        return value
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    if (key.endswith("_id") or key in _INT_KEYS) and _INT_RE.fullmatch(value):
        return int(value)
    return value


class BotApiStandin:
    """The stand-in server. Use ``async with BotApiStandin() as api`` or ``await start()``/``stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "bk_trade_bot",
        bot_first_name: str = "BK Trade Bot",
        token: str | None = None,
        max_poll_wait: float = 1.0,
        validate: bool = True,
        send_limit: float | None = None,
        per_chat_limit: float | None = None,
        retry_after: int | None = None,
        faults: FaultPlan | None = None,
        record: bool = True,
        limited_methods: Collection[str] = ("sendMessage",),
        latency: float = 0.0,
        seed: int = 0,
    ) -> None:
        """``token``: if set, requests with any other token get 401 Unauthorized.

        ``max_poll_wait`` caps how long getUpdates waits, whatever ``timeout`` the client asks for.

        ``send_limit``: at most this many ``limited_methods`` calls in any 1-second window (a
        sliding window; at least 1); past it, 429 "Too Many Requests: retry after N" with
        ``parameters.retry_after`` N = ``retry_after``, or else the whole seconds until the window
        has room (at least 1). ``per_chat_limit``: likewise per chat, at most this many a second
        (spacing 1/limit; only delivered messages count). ``faults``: see :class:`FaultPlan`
        (``seed`` seeds its chances). ``latency``: seconds every ``limited_methods`` call takes
        before it is answered, like the round trip to Telegram's servers.
        ``record=False``: the ``limited_methods`` calls are counted in :attr:`counters` but
        neither recorded as calls nor kept in :attr:`messages` (editing them then answers
        "message to edit not found"); everything else is recorded as usual.
        """
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.expected_token = token
        self.max_poll_wait = max_poll_wait
        self.validate = validate
        self.send_limit = send_limit
        self.per_chat_limit = per_chat_limit
        self.retry_after = retry_after
        self.faults = faults or FaultPlan()
        self.record = record
        self.limited_methods = frozenset(method.lower() for method in limited_methods)
        self.latency = latency
        self.counters = SendCounters()
        self._rng = random.Random(seed)
        self._window: deque[float] = deque()  # loop times of the calls let through, last second
        self._last_to_chat: dict[int, float] = {}
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()

        self.token_seen: str | None = None
        #: The last known state of every message, by (chat_id, message_id).
        self.messages: dict[tuple[int, int], dict[str, Json]] = {}
        #: setMyCommands results by (scope JSON, language_code); "" is the default language.
        self.commands: dict[tuple[str, str], list[dict[str, Json]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.menu_buttons: dict[int | None, Json] = {}
        #: Photos uploaded so far, by the file_id issued for them.
        self.files: dict[str, dict[str, Json]] = {}

        self._calls: list[ApiCall] = []
        self._updates: list[dict[str, Json]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._raw: dict[tuple[int, int], tuple[str | None, str | None, Json]] = {}
        self._issued_callbacks: set[str] = set()
        self._users: dict[int, dict[str, Json]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._first_unconsumed = 0  # every call before this index is consumed
        self._closing = False
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])
        self._closing = False
        self._stopping = asyncio.Event()
        return self

    async def stop(self) -> None:
        self._closing = True
        self._stopping.set()
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``TelegramAPIServer.from_base`` / BOT_API_URL, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    # -- what tests look at ------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every recorded call, oldest first (a copy)."""
        return list(self._calls)

    def calls_of(self, method: str) -> list[ApiCall]:
        return [call for call in self._calls if call.method.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict[str, Json]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def consume_all(self) -> None:
        """Mark every call recorded so far as consumed, so wait_for only sees later ones."""
        for call in self._calls[self._first_unconsumed :]:
            call.consumed = True
        self._first_unconsumed = len(self._calls)

    async def wait_for(
        self,
        method: str | None,
        predicate: Predicate | None = None,
        timeout: float = 10,
    ) -> ApiCall:
        """The oldest not yet consumed call of ``method`` (any if None) that ``predicate`` accepts.

        Waits up to ``timeout`` seconds for one; marks it consumed; raises TimeoutError (listing
        what was seen) if none comes.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower() if method is not None else None
        # Each call is looked at once (calls don't change once recorded), except a getUpdates
        # still waiting for its answer, looked at again until it has one: no rescans per call.
        position = self._first_unconsumed
        unanswered: list[ApiCall] = []
        while True:
            new_call = self._new_call
            while self._first_unconsumed < len(self._calls) and self._calls[self._first_unconsumed].consumed:
                self._first_unconsumed += 1
            position = max(position, self._first_unconsumed)
            candidates = [c for c in unanswered if not c.consumed] + self._calls[position:]
            position = len(self._calls)
            unanswered = []
            for call in candidates:
                if call.consumed or (wanted is not None and call.method.lower() != wanted):
                    continue
                if predicate is None or predicate(call):
                    call.consumed = True
                    return call
                if not call.response:
                    unanswered.append(call)
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [
                    f"{c.method}({_summary(c.params)}) -> {c.status}"
                    for c in self._calls
                    if c.method.lower() != "getupdates"
                ]
                raise TimeoutError(
                    f"no {method or 'call'} matching the predicate within {timeout} s; "
                    f"calls seen (without getUpdates): {seen[-15:]}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(new_call.wait(), remaining)

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        """Make the next call of ``method`` fail once with ``status``/``description``.

        e.g. ``fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)``,
        ``fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")``.
        Several calls queue several failures. They come before the limits and the fault plan, and
        count in :attr:`counters` (``faults["fail_next"]``, and ``too_many_requests`` for a 429)
        when ``method`` is one of the ``limited_methods``.
        """
        self._failures.setdefault(method.lower(), []).append(
            ApiError(status, description, retry_after, fault="fail_next")
        )

    def fail_next_raw(self, method: str, status: int, body: str, content_type: str = "text/html") -> None:
        """Like :meth:`fail_next`, but the answer is ``body`` as it is: an HTML error page, garbled
        JSON. ``{path}`` in ``body`` becomes the request's path, token and all, as some error
        pages echo it."""
        failure = ApiError(
            status, f"a raw {content_type} answer", fault="fail_next", raw=(body, content_type)
        )
        self._failures.setdefault(method.lower(), []).append(failure)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 10,
    ) -> None:
        """Wait until ``condition()`` holds, looking again after every ``limited_methods`` call
        (e.g. ``lambda: api.counters.sent >= 100``); TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Json]) -> dict[str, Json]:
        """Queue an update (its ``update_id`` is assigned here) and wake a waiting getUpdates."""
        queued = {
            "update_id": next(self._update_ids),
            **{k: v for k, v in update.items() if k != "update_id"},
        }
        self._updates.append(queued)
        self._wake_pollers()
        return queued

    def push_message(
        self,
        text: str,
        *,
        user_id: int = 1001,
        language_code: str | None = None,
        chat_id: int | None = None,
        first_name: str = "Tester",
        username: str | None = None,
    ) -> dict[str, Json]:
        """Queue a text message from a user (to the private chat ``user_id`` unless ``chat_id``).

        ``language_code`` defaults to what this user sent before, else "en"; "" leaves it out.
        """
        if language_code is None:
            language_code = self._users.get(user_id, {}).get("language_code", "en")
        user = self._user(user_id, language_code, first_name, username)
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Json] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        self.messages[(chat_id, message["message_id"])] = message
        return self.push_update({"message": message})

    def push_callback(
        self,
        message: dict[str, Json],
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = None,
        first_name: str = "Tester",
    ) -> dict[str, Json]:
        """Queue a button press on ``message`` (a Message dict, e.g. ``call.result``).

        ``user_id`` defaults to the message's chat; ``language_code`` to what that user sent before.
        """
        chat_id = int(message["chat"]["id"])
        user_id = chat_id if user_id is None else user_id
        if language_code is None and user_id in self._users:
            language_code = self._users[user_id].get("language_code")
        user = self._user(user_id, language_code, first_name, None)
        key = (chat_id, int(message["message_id"]))
        self.messages.setdefault(key, message)
        callback_id = str(next(self._callback_ids) + 4_000_000_000)
        self._issued_callbacks.add(callback_id)
        return self.push_update(
            {
                "callback_query": {
                    "id": callback_id,
                    "from": user,
                    "message": message,
                    "chat_instance": str(-chat_id if chat_id > 0 else chat_id),
                    "data": data,
                }
            }
        )

    # -- internals ---------------------------------------------------------------------------

    def _wake_pollers(self) -> None:
        event, self._new_update = self._new_update, asyncio.Event()
        event.set()

    def _record(self, call: ApiCall) -> None:
        self._calls.append(call)
        self._wake_call_waiters()

    def _wake_call_waiters(self) -> None:
        event, self._new_call = self._new_call, asyncio.Event()
        event.set()

    def _user(
        self, user_id: int, language_code: str | None, first_name: str, username: str | None
    ) -> dict[str, Json]:
        user: dict[str, Json] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _bot_user(self) -> dict[str, Json]:
        prefix = (self.token_seen or "").split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat(self, chat_id: int) -> dict[str, Json]:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": "Test group"}
        chat: dict[str, Json] = {"id": chat_id, "type": "private"}
        user = self._users.get(chat_id)
        chat["first_name"] = user["first_name"] if user else "Tester"
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Json], dict[str, bytes]]:
        params: dict[str, Json] = {}
        files: dict[str, bytes] = {}
        for key, query_value in request.query.items():
            params[key] = _decode_value(key, query_value)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[key] = content
                    params[key] = {"filename": value.filename, "size": len(content)}
                else:
                    params[key] = _decode_value(key, str(value))
        return params, files

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        name = method.lower()
        self.token_seen = token
        params, files = await self._read_params(request)
        call = ApiCall(method=method, params=params, token=token, files=files)
        polling = name == "getupdates"
        limited = name in self.limited_methods
        if polling:
            self._record(call)  # at once: tests wait for the first one to know the bot is up
        if limited:
            self.counters.requests += 1
            if self.latency > 0:
                await asyncio.sleep(self.latency)
        fault: str | None = None
        delay = 0.0
        raw: tuple[str, str] | None = None
        try:
            if self.expected_token is not None and token != self.expected_token:
                raise ApiError(401, "Unauthorized")
            failures = self._failures.get(name)
            if failures:
                raise failures.pop(0)
            if limited:
                self._check_limits(params)
                fault = self._inject_fault(params)
            if fault == "bad_gateway_html":
                call.status, call.response = (
                    502,
                    {"ok": False, "description": "502 Bad Gateway (an HTML page)"},
                )
            else:
                result = await self._get_updates(params) if polling else self._dispatch(method, params, files)
                call.status, call.response = 200, {"ok": True, "result": result}
        except ApiError as exc:
            call.status, call.response, raw = exc.status, exc.body(), exc.raw
            if limited:
                if exc.status == 429:
                    self.counters.too_many_requests += 1
                if exc.fault is not None:
                    self.counters._count_fault(exc.fault)
        except _Dropped as drop:
            call.status, call.response = 0, {"ok": False, "description": "connection closed, no answer"}
            delay = drop.delay
        if limited and call.ok:
            chat_id = int(call.result["chat"]["id"])
            self.counters._count_sent(chat_id)
            if self.per_chat_limit is not None:
                self._last_to_chat[chat_id] = asyncio.get_running_loop().time()
            if fault == "lost_answer":  # delivered, but the answer never reaches the bot
                call.status, delay = 0, self.faults.timeout_delay
        if polling:
            self._wake_call_waiters()  # its answer is in: a predicate may look at it
        elif self.record or not limited:
            self._record(call)
        if limited:
            event, self._changed = self._changed, asyncio.Event()
            event.set()
        if call.status == 0:
            if delay > 0 and not self._closing:  # a stop() ends the wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # to a closed connection: nobody reads it
        if fault == "bad_gateway_html":
            return web.Response(status=502, text=_BAD_GATEWAY_HTML, content_type="text/html")
        if raw is not None:
            body, content_type = raw
            return web.Response(
                status=call.status, text=body.replace("{path}", request.path), content_type=content_type
            )
        return web.json_response(call.response, status=call.status)

    def _check_limits(self, params: dict[str, Json]) -> None:
        """429 past ``send_limit`` (sliding 1-second window, every request let through counts) or
        ``per_chat_limit`` (spacing after the last message the chat got: failed requests don't count)."""
        now = asyncio.get_running_loop().time()
        if self.send_limit is not None:
            window = self._window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= max(1, math.floor(self.send_limit)):
                raise self._too_many(window[0] + 1.0 - now)
        chat_id = params.get("chat_id")
        if self.per_chat_limit is not None and isinstance(chat_id, int):
            spacing = 1.0 / self.per_chat_limit
            last = self._last_to_chat.get(chat_id)
            if last is not None and now - last < spacing:
                self.counters.per_chat_limited += 1
                raise self._too_many(last + spacing - now)
            if len(self._last_to_chat) > 50_000:  # forget chats outside the spacing, now and then
                self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if now - v < spacing}
        if self.send_limit is not None:
            self._window.append(now)

    def _too_many(self, wait: float) -> ApiError:
        seconds = self.retry_after if self.retry_after is not None else max(1, math.ceil(wait))
        return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def _inject_fault(self, params: dict[str, Json]) -> str | None:
        """Raise the failure the plan has for this request; or return "bad_gateway_html" (answer
        with nginx's HTML page) or "lost_answer" (deliver, then close the connection); or None."""
        plan = self.faults
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            if chat_id in plan.blocked:
                self.counters.refused[chat_id] = "blocked"
                raise ApiError(403, BLOCKED, fault="blocked")
            if chat_id in plan.not_found:
                self.counters.refused[chat_id] = "chat_not_found"
                raise ApiError(400, CHAT_NOT_FOUND, fault="chat_not_found")
            if chat_id in plan.migrate:
                raise ApiError(
                    400, MIGRATED, parameters={"migrate_to_chat_id": plan.migrate[chat_id]}, fault="migrate"
                )
            for name, scripted in (
                ("server_error", plan.server_errors),
                ("bad_gateway_html", plan.bad_gateways_html),
                ("timeout", plan.timeouts),
                ("lost_answer", plan.lost_answers),
            ):
                if scripted.get(chat_id, 0) > 0:
                    scripted[chat_id] -= 1
                    return self._fault(name)
        chance = self._rng.random()
        for name, rate in (
            ("server_error", plan.server_error_rate),
            ("bad_gateway_html", plan.bad_gateway_html_rate),
            ("timeout", plan.timeout_rate),
            ("lost_answer", plan.lost_answer_rate),
        ):
            if (chance := chance - rate) < 0:
                return self._fault(name)
        if chance - plan.blocked_rate < 0 and isinstance(chat_id, int):
            plan.blocked.add(chat_id)
            self.counters.refused[chat_id] = "blocked"
            raise ApiError(403, BLOCKED, fault="blocked")
        return None

    def _fault(self, name: str) -> str:
        if name == "server_error":
            if self._rng.random() < 0.5:
                raise ApiError(500, "Internal Server Error", fault=name)
            raise ApiError(502, "Bad Gateway", fault=name)
        self.counters._count_fault(name)
        if name == "timeout":
            raise _Dropped(self.faults.timeout_delay)
        return name

    async def _get_updates(self, params: dict[str, Json]) -> list[dict[str, Json]]:
        offset = params.get("offset")
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            new_update = self._new_update
            if isinstance(offset, int) and offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            ready = self._updates[offset:] if isinstance(offset, int) and offset < 0 else self._updates
            remaining = deadline - loop.time()
            if ready or self._closing or remaining <= 0:
                return ready[:limit]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(new_update.wait(), remaining)

    def _dispatch(self, method: str, params: dict[str, Json], files: dict[str, bytes] | None = None) -> Json:
        name = method.lower()
        simple: dict[str, Callable[[dict[str, Json]], Json]] = {
            "getme": lambda _: {
                **self._bot_user(),
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": lambda _: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            },
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": lambda p: self.commands.get(_commands_key(p), []),
            "setmydescription": lambda p: self._set_description(p, "description", 512, self.descriptions),
            "setmyshortdescription": lambda p: self._set_description(
                p, "short_description", 120, self.short_descriptions
            ),
            "getmydescription": lambda p: {
                "description": self.descriptions.get(p.get("language_code", ""), "")
            },
            "getmyshortdescription": lambda p: {
                "short_description": self.short_descriptions.get(p.get("language_code", ""), "")
            },
            "setchatmenubutton": self._set_menu_button,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_reply_markup,
            "answercallbackquery": self._answer_callback,
            "sendchataction": lambda _: True,
            "deletemessage": self._delete_message,
        }
        if name in simple:
            return simple[name](params)
        if name == "sendmediagroup":
            media = params.get("media") or []
            keep = self.record or name not in self.limited_methods
            return [self._send(params, caption_of=item, keep=keep) for item in media]
        keep = self.record or name not in self.limited_methods
        if name == "sendphoto":
            sizes = self._photo_sizes(params, files or {})
            message = self._send(params, caption_of=params, keep=keep)
            message["photo"] = sizes
            return message
        if name.startswith("send"):  # sendDocument, sendVideo, ...: a Message with the caption
            return self._send(params, caption_of=params, keep=keep)
        return True

    # -- method handlers ---------------------------------------------------------------------

    def _delete_webhook(self, params: dict[str, Json]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_my_commands(self, params: dict[str, Json]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        if self.validate:
            _check_language_code(params)
            if len(commands) > 100:
                raise ApiError(400, "Bad Request: too many commands")
            for command in commands:
                if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                    raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                    raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[_commands_key(params)] = commands
        return True

    def _delete_my_commands(self, params: dict[str, Json]) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    def _set_description(self, params: dict[str, Json], key: str, limit: int, store: dict[str, str]) -> bool:
        value = str(params.get(key, ""))
        if self.validate:
            _check_language_code(params)
            if _utf16_len(value) > limit:
                raise ApiError(400, f"Bad Request: {key.replace('_', ' ')} is too long")
        store[str(params.get("language_code", ""))] = value
        return True

    def _set_menu_button(self, params: dict[str, Json]) -> bool:
        chat_id = params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = params.get("menu_button")
        return True

    def _target_chat(self, params: dict[str, Json]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _checked_text(self, params: dict[str, Json], key: str, limit: int) -> str:
        raw = params.get(key)
        if raw is None:
            if key == "text":
                raise ApiError(400, "Bad Request: message text is empty")
            return ""
        raw = str(raw)
        parse_mode = params.get("parse_mode")
        if self.validate and parse_mode is not None and str(parse_mode).lower() == "html":
            _check_html(raw)
        text = plain_text(raw, parse_mode)
        if self.validate:
            if key == "text" and not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if _utf16_len(text) > limit:
                raise ApiError(
                    400,
                    "Bad Request: message is too long"
                    if key == "text"
                    else "Bad Request: message caption is too long",
                )
        return text

    def _checked_markup(self, params: dict[str, Json]) -> Json:
        markup = params.get("reply_markup")
        if self.validate and isinstance(markup, dict):
            for row in markup.get("inline_keyboard") or []:
                for button in row:
                    if not str(button.get("text", "")).strip():
                        raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= _CALLBACK_DATA_LIMIT:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _send(
        self, params: dict[str, Json], *, caption_of: dict[str, Json] | None = None, keep: bool = True
    ) -> dict[str, Json]:
        """The Message for a send* call; kept in :attr:`messages` (for edits) when ``keep``."""
        chat_id = self._target_chat(params)
        markup = self._checked_markup(params)
        message: dict[str, Json] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._bot_user(),
        }
        raw: str | None = None
        if caption_of is None:
            message["text"] = self._checked_text(params, "text", _MESSAGE_LIMIT)
            raw = str(params["text"])
        elif caption_of.get("caption") is not None:
            message["caption"] = self._checked_text(caption_of, "caption", _CAPTION_LIMIT)
            raw = str(caption_of["caption"])
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        if keep:
            key = (chat_id, message["message_id"])
            self.messages[key] = message
            self._raw[key] = (raw, params.get("parse_mode"), markup)
        return message

    def _photo_sizes(self, params: dict[str, Json], files: dict[str, bytes]) -> list[dict[str, Json]]:
        """Like Telegram: an upload gets a thumbnail and the full size, each with a new file_id;
        a file_id sent again is accepted only if this server issued it."""
        photo = params.get("photo")
        # aiogram uploads the file as its own form field and names it in the parameter.
        attached = photo.removeprefix("attach://") if isinstance(photo, str) else ""
        upload = files.get("photo") or (files.get(attached) if photo != attached else None)
        if upload is not None:
            width, height = _png_size(upload) or (1280, 1280)
            number = next(self._file_ids)
            scale = min(1.0, 90 / max(width, height, 1))
            sizes = [
                {
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                    "suffix": "t",
                },
                {"width": width, "height": height, "suffix": ""},
            ]
            result = []
            for size in sizes:
                file_id = f"standin-photo-{number}{size.pop('suffix')}"
                entry = {"file_id": file_id, "file_unique_id": f"u-{file_id}", **size}
                self.files[file_id] = entry
                result.append(entry)
            return result
        if isinstance(photo, str) and photo:
            if photo not in self.files:
                if self.validate:
                    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
                return [{"file_id": photo, "file_unique_id": f"u-{photo}", "width": 1280, "height": 1280}]
            return [self.files[photo]]
        raise ApiError(400, "Bad Request: there is no photo in the request")

    def _send_message(self, params: dict[str, Json]) -> dict[str, Json]:
        return self._send(params, keep=self.record or "sendmessage" not in self.limited_methods)

    def _message_to_edit(self, params: dict[str, Json]) -> tuple[tuple[int, int], dict[str, Json]] | None:
        if params.get("inline_message_id"):
            return None
        chat_id = self._target_chat(params)
        message_id = params.get("message_id")
        key = (chat_id, message_id if isinstance(message_id, int) else -1)
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if self.validate and message.get("from", {}).get("id") != self._bot_user()["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return key, message

    def _edit_message_text(self, params: dict[str, Json]) -> Json:
        found = self._message_to_edit(params)
        text = self._checked_text(params, "text", _MESSAGE_LIMIT)
        markup = self._checked_markup(params)
        if found is None:
            return True  # inline messages: Telegram returns True
        key, old = found
        raw = (str(params["text"]), params.get("parse_mode"), markup)
        if self.validate and self._raw.get(key) == raw and old.get("text") == text:
            raise ApiError(400, _NOT_MODIFIED)
        message = {k: v for k, v in old.items() if k not in ("text", "caption", "reply_markup", "entities")}
        message["text"] = text
        message["edit_date"] = int(time.time())
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[key] = message
        self._raw[key] = raw
        return message

    def _edit_reply_markup(self, params: dict[str, Json]) -> Json:
        found = self._message_to_edit(params)
        markup = self._checked_markup(params)
        if found is None:
            return True
        key, old = found
        if self.validate and old.get("reply_markup") == markup:
            raise ApiError(400, _NOT_MODIFIED)
        message = {k: v for k, v in old.items() if k != "reply_markup"}
        message["edit_date"] = int(time.time())
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[key] = message
        raw_text, parse_mode, _ = self._raw.get(key, (old.get("text"), None, None))
        self._raw[key] = (raw_text, parse_mode, markup)
        return message

    def _answer_callback(self, params: dict[str, Json]) -> bool:
        if self.validate:
            if str(params.get("callback_query_id")) not in self._issued_callbacks:
                raise ApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
            if _utf16_len(str(params.get("text") or "")) > _CALLBACK_ANSWER_LIMIT:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _delete_message(self, params: dict[str, Json]) -> bool:
        chat_id = self._target_chat(params)
        message_id = params.get("message_id")
        if self.messages.pop((chat_id, message_id if isinstance(message_id, int) else -1), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _commands_key(params: dict[str, Json]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code", ""))


def _check_language_code(params: dict[str, Json]) -> None:
    code = params.get("language_code")
    if code is not None and not re.fullmatch(r"[a-z]{2}", str(code)):
        raise ApiError(400, "Bad Request: invalid language code specified")


def _summary(params: dict[str, Json]) -> str:
    shown: dict[str, Json] = {
        k: params[k] for k in ("chat_id", "message_id", "language_code", "callback_query_id") if k in params
    }
    if "text" in params:
        text = str(params["text"])
        shown["text"] = text if len(text) <= 40 else text[:40] + "…"
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())
