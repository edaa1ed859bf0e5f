"""Builds the Bot, the Dispatcher and the store; start-up and shutdown.

Nothing is built at import time: tests and ``python -m bot chat`` build the very same
Dispatcher through :func:`create_dispatcher`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from functools import partial
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import LinkPreviewOptions
from aiogram.utils.i18n import I18n
from aiohttp import web

from bot.alerts import announce_new_data
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.fsm import SQLiteStorage
from bot.handlers import routers
from bot.handlers.admins import ChatAdmins
from bot.logs import log_loop_exception
from bot.metrics import Metrics
from bot.middlewares import (
    CommandCaseMiddleware,
    ForgedUpdateMiddleware,
    LocaleMiddleware,
    ObserveMiddleware,
    ThrottlingMiddleware,
)
from bot.official import RefreshLoop
from bot.search.engine import SearchEngine
from bot.search.index import Indexer
from bot.session import RedactingSession
from bot.startup import attempt, essential, set_menus
from bot.store import Store
from bot.web import create_web_app

LOCALES_DIR = Path(__file__).parent / "locales"
log = logging.getLogger(__name__)


def create_i18n(default_locale: str) -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain="messages")


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        api = TelegramAPIServer.from_base(settings.bot_api_url) if settings.bot_api_url else None
        session = RedactingSession(api=api) if api else RedactingSession()
    return Bot(
        token=settings.require_token().get_secret_value(),
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML,
            link_preview=LinkPreviewOptions(is_disabled=True),
        ),
    )


def create_dispatcher(
    settings: Settings,
    store: Store,
    i18n: I18n | None = None,
    delivery: DeliveryWorker | None = None,
    metrics: Metrics | None = None,
    engine: SearchEngine | None = None,
) -> Dispatcher:
    """The Dispatcher with its middlewares and routers.

    ``settings``, ``store``, ``i18n``, ``delivery`` (the outbox worker; None where nothing
    sends), ``metrics`` and ``engine`` (the free-text search over ``store``'s index) are
    injected into handlers by name; ``dispatcher["observe"]`` is the middleware that knows
    which updates are still being handled.
    """
    i18n = i18n or create_i18n(settings.default_locale)
    metrics = metrics or Metrics()
    engine = engine or SearchEngine(store.search)
    dispatcher = Dispatcher(
        storage=SQLiteStorage(store.fsm),  # a draft survives a restart
        settings=settings,
        store=store,
        i18n=i18n,
        delivery=delivery,
        metrics=metrics,
        engine=engine,
        chat_admins=ChatAdmins(),  # who administers which group or channel, asked briefly
    )
    observe = ObserveMiddleware(metrics)
    dispatcher.update.outer_middleware(observe)
    dispatcher.update.outer_middleware(ForgedUpdateMiddleware())  # counted, then turned away
    dispatcher["observe"] = observe
    LocaleMiddleware(i18n, store).setup(dispatcher)
    # After the locale middleware, so that the flood notice is in the reader's language.
    throttling = ThrottlingMiddleware(
        settings.flood_limit, settings.flood_window, exempt=settings.admin_ids, metrics=metrics
    )
    for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.inline_query):
        observer.outer_middleware(throttling)
    dispatcher.message.outer_middleware(CommandCaseMiddleware())  # "/Turnover" is /turnover
    dispatcher.include_routers(*routers())
    return dispatcher


async def open_store(settings: Settings) -> Store:
    """Open the database, migrate it and load ``data/`` if its files changed since last time."""
    store = await Store.open(settings.database_path, Indexer())
    try:
        applied = await store.upgrade()
        if applied:
            log.info("database migrated: %s", ", ".join(applied))
        if not await store.load_data(settings.data_dir, force=False):
            log.info("dataset unchanged since the last load")
    except BaseException:
        await store.close()
        raise
    return store


async def run(settings: Settings) -> None:
    """``python -m bot run``: long polling, or a webhook server when WEBHOOK_BASE_URL is set.

    SIGTERM / SIGINT: stop taking updates, let the updates in flight and the delivery in flight
    finish (at most SHUTDOWN_TIMEOUT seconds each), close the database.
    """
    asyncio.get_running_loop().set_exception_handler(log_loop_exception)
    i18n = create_i18n(settings.default_locale)
    store = await open_store(settings)
    try:
        bot = create_bot(settings)
    except BaseException:
        await store.close()
        raise
    metrics = Metrics()
    delivery = DeliveryWorker(bot, store, i18n, rate_limit=settings.delivery_rate_limit)
    refresher = RefreshLoop(settings, store, i18n, delivery)
    dispatcher = create_dispatcher(settings, store, i18n, delivery, metrics)
    observe: ObserveMiddleware = dispatcher["observe"]
    allowed_updates = dispatcher.resolve_used_update_types()

    menus: list[asyncio.Task[None]] = []

    async def on_startup() -> None:
        # The menus are set beside polling or the webhook: a slow or failing Bot API delays no answer.
        menus.append(asyncio.create_task(set_menus(bot, i18n, store, settings), name="menus"))
        if settings.webhook_mode:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await essential(
                "setWebhook",
                partial(
                    bot.set_webhook,
                    settings.webhook_url,
                    secret_token=secret,
                    allowed_updates=allowed_updates,
                    max_connections=min(settings.updates_in_flight, 100),  # Telegram allows 1–100
                ),
            )
            log.info("webhook set: %s", settings.webhook_url)
        # Alerts for what a load at start-up (or a load or fetch that crashed) brought.
        await announce_new_data(store, i18n)
        delivery.start()  # resumes whatever the last run left pending
        refresher.start()  # every STATS_REFRESH_HOURS, if set

    async def on_shutdown() -> None:
        for task in menus:
            task.cancel()
        if not await observe.wait_idle(settings.shutdown_timeout):
            log.warning("shutting down with %s updates still in flight", observe.in_flight)
        await refresher.stop()
        await delivery.stop(grace=settings.shutdown_timeout)
        await store.close()
        log.info("database closed")

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    web_app = create_web_app(settings, dispatcher, bot, store, metrics)
    runner = web.AppRunner(web_app, handle_signals=False, shutdown_timeout=settings.shutdown_timeout)
    try:
        if settings.webhook_mode:
            await _serve_webhook(runner, settings)
        else:
            await attempt("deleteWebhook", partial(bot.delete_webhook, drop_pending_updates=False))
            await essential("getMe", bot.me)  # polling asks for it first thing, and can't do without
            if settings.server_port:
                await runner.setup()
                await web.TCPSite(runner, settings.web_server_host, settings.server_port).start()
                log.info("serving /healthz and /metrics on port %s", settings.server_port)
            await dispatcher.start_polling(
                bot,
                allowed_updates=allowed_updates,
                # A burst beyond this waits unread instead of piling up half-handled in memory
                # (the HTTP session opens at most 100 connections anyway).
                tasks_concurrency_limit=settings.updates_in_flight,
            )
    finally:
        await runner.cleanup()
        await store.close()
        await bot.session.close()


async def _serve_webhook(runner: web.AppRunner, settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT; the runner's cleanup then runs the dispatcher's shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runner.setup()  # runs on_startup: the profile, setWebhook, the delivery worker
    await web.TCPSite(runner, settings.web_server_host, settings.server_port).start()
    log.info("webhook server listening on %s:%s", settings.web_server_host, settings.server_port)
    await stop.wait()
    log.info("stopping: no new updates are taken")
