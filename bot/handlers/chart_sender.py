"""Sending the /chart photo: render once per (locale, data version), then reuse the file_id.

The first send renders the PNG in a worker thread (the bot keeps answering meanwhile) and
uploads it; the file_id Telegram returns is kept by (chart, locale, data version), so later
sends of the same picture cost neither a render nor an upload. New data is a new version.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.chat_action import ChatActionSender

from bot import screens
from bot.store import Store
from bot.views.chart import drawing, render_chart_caption, render_no_chart
from bot.views.chart.model import signed
from bot.views.common import Rendered

log = logging.getLogger(__name__)


def _stale_file_id(error: TelegramBadRequest) -> bool:
    """Telegram no longer accepts a stored file_id (another bot token, a file gone)."""
    text = error.message.lower()
    return "file" in text or "identifier" in text


@dataclass(frozen=True)
class _Target:
    """Where the photo goes, with its caption and buttons."""

    bot: Bot
    chat_id: int
    thread_id: int | None
    caption: Rendered

    async def send(self, photo: BufferedInputFile | str) -> Message:
        return await self.bot.send_photo(
            self.chat_id,
            photo,
            caption=self.caption.text,
            reply_markup=self.caption.markup,
            message_thread_id=self.thread_id,
        )


class ChartSender:
    """Sends charts, rendering each (locale, data version) once even when asked for at once.

    A cached send takes no lock. A render takes the lock of its (locale, version), so a second
    request for the same picture waits and then reuses the upload; and one render runs at a
    time: it is CPU-bound, and renders queued a few hundred milliseconds apart are kinder to the
    event loop's thread than several fighting over the GIL.
    """

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._render_slot = asyncio.Semaphore(1)

    def _lock(self, locale: str, version: str) -> asyncio.Lock:
        # Locks of older data versions are never asked for again.
        for key in [k for k, lock in self._locks.items() if k[1] != version and not lock.locked()]:
            del self._locks[key]
        return self._locks.setdefault((locale, version), asyncio.Lock())

    async def send(
        self, bot: Bot, chat_id: int, store: Store, locale: str, thread_id: int | None = None
    ) -> None:
        version = await store.version.current()
        # The model (every label in the reader's language) is built here, in the event loop;
        # only the drawing goes to a worker thread.
        chart = await screens.chart_screen(store, locale) if version else None
        if chart is None or not version:
            screen = render_no_chart()
            await bot.send_message(chat_id, screen.text, message_thread_id=thread_id)
            return
        target = _Target(bot, chat_id, thread_id, render_chart_caption(chart))
        if await self._send_cached(target, store, locale, version):
            return
        async with self._lock(locale, version):
            # Another request may have uploaded the picture while this one waited.
            if await self._send_cached(target, store, locale, version):
                return
            async with ChatActionSender.upload_photo(chat_id=chat_id, bot=bot, message_thread_id=thread_id):
                # The footer names the bot, so that a forwarded picture says where it came from.
                picture = signed(chart, (await bot.me()).username)  # aiogram asks Telegram once
                async with self._render_slot:
                    png = await asyncio.to_thread(drawing.render_png, picture)
                sent = await target.send(BufferedInputFile(png, filename=f"bk-trade-{locale}.png"))
            if sent.photo:
                # The largest size: what Telegram shows when the photo is opened.
                await store.charts.remember(drawing.CHART_ID, locale, version, sent.photo[-1].file_id)

    async def _send_cached(self, target: _Target, store: Store, locale: str, version: str) -> bool:
        """Send the stored file_id; False if there is none or Telegram no longer takes it."""
        file_id = await store.charts.file_id(drawing.CHART_ID, locale, version)
        if file_id is None:
            return False
        try:
            await target.send(file_id)
        except TelegramBadRequest as error:
            if not _stale_file_id(error):
                raise
            log.warning("stored chart file_id refused (%s): rendering anew", error.message)
            await store.charts.forget(drawing.CHART_ID, locale, version)
            return False
        return True
