"""Official statistics, wired: ``python -m bot data fetch`` and the refresh loop of ``run``.

Rows come from the UN Comtrade API (or a file downloaded from its website), become figures
(bot/ingest/mapping.py) and are stored in one transaction with the alert to the ``figures``
subscribers (bot/ingest/refresh.py, bot/alerts.py). Every failure is one of
:data:`FETCH_ERRORS`, one line, raised before anything is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from aiogram.utils.i18n import I18n

from bot.alerts import FigureAnnouncer
from bot.config import Settings
from bot.ingest import (
    ComtradeClient,
    ComtradeError,
    ComtradeFileError,
    HsChaptersError,
    MappingError,
    load_hs_chapters,
    map_rows,
    plan_queries,
    read_comtrade_file,
)
from bot.ingest.hs_chapters import FILE as HS_CHAPTERS_FILE
from bot.ingest.refresh import RefreshResult, refresh
from bot.store import Store

log = logging.getLogger(__name__)

FIRST_YEAR = 2015
FETCH_ERRORS = (ComtradeError, ComtradeFileError, MappingError, HsChaptersError)


def default_years(today: dt.date | None = None) -> range:
    """2015 to this year."""
    return range(FIRST_YEAR, (today or dt.date.today()).year + 1)


def parse_years(text: str) -> range:
    """``2015-2025`` or ``2024``; ValueError otherwise."""
    first, _, last = text.strip().partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"expected YEAR or YEAR-YEAR, got {text!r}") from None
    if not 1990 <= start <= end <= 2100:
        raise ValueError(f"expected years from 1990 on, the first not after the last, got {text!r}")
    return range(start, end + 1)


async def fetch_official(
    store: Store,
    i18n: I18n,
    settings: Settings,
    *,
    years: Sequence[int] = (),
    monthly_years: Sequence[int] = (),
    from_file: Path | None = None,
    client: ComtradeClient | None = None,
    today: dt.date | None = None,
) -> RefreshResult:
    """Fetch ``years`` (annual) and ``monthly_years`` (months) from UN Comtrade, or read
    ``from_file``, and store what is new or revised in one transaction."""
    names = load_hs_chapters(settings.data_dir / HS_CHAPTERS_FILE)
    if from_file is not None:
        rows = read_comtrade_file(from_file)
    else:
        client = client or ComtradeClient(settings.comtrade_api_url, settings.comtrade_api_key)
        queries = plan_queries(years, monthly=False, preview=client.preview)
        if monthly_years:
            monthly = plan_queries(monthly_years, monthly=True, preview=client.preview)
            queries += [query for query in monthly if query.freq == "M"]
        rows = await client.fetch_all(queries)
    stats = map_rows(rows, retrieved=today or dt.date.today())
    result = await refresh(
        store, stats, rows=len(rows), chapter_names=names, announcer=FigureAnnouncer(store, i18n)
    )
    log.info("official statistics: %s", result.summary())
    await store.insights.record_run(
        "fetch",
        {
            "rows": result.rows,
            "figures_new": result.figures_new,
            "figures_revised": result.figures_revised,
            "chapters_new": result.chapters_new,
            "chapters_revised": result.chapters_revised,
        },
    )
    return result


class Waker(Protocol):
    def wake(self) -> None: ...


class RefreshLoop:
    """Fetches every ``STATS_REFRESH_HOURS`` while the bot runs (the annual figures since 2015
    and the months of this year and the last); a failure is logged and the bot goes on."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        i18n: I18n,
        worker: Waker | None = None,
        *,
        client_factory: Callable[[], ComtradeClient] | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._settings, self._store, self._i18n, self._worker = settings, store, i18n, worker
        self._client_factory = client_factory
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self.runs = 0  # attempts so far, for tests and logs

    @property
    def interval(self) -> dt.timedelta:
        return dt.timedelta(hours=self._settings.stats_refresh_hours)

    def start(self) -> None:
        if self._settings.stats_refresh_hours > 0 and self._task is None:
            self._task = asyncio.create_task(self._run(), name="stats-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _due_in(self) -> float:
        last = await self._store.official.last_fetched()
        if last is None:
            return 0.0
        when = dt.datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        return max(0.0, (when + self.interval - self._clock()).total_seconds())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(await self._due_in())
            if await self.refresh_once() is None:
                # Nothing was stored, not even the time: try again after the interval, not at once.
                await asyncio.sleep(self.interval.total_seconds())

    async def refresh_once(self) -> RefreshResult | None:
        """One refresh; None when it failed (logged as a warning, nothing stored)."""
        self.runs += 1
        today = self._clock().date()
        client = self._client_factory() if self._client_factory is not None else None
        try:
            result = await fetch_official(
                self._store,
                self._i18n,
                self._settings,
                years=default_years(today),
                monthly_years=(today.year - 1, today.year),
                client=client,
                today=today,
            )
        except FETCH_ERRORS as error:
            log.warning("official statistics refresh failed, the stored figures stay: %s", error)
            return None
        except Exception:
            log.exception("official statistics refresh failed, the stored figures stay")
            return None
        if result.alerted and self._worker is not None:
            self._worker.wake()
        return result
