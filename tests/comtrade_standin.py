"""A small local stand-in for the UN Comtrade API, for tests.

It listens on 127.0.0.1 only (a random port) and answers both endpoints from rows held in
memory, the way Comtrade does::

    GET /public/v1/preview/C/{A|M}/HS?reportercode=398&partnerCode=112&period=2023,2024&...
    GET /data/v1/get/C/{A|M}/HS?...   (needs the key in the Ocp-Apim-Subscription-Key header)

with the envelope ``{"elapsedTime": "0.01 secs", "count": N, "data": [...], "error": ""}``.
It filters by reporter, partner, period, flow and cmdCode (``TOTAL``, ``AG2`` or codes) and cuts
an answer at ``maxRecords``, never more than 500 rows on the preview endpoint, as Comtrade does.
Faults are played on demand, one per request, in order::

    async with ComtradeStandin(rows, api_key="k") as api:
        api.fail_next(Fault("429", retry_after="2"), Fault("500"))
        ...  # ComtradeClient(api.base_url, SecretStr("k"))
        api.requests  # every request: path, query, headers

Fault kinds: ``"pass"`` (answer normally: a fault for a later request), ``"429"`` (with Retry-After), ``"500"``, ``"malformed"`` (cut-off JSON), ``"error"``
(an envelope whose ``error`` is set), ``"cap"`` (the answer padded to the row cap, as when a
query matches more rows than it may return).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

KEY_HEADER = "Ocp-Apim-Subscription-Key"
PREVIEW_CAP = 500
DATA_CAP = 250_000

Row = dict[str, Any]


def make_row(
    reporter: int,
    partner: int,
    flow: str,
    value: float,
    year: int,
    month: int | None = None,
    cmd: str = "TOTAL",
) -> Row:
    """A data row as Comtrade sends it (all its fields, descriptions left out)."""
    period = str(year) if month is None else f"{year}{month:02d}"
    names = {398: ("KAZ", "Kazakhstan"), 112: ("BLR", "Belarus"), 0: ("W00", "World")}
    return {
        "typeCode": "C",
        "freqCode": "A" if month is None else "M",
        "refPeriodId": int(f"{year}{month or 1:02d}01"),
        "refYear": year,
        "refMonth": 52 if month is None else month,
        "period": period,
        "reporterCode": reporter,
        "reporterISO": names.get(reporter, ("", ""))[0],
        "reporterDesc": None,
        "flowCode": flow,
        "flowDesc": None,
        "partnerCode": partner,
        "partnerISO": names.get(partner, ("", ""))[0],
        "partnerDesc": None,
        "partner2Code": 0,
        "partner2ISO": "W00",
        "partner2Desc": None,
        "classificationCode": "H6",
        "classificationSearchCode": "HS",
        "isOriginalClassification": True,
        "cmdCode": cmd,
        "cmdDesc": None,
        "aggrLevel": 0 if cmd == "TOTAL" else len(cmd),
        "isLeaf": False,
        "customsCode": "C00",
        "customsDesc": None,
        "mosCode": "0",
        "motCode": 0,
        "motDesc": None,
        "qtyUnitCode": -1,
        "qtyUnitAbbr": "N/A",
        "qty": None,
        "isQtyEstimated": False,
        "altQtyUnitCode": -1,
        "altQtyUnitAbbr": "N/A",
        "altQty": None,
        "isAltQtyEstimated": False,
        "netWgt": None,
        "isNetWgtEstimated": False,
        "grossWgt": None,
        "isGrossWgtEstimated": False,
        "cifvalue": value if flow == "M" else None,
        "fobvalue": value if flow == "X" else None,
        "primaryValue": value,
        "legacyEstimationFlag": 0,
        "isReported": True,
        "isAggregate": False,
    }


@dataclass(frozen=True)
class Fault:
    kind: Literal["pass", "429", "500", "malformed", "error", "cap"]
    retry_after: str | None = None  # for 429: the Retry-After header, if any
    message: str = "An unexpected error occurred in the query"  # for "error"


@dataclass(frozen=True)
class StandinRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int


class ComtradeStandin:
    def __init__(self, rows: Iterable[Row] = (), *, api_key: str | None = None) -> None:
        self.rows: list[Row] = list(rows)
        self.api_key = api_key  # the key the data endpoint accepts; None: it refuses every call
        self.host, self.port = "127.0.0.1", 0
        self.requests: list[StandinRequest] = []  # every request answered, oldest first
        self._faults: list[Fault] = []
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_get("/public/v1/preview/{type}/{freq}/{cl}", self._preview)
        app.router.add_get("/data/v1/get/{type}/{freq}/{cl}", self._data)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def fail_next(self, *faults: Fault) -> None:
        """Answer the next requests with these faults, one each, in order."""
        self._faults.extend(faults)

    # -- the endpoints -----------------------------------------------------------------------

    async def _preview(self, request: web.Request) -> web.Response:
        return self._answer(request, cap=PREVIEW_CAP)

    async def _data(self, request: web.Request) -> web.Response:
        if self.api_key is None or request.headers.get(KEY_HEADER) != self.api_key:
            missing = KEY_HEADER not in request.headers
            message = (
                "Access denied due to missing subscription key. Make sure to include subscription "
                "key when making requests to an API."
                if missing
                else "Access denied due to invalid subscription key. Make sure to provide a valid "
                "key for an active subscription."
            )
            return self._record(
                request, web.json_response({"statusCode": 401, "message": message}, status=401)
            )
        return self._answer(request, cap=DATA_CAP)

    def _answer(self, request: web.Request, cap: int) -> web.Response:
        fault = self._faults.pop(0) if self._faults else None
        if fault is not None and fault.kind == "429":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            wait = fault.retry_after or "1"
            body = {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {wait} seconds."}
            return self._record(request, web.json_response(body, status=429, headers=headers))
        if fault is not None and fault.kind == "500":
            return self._record(request, web.Response(status=500, text="Internal Server Error"))
        if fault is not None and fault.kind == "malformed":
            text = '{"elapsedTime": "0.01 secs", "count": 2, "data": [{"typeCode": "C", "refYe'
            return self._record(request, web.Response(status=200, text=text, content_type="application/json"))
        if fault is not None and fault.kind == "error":
            body = {"elapsedTime": "0.01 secs", "count": 0, "data": [], "error": fault.message}
            return self._record(request, web.json_response(body))
        query = request.query
        if request.match_info["type"] != "C" or request.match_info["cl"] != "HS":
            return self._record(
                request, web.json_response({"statusCode": 404, "message": "Resource not found"}, status=404)
            )
        limit = min(cap, int(query.get("maxRecords", cap)))
        found = [row for row in self.rows if _matches(row, request.match_info["freq"], query)]
        if fault is not None and fault.kind == "cap":
            template = found[0] if found else make_row(398, 112, "X", 1.0, 2024)
            found += [dict(template, cmdCode=f"{n % 10000:04d}", aggrLevel=4) for n in range(limit)]
        data = found[:limit]
        body = {"elapsedTime": "0.01 secs", "count": len(data), "data": data, "error": ""}
        return self._record(request, web.json_response(body))

    def _record(self, request: web.Request, response: web.Response) -> web.Response:
        self.requests.append(
            StandinRequest(request.path, dict(request.query), dict(request.headers), response.status)
        )
        return response


def _codes(query: Any, *names: str) -> set[str] | None:
    for name in names:
        value = query.get(name)
        if value:
            return {part.strip() for part in value.split(",")}
    return None


def _matches(row: Row, freq: str, query: Any) -> bool:
    if (row["refMonth"] == 52) != (freq == "A"):
        return False
    checks = [
        (_codes(query, "reportercode", "reporterCode"), str(row["reporterCode"])),
        (_codes(query, "partnerCode"), str(row["partnerCode"])),
        (_codes(query, "period"), str(row["period"])),
        (_codes(query, "flowCode"), str(row["flowCode"])),
    ]
    if any(wanted is not None and value not in wanted for wanted, value in checks):
        return False
    commodities = _codes(query, "cmdCode") or {"TOTAL"}
    cmd = str(row["cmdCode"])
    return cmd in commodities or (f"AG{len(cmd)}" in commodities and cmd != "TOTAL")
