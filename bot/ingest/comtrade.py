"""The UN Comtrade API client: Belarus–Kazakhstan goods trade (HS), annual or monthly.

Without a key it asks the public preview endpoint, ``{base}/public/v1/preview/C/{A|M}/HS``
(at most 500 rows an answer); with one, the data endpoint ``{base}/data/v1/get/C/{A|M}/HS``
with the key in the ``Ocp-Apim-Subscription-Key`` header, never in the URL. The parameters are
those of UN Comtrade's own ``comtradeapicall`` package::

    client = ComtradeClient(settings.comtrade_api_url, settings.comtrade_api_key)
    queries = plan_queries(range(2015, 2026), monthly=False, preview=client.preview)
    rows = await client.fetch_all(queries)  # every answer whole, or ComtradeError

A fetch is all or nothing: an HTTP error, a 429 or 5xx that outlasts the retries, malformed
JSON, an envelope with ``error``, a row that fails validation or an answer cut at the row cap
raises one :class:`ComtradeError` whose message is one line and never holds the key.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from bot.domain.models import Reporter
from bot.ingest.rows import REPORTER_CODES, ComtradeRow, first_error

DEFAULT_BASE_URL = "https://comtradeapi.un.org"
PREVIEW_CAP = 500  # the preview endpoint never returns more rows than this
DATA_CAP = 100_000  # what we ask of the data endpoint (the free tier's ceiling per call)
MAX_PERIODS = 12  # periods per call: the API's documented limit
KEY_HEADER = "Ocp-Apim-Subscription-Key"

Freq = Literal["A", "M"]
CmdLevel = Literal["TOTAL", "AG2"]
# Rows one period can bring at most: TOTAL is one row per flow; AG2 one per HS chapter
# (01..97 plus the national 98 and 99) and flow.
_ROWS_PER_PERIOD: dict[CmdLevel, int] = {"TOTAL": 2, "AG2": 2 * 99}
_PARTNER: dict[Reporter, Reporter] = {
    Reporter.KAZAKHSTAN: Reporter.BELARUS,
    Reporter.BELARUS: Reporter.KAZAKHSTAN,
}
_NAMES = {Reporter.KAZAKHSTAN: "Kazakhstan", Reporter.BELARUS: "Belarus"}


class ComtradeError(Exception):
    """A fetch failed or came back partial. ``str()`` is one line without the API key."""


@dataclass(frozen=True)
class ComtradeQuery:
    """One call: a reporter's trade with the other country, both flows, some periods."""

    reporter: Reporter
    freq: Freq
    periods: tuple[str, ...]  # "2024" (annual) or "202403" (monthly), at most MAX_PERIODS
    cmd: CmdLevel

    def describe(self) -> str:
        """For messages: "Kazakhstan's annual totals 2015–2024"."""
        what = "totals" if self.cmd == "TOTAL" else "HS chapters"
        freq = "annual" if self.freq == "A" else "monthly"
        span = self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]}–{self.periods[-1]}"
        return f"{_NAMES[self.reporter]}'s {freq} {what} {span}"


def plan_queries(
    years: Iterable[int],
    *,
    monthly: bool,
    preview: bool,
    levels: Sequence[CmdLevel] = ("TOTAL", "AG2"),
    reporters: Sequence[Reporter] = (Reporter.KAZAKHSTAN, Reporter.BELARUS),
) -> list[ComtradeQuery]:
    """The calls that fetch ``years``: annual data, and the months too when ``monthly``.

    Periods go together as far as the API allows (12 a call) and, on the preview endpoint,
    only as many as keep a whole answer under its 500-row cap (two periods of chapters), so
    an answer of exactly 500 rows always means a cut one.
    """
    wanted = sorted(set(years))
    cap = PREVIEW_CAP if preview else DATA_CAP
    queries: list[ComtradeQuery] = []
    freqs: list[Freq] = ["A", "M"] if monthly else ["A"]
    for reporter in reporters:
        for freq in freqs:
            periods = (
                [str(year) for year in wanted]
                if freq == "A"
                else [f"{year}{month:02d}" for year in wanted for month in range(1, 13)]
            )
            for level in levels:
                size = max(1, min(MAX_PERIODS, (cap - 1) // _ROWS_PER_PERIOD[level]))
                for start in range(0, len(periods), size):
                    chunk = tuple(periods[start : start + size])
                    queries.append(ComtradeQuery(reporter, freq, chunk, level))
    return queries


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    count: int | None = None
    data: list[Any] | None = None
    error: str | None = None


Sleep = Callable[[float], Awaitable[None]]
SessionFactory = Callable[[], aiohttp.ClientSession]


class ComtradeClient:
    """Fetches :class:`ComtradeQuery` answers as validated :class:`ComtradeRow` lists.

    ``session_factory`` makes the aiohttp session for one fetch (tests pass their own);
    ``sleep`` and ``clock`` are injectable so back-off and pacing run instantly in tests.
    Requests are spaced ``pace`` seconds apart (the API allows about one a second). A 429 is
    retried after its ``Retry-After`` (or the back-off when it gives none; a wait longer than
    ``backoff_cap`` is refused as a spent quota); 5xx and network errors after a back-off of
    ``backoff_base`` × 2ⁿ seconds, at most ``backoff_cap``; ``max_attempts`` tries in all.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: SecretStr | None = None,
        *,
        session_factory: SessionFactory | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        pace: float = 1.0,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        key = api_key.get_secret_value().strip() if api_key is not None else ""
        self._key = key or None
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session_factory = session_factory or (lambda: aiohttp.ClientSession(timeout=self._timeout))
        self._sleep, self._clock, self._pace = sleep, clock, pace
        self._max_attempts = max(1, max_attempts)
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._last_request: float | None = None

    @property
    def preview(self) -> bool:
        """Whether calls go to the key-less preview endpoint (500 rows an answer at most)."""
        return self._key is None

    @property
    def row_cap(self) -> int:
        return PREVIEW_CAP if self.preview else DATA_CAP

    def request_for(self, query: ComtradeQuery) -> tuple[str, dict[str, str], dict[str, str]]:
        """(url, query parameters, headers) of the call answering ``query``."""
        endpoint = "public/v1/preview" if self.preview else "data/v1/get"
        url = f"{self.base_url}/{endpoint}/C/{query.freq}/HS"
        params = {
            # Lower case as comtradeapicall sends it: the preview endpoint ignores "reporterCode".
            "reportercode": str(REPORTER_CODES[query.reporter]),
            "partnerCode": str(REPORTER_CODES[_PARTNER[query.reporter]]),
            "period": ",".join(query.periods),
            "cmdCode": query.cmd,
            "flowCode": "X,M",
            "partner2Code": "0",
            "customsCode": "C00",
            "motCode": "0",
            "breakdownMode": "classic",
            "includeDesc": "false",
            "maxRecords": str(self.row_cap),
            "format": "JSON",
        }
        headers = {"Accept": "application/json"}
        if self._key is not None:
            headers[KEY_HEADER] = self._key
        return url, params, headers

    async def fetch(self, query: ComtradeQuery) -> list[ComtradeRow]:
        """The rows answering one query (see :meth:`fetch_all`)."""
        return await self.fetch_all([query])

    async def fetch_all(self, queries: Iterable[ComtradeQuery]) -> list[ComtradeRow]:
        """Every query's rows, in order, or :class:`ComtradeError` at the first failure.

        An empty answer is not a failure: Belarus, for one, has not reported every year.
        """
        rows: list[ComtradeRow] = []
        try:
            async with self._session_factory() as session:
                for query in queries:
                    rows.extend(await self._fetch_one(session, query))
        except ComtradeError as exc:
            raise ComtradeError(self._redact(str(exc))) from None
        return rows

    async def _fetch_one(self, session: aiohttp.ClientSession, query: ComtradeQuery) -> list[ComtradeRow]:
        url, params, headers = self.request_for(query)
        what = query.describe()
        for attempt in range(1, self._max_attempts + 1):
            last = attempt == self._max_attempts
            await self._keep_pace()
            try:
                async with session.get(url, params=params, headers=headers) as response:
                    status = response.status
                    body = await response.text(errors="replace")
                    retry_after = response.headers.get("Retry-After")
            except (aiohttp.ClientError, TimeoutError) as exc:
                if last:
                    raise ComtradeError(
                        f"UN Comtrade unreachable for {what} after {attempt} tries: {type(exc).__name__}"
                    ) from None
                await self._sleep(self._backoff(attempt))
                continue
            if status == 200:
                return self._parse(body, what)
            if status == 429:
                wait = _seconds(retry_after)
                if wait is not None and wait > self._backoff_cap:
                    raise ComtradeError(
                        f"UN Comtrade rate limit for {what}: asked to wait {wait:.0f} s "
                        "(quota spent?); try again later"
                    )
                if last:
                    raise ComtradeError(f"UN Comtrade rate limit for {what}: still 429 after {attempt} tries")
                await self._sleep(wait if wait is not None else self._backoff(attempt))
                continue
            if status >= 500 and not last:
                await self._sleep(self._backoff(attempt))
                continue
            tries = f" after {attempt} tries" if status >= 500 else ""
            raise ComtradeError(f"UN Comtrade answered HTTP {status} for {what}{tries}{_reason(body)}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse(self, body: str, what: str) -> list[ComtradeRow]:
        try:
            document = json.loads(body)
        except ValueError:
            raise ComtradeError(f"UN Comtrade sent malformed JSON for {what}") from None
        if not isinstance(document, dict):
            raise ComtradeError(f"UN Comtrade sent an unexpected answer for {what}: not a JSON object")
        try:
            envelope = _Envelope.model_validate(document)
        except ValidationError as exc:
            field, problem = first_error(exc)
            where = f"field '{field}': " if field else ""
            raise ComtradeError(
                f"UN Comtrade sent an unexpected answer for {what}: {where}{problem}"
            ) from None
        if envelope.error:
            raise ComtradeError(f"UN Comtrade reported an error for {what}: {_one_line(envelope.error)}")
        if envelope.data is None:
            raise ComtradeError(f"UN Comtrade sent an answer without data for {what}")
        if envelope.count is not None and envelope.count != len(envelope.data):
            raise ComtradeError(
                f"UN Comtrade's answer for {what} is partial: count {envelope.count}, "
                f"{len(envelope.data)} rows"
            )
        if len(envelope.data) >= self.row_cap:
            raise ComtradeError(
                f"UN Comtrade's answer for {what} is cut at {self.row_cap} rows (partial); "
                "refused: ask for fewer periods, or set COMTRADE_API_KEY"
            )
        rows = []
        for index, raw in enumerate(envelope.data, start=1):
            try:
                rows.append(ComtradeRow.model_validate(raw))
            except ValidationError as exc:
                field, problem = first_error(exc)
                raise ComtradeError(
                    f"UN Comtrade sent a bad row for {what}: row {index}, field '{field}': {problem}"
                ) from None
        return rows

    async def _keep_pace(self) -> None:
        now = self._clock()
        if self._last_request is not None:
            wait = self._last_request + self._pace - now
            if wait > 0:
                await self._sleep(wait)
                now += wait
        self._last_request = now

    def _backoff(self, attempt: int) -> float:
        return float(min(self._backoff_cap, self._backoff_base * 2 ** (attempt - 1)))

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


def _seconds(value: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form counts as absent (the back-off decides)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _reason(body: str) -> str:
    """ ": <message>" from the gateway's JSON body ({"statusCode": 401, "message": "…"})."""
    try:
        document = json.loads(body)
    except ValueError:
        return ""
    if isinstance(document, dict):
        for key in ("message", "error", "errorMessage"):
            message = document.get(key)
            if isinstance(message, str) and message.strip():
                return ": " + _one_line(message)
    return ""


__all__ = [
    "DATA_CAP",
    "DEFAULT_BASE_URL",
    "KEY_HEADER",
    "MAX_PERIODS",
    "PREVIEW_CAP",
    "ComtradeClient",
    "ComtradeError",
    "ComtradeQuery",
    "plan_queries",
]
