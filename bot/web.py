"""The HTTP side: the webhook endpoint, ``/healthz`` and ``/metrics`` on one aiohttp server."""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.config import Settings
from bot.metrics import Metrics
from bot.store import Store

log = logging.getLogger(__name__)

STORE_KEY = web.AppKey("store", Store)
METRICS_KEY = web.AppKey("metrics", Metrics)


@dataclass
class HealthLog:
    """What the last /healthz found, so that the log says each change once, not every poll."""

    problem: str | None = None


HEALTH_KEY = web.AppKey("health", HealthLog)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database keeps what the bot writes (see ``Database.health``), else 503
    with the reason; a check that takes over two seconds counts as failed."""
    try:
        async with asyncio.timeout(2):
            problem = await request.app[STORE_KEY].ping()
    except TimeoutError:
        problem = "the database did not answer within 2 s"
    except Exception as exc:  # a broken connection: not healthy, whatever it raised
        problem = f"the database failed: {type(exc).__name__}"
    seen = request.app[HEALTH_KEY]
    if problem != seen.problem:
        if problem is None:
            log.info("health check passes again")
        else:
            log.error("health check fails: %s", problem)
        seen.problem = problem
    if problem is not None:
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)
    return web.json_response({"status": "ok"})


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, hardened against what is not Telegram: any secret header gets a
    plain 401 (aiogram's comparison raises on non-ASCII text), and a body that is not JSON or
    not an Update gets 400, both without a traceback."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if not self.secret_token:
            return True
        # Bytes compare whatever was sent; aiohttp hands undecodable header bytes over as
        # surrogates, hence surrogateescape.
        sent = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(sent, self.secret_token.encode())

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), bot):
            return web.Response(body="Unauthorized", status=401)
        try:
            update = Update.model_validate(
                await request.json(loads=bot.session.json_loads), context={"bot": bot}
            )
        except ValueError as error:  # not JSON (JSONDecodeError), or not an Update (ValidationError)
            log.info("webhook: refused a body that is not an Update (%s)", type(error).__name__)
            return web.Response(body="Bad Request", status=400)
        if self.handle_in_background:
            task = asyncio.create_task(self._feed(bot, update))
            self._background_feed_update_tasks.add(task)
            task.add_done_callback(self._background_feed_update_tasks.discard)
            return web.json_response({}, dumps=bot.session.json_dumps)
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def _feed(self, bot: Bot, update: Update) -> None:
        result: Any = await self.dispatcher.feed_update(bot, update, **self.data)
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)


async def metrics(request: web.Request) -> web.Response:
    outbox = await request.app[STORE_KEY].outbox.counts()
    body = request.app[METRICS_KEY].render(outbox)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_web_app(
    settings: Settings,
    dispatcher: Dispatcher,
    bot: Bot,
    store: Store,
    bot_metrics: Metrics,
    *,
    handle_in_background: bool = True,
) -> web.Application:
    """``handle_in_background``: answer Telegram at once and handle the update after (so a slow
    handler never makes Telegram retry); tests turn it off to see the reply in the response."""
    app = web.Application()
    app[STORE_KEY] = store
    app[METRICS_KEY] = bot_metrics
    app[HEALTH_KEY] = HealthLog()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if settings.webhook_mode:
        # The dispatcher's start-up and shutdown run with the server's. Registered first, so
        # that on shutdown the updates in flight finish before the handler closes the session.
        setup_application(app, dispatcher, bot=bot)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        # A request without the right X-Telegram-Bot-Api-Secret-Token gets 401 and reaches no handler.
        WebhookHandler(
            dispatcher=dispatcher, bot=bot, secret_token=secret, handle_in_background=handle_in_background
        ).register(app, path=settings.webhook_path)
    return app
