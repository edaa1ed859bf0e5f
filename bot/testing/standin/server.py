"""The stand-in's HTTP server: what it was created with, what tests look at, and how one
request is answered (see the package's docstring for how to use it)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.testing.standin.calls import CallLog, Predicate
from bot.testing.standin.chats import Chats
from bot.testing.standin.faults import Limits
from bot.testing.standin.methods import Methods
from bot.testing.standin.model import (
    BAD_GATEWAY_HTML,
    ApiCall,
    ApiError,
    Dropped,
    FaultPlan,
    Json,
    SendCounters,
)
from bot.testing.standin.params import read_params
from bot.testing.standin.updates import Updates


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
        clock: Callable[[], float] | None = None,
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
        ``clock``: what the rate limits measure time with (default: the event loop's clock); a
        test can pass a fake one and move it on instead of sleeping.
        """
        self.host = host
        self.port = port
        self.expected_token = token
        self.record = record
        self.latency = latency
        self.faults = faults or FaultPlan()
        self.counters = SendCounters()
        self.chats = Chats(bot_username=bot_username, bot_first_name=bot_first_name)
        self.updates = Updates(self.chats, max_poll_wait=max_poll_wait)
        self.methods = Methods(
            self.chats, self.updates, validate=validate, record=record, limited_methods=limited_methods
        )
        self.limits = Limits(
            send_limit=send_limit,
            per_chat_limit=per_chat_limit,
            retry_after=retry_after,
            plan=self.faults,
            counters=self.counters,
            seed=seed,
            clock=clock or (lambda: asyncio.get_running_loop().time()),
        )
        self.log = CallLog()
        self._failures: dict[str, list[ApiError]] = {}
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
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
        self.updates.closing = False
        self._stopping = asyncio.Event()
        return self

    async def stop(self) -> None:
        self.updates.closing = True
        self._stopping.set()
        self.updates.wake()
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
    def token_seen(self) -> str | None:
        """The token of the last request."""
        return self.chats.token_seen

    @property
    def messages(self) -> dict[tuple[int, int], dict[str, Json]]:
        """The last known state of every message, by (chat_id, message_id)."""
        return self.chats.messages

    @property
    def files(self) -> dict[str, dict[str, Json]]:
        """Photos uploaded so far, by the file_id issued for them."""
        return self.chats.files

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Json]]]:
        """setMyCommands results by (scope JSON, language_code); "" is the default language."""
        return self.methods.commands

    @property
    def descriptions(self) -> dict[str, str]:
        return self.methods.descriptions

    @property
    def short_descriptions(self) -> dict[str, str]:
        return self.methods.short_descriptions

    @property
    def menu_buttons(self) -> dict[int | None, Json]:
        return self.methods.menu_buttons

    @property
    def calls(self) -> list[ApiCall]:
        """Every recorded call, oldest first (a copy)."""
        return self.log.calls

    def calls_of(self, method: str) -> list[ApiCall]:
        return self.log.of(method)

    @property
    def pending_updates(self) -> list[dict[str, Json]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self.updates.queue)

    def consume_all(self) -> None:
        """Mark every call recorded so far as consumed, so wait_for only sees later ones."""
        self.log.consume_all()

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
        return await self.log.wait_for(method, predicate, timeout)

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        """Make the next call of ``method`` fail once, e.g. ``fail_next("sendMessage", 429,
        "Too Many Requests: retry after 1", retry_after=1)``. Several calls queue several failures,
        before the limits and the fault plan; counted in :attr:`counters` for limited methods."""
        self._failures.setdefault(method.lower(), []).append(
            ApiError(status, description, retry_after, fault="fail_next")
        )

    def fail_next_raw(self, method: str, status: int, body: str, content_type: str = "text/html") -> None:
        """Like :meth:`fail_next`, but the answer is ``body`` as it is (an HTML error page, garbled
        JSON); ``{path}`` in it becomes the request's path, token and all, as some pages echo it."""
        failure = ApiError(
            status, f"a raw {content_type} answer", fault="fail_next", raw=(body, content_type)
        )
        self._failures.setdefault(method.lower(), []).append(failure)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until ``condition()`` holds, looking again after every ``limited_methods`` call
        (e.g. ``lambda: api.counters.sent >= 100``); TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Json]) -> dict[str, Json]:
        """Queue an update (its ``update_id`` is assigned here) and wake a waiting getUpdates."""
        return self.updates.push_update(update)

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
        return self.updates.push_message(
            text,
            user_id=user_id,
            language_code=language_code,
            chat_id=chat_id,
            first_name=first_name,
            username=username,
        )

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
        return self.updates.push_callback(
            message, data, user_id=user_id, language_code=language_code, first_name=first_name
        )

    # -- answering ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        name = method.lower()
        self.chats.token_seen = token
        params, files = await read_params(request)
        call = ApiCall(method=method, params=params, token=token, files=files)
        polling = name == "getupdates"
        limited = name in self.methods.limited_methods
        if polling:
            self.log.record(call)  # at once: tests wait for the first one to know the bot is up
        if limited:
            self.counters.enter()
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
                self.limits.check(params)
                fault = self.limits.inject(params)
            if fault == "bad_gateway_html":
                call.status, call.response = (
                    502,
                    {"ok": False, "description": "502 Bad Gateway (an HTML page)"},
                )
            else:
                result = (
                    await self.updates.get_updates(params)
                    if polling
                    else self.methods.dispatch(method, params, files)
                )
                call.status, call.response = 200, {"ok": True, "result": result}
        except ApiError as exc:
            call.status, call.response, raw = exc.status, exc.body(), exc.raw
            if limited:
                if exc.status == 429:
                    self.counters.too_many_requests += 1
                if exc.fault is not None:
                    self.counters.count_fault(exc.fault)
        except Dropped as drop:
            call.status, call.response = 0, {"ok": False, "description": "connection closed, no answer"}
            delay = drop.delay
        if limited and call.ok:
            chat_id = int(call.result["chat"]["id"])
            self.counters.count_sent(chat_id)
            self.limits.delivered(chat_id)
            if fault == "lost_answer":  # delivered, but the answer never reaches the bot
                call.status, delay = 0, self.faults.timeout_delay
        if polling:
            self.log.wake()  # its answer is in: a predicate may look at it
        elif self.record or not limited:
            self.log.record(call)
        if limited:
            self.counters.in_flight -= 1
            event, self._changed = self._changed, asyncio.Event()
            event.set()
        if call.status == 0:
            if delay > 0 and not self.updates.closing:  # a stop() ends the wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # to a closed connection: nobody reads it
        if fault == "bad_gateway_html":
            return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
        if raw is not None:
            text, content_type = raw
            return web.Response(
                status=call.status, text=text.replace("{path}", request.path), content_type=content_type
            )
        return web.json_response(call.response, status=call.status)
