"""Official statistics from UN Comtrade: the client against a local stand-in of the API,
downloaded files, the mapping to trade figures, and the HS chapter names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.domain.models import Reporter
from bot.ingest.comtrade import ComtradeClient, ComtradeError, ComtradeQuery, plan_queries
from bot.ingest.hs_chapters import CHAPTERS, HsChaptersError, load_hs_chapters
from tests.comtrade_standin import KEY_HEADER, ComtradeStandin, Fault, make_row
from tests.conftest import DATA

KZ, BY = 398, 112
KEY = "c0ffee-VERY-secret-key"


class FakeTime:
    """A clock that only moves when the client sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client_for(
    api: ComtradeStandin, time: FakeTime, key: str | None = None, **options: Any
) -> ComtradeClient:
    options.setdefault("pace", 0.0)
    return ComtradeClient(
        api.base_url, SecretStr(key) if key else None, sleep=time.sleep, clock=time.clock, **options
    )


def totals_2024() -> list[dict[str, Any]]:
    return [
        make_row(KZ, BY, "X", 250_000_000.0, 2024),
        make_row(KZ, BY, "M", 700_000_000.5, 2024),
        make_row(BY, KZ, "X", 760_000_000.0, 2024),
        make_row(BY, KZ, "M", 240_000_000.0, 2024),
    ]


KZ_2024 = ComtradeQuery(Reporter.KAZAKHSTAN, "A", ("2023", "2024"), "TOTAL")


# -- the client: URLs, parameters, the key ---------------------------------------------------


async def test_without_a_key_the_preview_endpoint_is_asked_with_comtrades_parameters() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        client = client_for(api, time)
        rows = await client.fetch(KZ_2024)
    assert client.preview
    [request] = api.requests
    assert request.path == "/public/v1/preview/C/A/HS"
    assert request.query["reportercode"] == "398" and request.query["partnerCode"] == "112"
    assert request.query["period"] == "2023,2024"
    assert request.query["cmdCode"] == "TOTAL" and request.query["flowCode"] == "X,M"
    assert request.query["maxRecords"] == "500"
    assert (request.query["partner2Code"], request.query["customsCode"], request.query["motCode"]) == (
        "0",
        "C00",
        "0",
    )
    assert KEY_HEADER not in request.headers
    assert sorted((row.flow_code, row.primary_value) for row in rows) == [
        ("M", 700_000_000.5),
        ("X", 250_000_000.0),
    ]


async def test_with_a_key_the_data_endpoint_gets_it_in_the_header_never_in_the_url() -> None:
    time = FakeTime()
    monthly = [make_row(BY, KZ, "X", 61_000_000.0, 2025, month) for month in (1, 2, 3)]
    async with ComtradeStandin(monthly, api_key=KEY) as api:
        query = ComtradeQuery(Reporter.BELARUS, "M", ("202501", "202502", "202503"), "TOTAL")
        rows = await client_for(api, time, KEY).fetch(query)
    [request] = api.requests
    assert request.path == "/data/v1/get/C/M/HS"
    assert request.headers[KEY_HEADER] == KEY
    assert KEY not in json.dumps(request.query)
    assert request.query["reportercode"] == "112" and request.query["partnerCode"] == "398"
    assert [row.period for row in rows] == ["202501", "202502", "202503"]


async def test_a_refused_key_is_one_line_without_the_key() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024(), api_key="the-right-key") as api:
        with pytest.raises(ComtradeError) as caught:
            await client_for(api, time, KEY).fetch(KZ_2024)
    message = str(caught.value)
    assert message.startswith("UN Comtrade answered HTTP 401 for Kazakhstan's annual totals 2023–2024")
    assert "invalid subscription key" in message
    assert KEY not in message and "\n" not in message
    assert len(api.requests) == 1  # a 401 is not retried


async def test_an_error_text_that_echoes_the_key_is_redacted() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024(), api_key=KEY) as api:
        api.fail_next(Fault("error", message=f"Invalid request for key {KEY}"))
        with pytest.raises(ComtradeError) as caught:
            await client_for(api, time, KEY).fetch(KZ_2024)
    assert str(caught.value) == (
        "UN Comtrade reported an error for Kazakhstan's annual totals 2023–2024: Invalid request for key ***"
    )


# -- retries ---------------------------------------------------------------------------------


async def test_429_waits_as_retry_after_says_then_succeeds() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(Fault("429", retry_after="7"), Fault("429", retry_after="2"))
        rows = await client_for(api, time).fetch(KZ_2024)
    assert time.sleeps == [7.0, 2.0]
    assert [request.status for request in api.requests] == [429, 429, 200]
    assert len(rows) == 2


async def test_429_without_retry_after_backs_off_exponentially() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(Fault("429"), Fault("429"), Fault("429"))
        await client_for(api, time).fetch(KZ_2024)
    assert time.sleeps == [1.0, 2.0, 4.0]


async def test_429_asking_for_a_long_wait_is_refused_at_once() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(Fault("429", retry_after="3600"))
        with pytest.raises(ComtradeError, match=r"rate limit .* asked to wait 3600 s"):
            await client_for(api, time).fetch(KZ_2024)
    assert time.sleeps == [] and len(api.requests) == 1


async def test_a_passing_500_is_retried_a_persistent_one_fails_after_the_last_try() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(Fault("500"))
        assert len(await client_for(api, time).fetch(KZ_2024)) == 2
        time.sleeps.clear()
        api.fail_next(*[Fault("500")] * 4)
        with pytest.raises(ComtradeError) as caught:
            await client_for(api, time, max_attempts=4).fetch(KZ_2024)
    assert str(caught.value) == (
        "UN Comtrade answered HTTP 500 for Kazakhstan's annual totals 2023–2024 after 4 tries"
    )
    assert time.sleeps == [1.0, 2.0, 4.0]


async def test_backoff_is_capped() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(*[Fault("500")] * 5)
        await client_for(api, time, max_attempts=6, backoff_base=2.0, backoff_cap=10.0).fetch(KZ_2024)
    assert time.sleeps == [2.0, 4.0, 8.0, 10.0, 10.0]


async def test_an_unreachable_server_fails_in_one_line() -> None:
    time = FakeTime()
    async with ComtradeStandin() as api:
        client = client_for(api, time, max_attempts=2)
    with pytest.raises(ComtradeError, match=r"^UN Comtrade unreachable for .* after 2 tries: \w+$"):
        await client.fetch(KZ_2024)
    assert time.sleeps == [1.0]


async def test_requests_are_paced() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        client = client_for(api, time, pace=1.5)
        await client.fetch_all([KZ_2024, KZ_2024, KZ_2024])
    assert time.sleeps == [1.5, 1.5]


# -- answers that are refused ----------------------------------------------------------------


async def test_malformed_json_is_refused_without_retrying() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        api.fail_next(Fault("malformed"))
        with pytest.raises(ComtradeError, match=r"^UN Comtrade sent malformed JSON for Kazakhstan's"):
            await client_for(api, time).fetch(KZ_2024)
    assert len(api.requests) == 1


async def test_an_answer_cut_at_the_preview_cap_is_refused_as_partial() -> None:
    time = FakeTime()
    chapters = [
        make_row(KZ, BY, flow, 1000.0 + n, year, cmd=code)
        for year in (2022, 2023, 2024)
        for flow in ("X", "M")
        for n, code in enumerate(CHAPTERS)
    ]
    assert len(chapters) > 500
    three_years = ComtradeQuery(Reporter.KAZAKHSTAN, "A", ("2022", "2023", "2024"), "AG2")
    two_years = ComtradeQuery(Reporter.KAZAKHSTAN, "A", ("2023", "2024"), "AG2")
    async with ComtradeStandin(chapters) as api:
        client = client_for(api, time)
        with pytest.raises(ComtradeError) as caught:
            await client.fetch(three_years)
        assert len(await client.fetch(two_years)) == 2 * 2 * 96
        api.fail_next(Fault("cap"))
        with pytest.raises(ComtradeError, match="cut at 500 rows"):
            await client.fetch(two_years)
    assert str(caught.value) == (
        "UN Comtrade's answer for Kazakhstan's annual HS chapters 2022–2024 is cut at 500 rows "
        "(partial); refused: ask for fewer periods, or set COMTRADE_API_KEY"
    )


async def test_a_bad_row_is_refused_naming_the_row_and_field() -> None:
    time = FakeTime()
    rows = totals_2024()
    rows[1] = dict(rows[1], primaryValue=-5)
    async with ComtradeStandin(rows) as api:
        with pytest.raises(ComtradeError) as caught:
            await client_for(api, time).fetch(KZ_2024)
    assert str(caught.value).endswith(
        "row 2, field 'primaryValue': Input should be greater than or equal to 0"
    )


async def test_a_fetch_is_all_or_nothing() -> None:
    time = FakeTime()
    by_query = ComtradeQuery(Reporter.BELARUS, "A", ("2024",), "TOTAL")
    async with ComtradeStandin(totals_2024()) as api:
        client = client_for(api, time, max_attempts=2)
        assert len(await client.fetch_all([KZ_2024, by_query])) == 4
        api.fail_next(Fault("pass"), Fault("500"), Fault("500"))  # the second call fails for good
        with pytest.raises(ComtradeError, match=r"HTTP 500 for Belarus's annual totals 2024 after 2 tries"):
            await client.fetch_all([KZ_2024, by_query])
    assert [r.status for r in api.requests[2:]] == [200, 500, 500]


async def test_an_empty_answer_is_not_an_error() -> None:
    time = FakeTime()
    async with ComtradeStandin(totals_2024()) as api:
        query = ComtradeQuery(Reporter.BELARUS, "A", ("2016",), "TOTAL")  # Belarus did not report
        assert await client_for(api, time).fetch(query) == []


def test_plan_keeps_every_preview_answer_under_the_cap() -> None:
    years = range(2015, 2026)
    preview = plan_queries(years, monthly=False, preview=True)
    totals = [q for q in preview if q.cmd == "TOTAL"]
    assert [(q.reporter, q.periods) for q in totals] == [
        (Reporter.KAZAKHSTAN, tuple(str(y) for y in years)),
        (Reporter.BELARUS, tuple(str(y) for y in years)),
    ]
    chapters = [q for q in preview if q.cmd == "AG2"]
    # 2 × 99 rows a year at most: two years a call keep an answer under 500 rows.
    assert [len(q.periods) for q in chapters] == [2, 2, 2, 2, 2, 1] * 2
    assert {p for q in chapters if q.reporter is Reporter.BELARUS for p in q.periods} == {
        str(y) for y in years
    }

    monthly = plan_queries(years, monthly=True, preview=False)
    monthly_totals = [q for q in monthly if q.freq == "M" and q.cmd == "TOTAL"]
    assert len(monthly_totals) == 2 * 11 and all(len(q.periods) == 12 for q in monthly_totals)
    assert monthly_totals[0].periods[:2] == ("201501", "201502")
    assert all(len(q.periods) <= 12 for q in monthly)


# -- HS chapter names ------------------------------------------------------------------------


def test_hs_chapters_toml_names_all_96_chapters_in_four_languages() -> None:
    names = load_hs_chapters(DATA / "hs_chapters.toml")
    assert list(names) == [f"{n:02d}" for n in range(1, 98) if n != 77]
    assert names["27"].get("en") == "Mineral fuels, oil and oil products"
    for code, name in names.items():
        for locale in ("ru", "kk", "be"):
            text = name.get(locale)
            assert any("а" <= ch.lower() <= "я" or ch in "әғқңөұүһіўё" for ch in text), (code, locale)
    assert len({name.get("kk") for name in names.values()}) == 96  # no copy-pasted names


def chapters_file(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "hs_chapters.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def chapter(code: str, kk: str | None = "Атауы") -> str:
    lines = ["[[chapter]]", f'code = "{code}"', 'name.ru = "Имя"', 'name.en = "Name"', 'name.be = "Імя"']
    if kk is not None:
        lines.append(f'name.kk = "{kk}"')
    return "\n".join(lines) + "\n"


def test_a_malformed_chapter_file_is_named_by_file_entry_and_field(tmp_path: Path) -> None:
    full = [chapter(code) for code in CHAPTERS]
    load_hs_chapters(chapters_file(tmp_path, full))

    broken = list(full)
    broken[2] = chapter("03", kk=None)
    path = chapters_file(tmp_path, broken)
    with pytest.raises(HsChaptersError) as caught:
        load_hs_chapters(path)
    assert str(caught.value) == f"{path.as_posix()}, chapter #3 (code '03'), field 'name.kk': Field required"

    with pytest.raises(
        HsChaptersError, match=r"chapter #97 \(code '77'\), field 'code': chapter 77 is reserved"
    ):
        load_hs_chapters(chapters_file(tmp_path, [*full, chapter("77")]))
    with pytest.raises(HsChaptersError, match=r"chapter #97 \(code '05'\), field 'code': duplicate code"):
        load_hs_chapters(chapters_file(tmp_path, [*full, chapter("05")]))
    with pytest.raises(HsChaptersError, match=r"hs_chapters\.toml: chapter\(s\) missing: 42, 97$"):
        load_hs_chapters(chapters_file(tmp_path, [c for c in full if '"42"' not in c and '"97"' not in c]))
