"""The HTTP side: the webhook endpoint, ``/healthz`` and ``/metrics`` on one aiohttp server."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.config import Settings
from bot.metrics import Metrics
from bot.store.repo import Store

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


async def metrics(request: web.Request) -> web.Response:
    body = await request.app[METRICS_KEY].render(request.app[STORE_KEY])
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
        SimpleRequestHandler(
            dispatcher=dispatcher, bot=bot, secret_token=secret, handle_in_background=handle_in_background
        ).register(app, path=settings.webhook_path)
    return app
