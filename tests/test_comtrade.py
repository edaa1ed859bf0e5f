"""Official statistics from UN Comtrade: the client against a local stand-in of the API,
downloaded files, the mapping to trade figures, and the HS chapter names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.domain.models import Flow, Period, Reporter
from bot.ingest.comtrade import ComtradeClient, ComtradeError, ComtradeQuery, plan_queries
from bot.ingest.files import ComtradeFileError, read_comtrade_file
from bot.ingest.hs_chapters import CHAPTERS, HsChaptersError, load_hs_chapters
from bot.ingest.mapping import MappingError, diff, map_rows
from bot.ingest.rows import ComtradeRow
from tests.comtrade_standin import KEY_HEADER, ComtradeStandin, Fault, make_row
from tests.conftest import DATA

KZ, BY = 398, 112
KEY = "c0ffee-VERY-secret-key"
RETRIEVED = dt.date(2026, 11, 29)


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


def rows_of(raw: list[dict[str, Any]]) -> list[ComtradeRow]:
    return [ComtradeRow.model_validate(row) for row in raw]


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


# -- mapping ---------------------------------------------------------------------------------


def test_each_side_keeps_its_own_figures_with_the_mirror_made_explicit() -> None:
    stats = map_rows(rows_of(totals_2024()), RETRIEVED)
    found = {(f.reporter, f.flow): f for f in stats.figures}
    kz_exports_seen_by_kz = found[(Reporter.KAZAKHSTAN, Flow.EXPORT_KZ_TO_BY)]
    by_exports_seen_by_kz = found[(Reporter.KAZAKHSTAN, Flow.EXPORT_BY_TO_KZ)]
    assert (kz_exports_seen_by_kz.value_usd, kz_exports_seen_by_kz.mirror) == (250_000_000.0, False)
    assert (by_exports_seen_by_kz.value_usd, by_exports_seen_by_kz.mirror) == (700_000_000.5, True)
    by_own = found[(Reporter.BELARUS, Flow.EXPORT_BY_TO_KZ)]
    kz_seen_by_by = found[(Reporter.BELARUS, Flow.EXPORT_KZ_TO_BY)]
    assert (by_own.value_usd, by_own.mirror) == (760_000_000.0, False)
    assert (kz_seen_by_by.value_usd, kz_seen_by_by.mirror) == (240_000_000.0, True)
    assert all(f.period == Period(2024) for f in stats.figures)
    assert not any(f.computed for f in stats.figures if f.flow is not Flow.TURNOVER)


def test_turnover_is_the_sum_of_one_reporters_flows_marked_computed() -> None:
    rows = [*totals_2024(), make_row(KZ, BY, "X", 10.0, 2023)]  # 2023: one flow only
    stats = map_rows(rows_of(rows), RETRIEVED)
    turnovers = {(f.period.key, f.reporter): f for f in stats.figures if f.flow is Flow.TURNOVER}
    assert set(turnovers) == {("2024", Reporter.KAZAKHSTAN), ("2024", Reporter.BELARUS)}
    assert turnovers[("2024", Reporter.KAZAKHSTAN)].value_usd == 950_000_000.5
    assert turnovers[("2024", Reporter.BELARUS)].value_usd == 1_000_000_000.0
    assert all(f.computed and not f.mirror for f in turnovers.values())


def test_every_figure_names_its_source_by_reporter_and_year() -> None:
    rows = [*totals_2024(), make_row(KZ, BY, "X", 20_000_000.0, 2025, month=3)]
    stats = map_rows(rows_of(rows), RETRIEVED)
    assert {f.source_id for f in stats.figures if f.reporter is Reporter.KAZAKHSTAN} == {
        "comtrade-kz-2024",
        "comtrade-kz-2025",
    }
    sources = {s.id: s for s in stats.sources}
    assert sorted(sources) == ["comtrade-by-2024", "comtrade-kz-2024", "comtrade-kz-2025"]
    kz = sources["comtrade-kz-2024"]
    assert (kz.outlet, kz.title, kz.retrieved) == ("UN Comtrade", "Kazakhstan's report", RETRIEVED)
    assert kz.citation == "UN Comtrade, Kazakhstan's report, retrieved 2026-11-29"
    assert sources["comtrade-by-2024"].title == "Belarus's report"
    [march] = [f for f in stats.figures if f.period.year == 2025]
    assert march.period.key == "2025-03..03" and march.flow is Flow.EXPORT_KZ_TO_BY


def test_chapters_become_per_direction_figures() -> None:
    rows = [
        make_row(KZ, BY, "M", 5_000_000.0, 2024, cmd="84"),
        make_row(KZ, BY, "X", 9_000_000.0, 2024, cmd="27"),
        make_row(BY, KZ, "X", 4_800_000.0, 2024, cmd="84"),
    ]
    stats = map_rows(rows_of(rows), RETRIEVED)
    assert stats.figures == ()
    assert [(c.reporter, c.flow, c.chapter, c.value_usd, c.mirror) for c in stats.chapters] == [
        (Reporter.BELARUS, Flow.EXPORT_BY_TO_KZ, "84", 4_800_000.0, False),
        (Reporter.KAZAKHSTAN, Flow.EXPORT_BY_TO_KZ, "84", 5_000_000.0, True),
        (Reporter.KAZAKHSTAN, Flow.EXPORT_KZ_TO_BY, "27", 9_000_000.0, False),
    ]
    assert stats.chapters[1].key == ("2024", Reporter.KAZAKHSTAN, Flow.EXPORT_BY_TO_KZ, "84")
    assert stats.chapters[1].source_id == "comtrade-kz-2024"


def test_rows_about_anything_else_are_ignored_and_counted() -> None:
    other = [
        make_row(KZ, 0, "X", 1.0, 2024),  # Kazakhstan's exports to the world
        make_row(KZ, BY, "RX", 1.0, 2024),  # re-exports
        dict(make_row(KZ, BY, "X", 1.0, 2024), motCode=2100),  # one transport mode's share
        make_row(KZ, BY, "X", 1.0, 2024, cmd="8429"),  # a heading, not a chapter
        make_row(BY, BY, "X", 1.0, 2024),
    ]
    stats = map_rows(rows_of([*totals_2024(), *other]), RETRIEVED)
    assert stats.ignored == 5
    assert len(stats.figures) == 6  # four flows, two turnovers


def test_two_values_for_one_figure_are_refused_a_repeat_is_taken_once() -> None:
    rows = totals_2024()
    assert len(map_rows(rows_of([*rows, rows[0]]), RETRIEVED).figures) == 6
    with pytest.raises(MappingError, match=r"two values for reporter 398, flow X, period 2024"):
        map_rows(rows_of([*rows, dict(rows[0], primaryValue=1.0)]), RETRIEVED)


def test_diff_tells_new_revised_and_unchanged() -> None:
    old = map_rows(rows_of(totals_2024()), RETRIEVED).figures
    revised_rows = totals_2024()
    revised_rows[0] = dict(revised_rows[0], primaryValue=251_000_000.0)  # KZ revised its exports
    revised_rows[1] = dict(revised_rows[1], primaryValue=700_000_000.501)  # float noise only
    new_rows = [*revised_rows[:2], make_row(KZ, BY, "X", 300_000_000.0, 2025)]
    new = map_rows(rows_of(new_rows), RETRIEVED.replace(day=30)).figures

    changes = diff(old, new)
    assert [(f.period.key, f.flow) for f in changes.new] == [("2025", Flow.EXPORT_KZ_TO_BY)]
    assert [(a.flow, a.value_usd, b.value_usd) for a, b in changes.revised] == [
        (Flow.EXPORT_KZ_TO_BY, 250_000_000.0, 251_000_000.0),
        (Flow.TURNOVER, 950_000_000.5, 951_000_000.501),
    ]
    assert [f.flow for f in changes.unchanged] == [Flow.EXPORT_BY_TO_KZ]
    assert {f.reporter for f in changes.absent} == {Reporter.BELARUS}
    assert changes.changes
    again = diff(new, new)
    assert not again.changes and len(again.unchanged) == len(new)
    with pytest.raises(ValueError, match="share the key"):
        diff([*old, old[0]], new)


# -- files downloaded from the website -------------------------------------------------------


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ",") -> Path:
    """The website's download: a BOM, the API's field names as headers, empty cells for nulls."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(list(rows[0]))
    writer.writerows([["" if value is None else value for value in row.values()] for row in rows])
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return path


def test_a_website_csv_reads_like_the_api(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "TradeData_11_29_2026.csv", totals_2024())
    from_file = map_rows(read_comtrade_file(path), RETRIEVED)
    from_api = map_rows(rows_of(totals_2024()), RETRIEVED)
    assert from_file == from_api


def test_a_csv_saved_by_a_spreadsheet_still_reads(tmp_path: Path) -> None:
    rows = [make_row(KZ, BY, "X", 12.5, 2024, cmd="01"), make_row(KZ, BY, "X", 3.0, 2024, cmd="27")]
    rows[0]["cmdCode"] = "1"  # the spreadsheet took "01" for a number
    rows[0]["partnerDesc"] = "Côte d’Ivoire; Bélarus"  # quoted; cp1252 bytes are no UTF-8
    path = tmp_path / "chapters.csv"
    write_csv(path, rows, delimiter=";")
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("cp1252"))
    chapters = map_rows(read_comtrade_file(path), RETRIEVED).chapters
    assert [(c.chapter, c.value_usd) for c in chapters] == [("01", 12.5), ("27", 3.0)]


def test_a_bad_csv_cell_is_named_by_file_row_and_field(tmp_path: Path) -> None:
    rows = totals_2024()
    rows[1]["primaryValue"] = "7e8 USD"
    path = write_csv(tmp_path / "kz.csv", rows)
    with pytest.raises(ComtradeFileError) as caught:
        read_comtrade_file(path)
    assert str(caught.value) == (
        f"{path.as_posix()}, row 3, field 'primaryValue': Input should be a valid number, "
        "unable to parse string as a number"
    )
    rows = totals_2024()
    rows[2]["refYear"] = ""
    with pytest.raises(ComtradeFileError, match=r"row 4, field 'refYear': Field required"):
        read_comtrade_file(write_csv(tmp_path / "kz.csv", rows))


def test_a_csv_that_is_no_comtrade_download_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("year,value\n2024,5\n", encoding="utf-8")
    with pytest.raises(ComtradeFileError, match=r"row 1: missing column\(s\) 'reporterCode', "):
        read_comtrade_file(path)


def test_json_as_the_envelope_or_a_bare_list(tmp_path: Path) -> None:
    envelope = tmp_path / "kz.json"
    envelope.write_text(json.dumps({"count": 4, "data": totals_2024(), "error": ""}), encoding="utf-8")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(totals_2024()), encoding="utf-8")
    assert read_comtrade_file(envelope) == read_comtrade_file(bare) == rows_of(totals_2024())

    rows = totals_2024()
    rows[1]["refMonth"] = 13
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": rows}), encoding="utf-8")
    with pytest.raises(ComtradeFileError) as caught:
        read_comtrade_file(bad)
    assert str(caught.value) == (
        f"{bad.as_posix()}, row 2, field 'refMonth': expected 1..12, or 52 for a whole year"
    )
    rows = totals_2024()
    rows[0]["period"] = "2023"
    bad.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(ComtradeFileError, match=r"row 1, field 'period': period '2023' does not match"):
        read_comtrade_file(bad)
    bad.write_text('{"data": [', encoding="utf-8")
    with pytest.raises(ComtradeFileError, match=r"bad\.json: not valid JSON"):
        read_comtrade_file(bad)


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
