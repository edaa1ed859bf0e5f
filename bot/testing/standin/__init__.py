"""A small local stand-in for the Telegram Bot API, for tests and benchmarks.

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

Groups and channels: ``api.chats.add_chat(-1001, "channel", "News", username="news")`` makes a
chat getChat knows (and updates show), ``api.chats.set_member(chat_id, user_id, "administrator")``
what getChatMember answers ("member" otherwise).

The parts: ``server`` (the HTTP side and what tests look at), ``calls`` (the record of calls),
``updates`` (pushed updates and the long poll), ``methods`` and ``messages`` (the answers),
``chats`` (the bot, users, messages, files), ``faults`` (limits and the fault plan),
``model`` (ApiCall, ApiError, FaultPlan, SendCounters), ``params`` (decoding a request).
"""

from bot.testing.standin.model import (
    BLOCKED,
    CHAT_NOT_FOUND,
    MIGRATED,
    ApiCall,
    ApiError,
    FaultPlan,
    SendCounters,
)
from bot.testing.standin.server import BotApiStandin
from bot.testing.telegram_html import plain_text

__all__ = [
    "BLOCKED",
    "CHAT_NOT_FOUND",
    "MIGRATED",
    "ApiCall",
    "ApiError",
    "BotApiStandin",
    "FaultPlan",
    "SendCounters",
    "plain_text",
]
