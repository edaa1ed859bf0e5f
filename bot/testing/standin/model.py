"""What the Bot API stand-in records and answers: calls, errors, the fault plan, the counters."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = Any

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
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


class Dropped(Exception):
    """Inside a handler: close the connection without an answer, after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__("connection dropped")
        self.delay = delay


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
    in_flight: int = 0  # calls being answered now (their latency included)
    most_in_flight: int = 0  # the most ever answered at once

    def enter(self) -> None:
        """A call arrived."""
        self.requests += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def duplicates(self) -> dict[int, int]:
        """Chats that got more than one message, with how many."""
        return {chat: count for chat, count in self.delivered.items() if count > 1}

    @property
    def sending_time(self) -> float:
        """Seconds from the first to the last ok answer."""
        if self.first_sent_at is None or self.last_sent_at is None:
            return 0.0
        return self.last_sent_at - self.first_sent_at

    def count_fault(self, name: str) -> None:
        self.faults[name] = self.faults.get(name, 0) + 1

    def count_sent(self, chat_id: int) -> None:
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
