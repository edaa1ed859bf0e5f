"""Official statistics in the bot: `data fetch` through a local stand-in of UN Comtrade, the
store (idempotence, revisions, all-or-nothing), the figures on /turnover, /products, and the
command line (one line on failure, --from-file)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.ingest import ComtradeClient
from bot.ingest.refresh import RefreshResult
from bot.official import FETCH_ERRORS, RefreshLoop, fetch_official
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.process import run_cli as run_command
from tests.comtrade_standin import ComtradeStandin, Fault, make_row

KZ, BY = 398, 112
TODAY = dt.date(2026, 11, 29)


async def _no_sleep(_seconds: float) -> None:
    return None


def totals(year: int = 2024, kz_imports: float = 700_000_000.0) -> list[dict[str, Any]]:
    """Both countries' reports of one year: Kazakhstan's exports and imports, Belarus's."""
    return [
        make_row(KZ, BY, "X", 250_000_000.0, year),
        make_row(KZ, BY, "M", kz_imports, year),
        make_row(BY, KZ, "X", 760_000_000.0, year),
        make_row(BY, KZ, "M", 240_000_000.0, year),
    ]


def chapters_2024() -> list[dict[str, Any]]:
    """Kazakhstan's imports from Belarus in twelve chapters (87 the largest), its exports in two;
    Belarus's exports in one."""
    rows = [
        make_row(KZ, BY, "M", float(value), 2024, cmd=code)
        for code, value in zip(
            ("87", "84", "04", "02", "85", "39", "73", "94", "30", "48", "19", "22"),
            (200, 120, 90, 60, 50, 40, 30, 25, 20, 15, 10, 5),
            strict=True,
        )
    ]
    rows += [make_row(KZ, BY, "X", 150.0, 2024, cmd="27"), make_row(KZ, BY, "X", 50.0, 2024, cmd="72")]
    rows.append(make_row(BY, KZ, "X", 640.0, 2024, cmd="87"))  # Belarus's own report: one chapter
    return [dict(row, primaryValue=row["primaryValue"] * 1_000_000) for row in rows]


def client_for(api: ComtradeStandin, **options: Any) -> ComtradeClient:
    options.setdefault("max_attempts", 2)
    return ComtradeClient(api.base_url, None, sleep=_no_sleep, pace=0.0, backoff_base=0.0, **options)


async def fetch(
    store: Store, i18n: I18n, settings: Settings, api: ComtradeStandin, years: tuple[int, ...] = (2023, 2024)
) -> RefreshResult:
    return await fetch_official(store, i18n, settings, years=years, client=client_for(api), today=TODAY)


_TABLES = (
    "official_sources",
    "official_figures",
    "official_chapters",
    "official_revisions",
    "hs_chapter_names",
    "facts",
    "fact_texts",
    "deliveries",
    "announced",
    "trade_figures",
)


async def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that a fetch could touch, and the data version."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in _TABLES:
        async with store.db.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3") as cursor:
            found[table] = [tuple(row) for row in await cursor.fetchall()]
    found["version"] = [(await store.db.data_version(),)]
    return found


async def test_fetched_figures_stand_beside_the_news_each_with_its_source_and_the_mirror_explicit(
    store: Store, i18n: I18n, settings: Settings, make_client: Callable[..., BotClient]
) -> None:
    async with ComtradeStandin(totals(2016) + totals(2024)) as api:
        result = await fetch(store, i18n, settings, api, (2016, 2024))
    assert (result.figures_new, result.figures_revised) == (12, 0)  # 2 years x 2 reporters x 3 flows
    reply = (await make_client("en").send("/turnover 2024")).last
    text = reply.text
    # The news' unattributed $1.1B stays, UN Comtrade's figures come beside it.
    assert "🗣 As stated in the source: <b>$1.1B</b>" in text
    # 250 + 700, summed by us, and said so.
    assert "🇰🇿 Kazakh statistics: <b>$950M</b> <i>(computed: exports plus imports)</i>" in text
    assert "🇧🇾 Belarusian statistics: <b>$760M</b>" in text
    # Kazakhstan's imports from Belarus are the Kazakh view of Belarusian exports, and say so.
    mirror = "Kazakhstan’s imports from Belarus: the Kazakh side’s view of Belarusian exports"
    cited = '<a href="https://comtradeplus.un.org/">[3]</a>'  # [n] opens the source
    assert f"🇰🇿 Kazakh statistics: <b>$700M</b> {cited}\n    <i>{mirror}</i>" in text
    assert text.count(mirror) == 1  # not repeated under the balance computed from it
    assert "Belarus’s imports from Kazakhstan: the Belarusian side’s view of Kazakh exports" in text
    assert "UN Comtrade</a>, Kazakhstan’s report, retrieved November 29, 2026" in text
    assert "UN Comtrade</a>, Belarus’s report, retrieved November 29, 2026" in text
    assert "📦 Products" in reply.button_texts
    # A year only UN Comtrade has becomes a period with its own button.
    assert "2016" in reply.button_texts
    ru = (await make_client("ru").send("/turnover 2024")).last.text
    assert "данные Казахстана, получено 29 ноября 2026\u202fг." in ru
    assert "Импорт Казахстана из Беларуси: взгляд казахстанской стороны на белорусский экспорт" in ru


async def test_a_fetch_run_twice_changes_nothing(store: Store, i18n: I18n, settings: Settings) -> None:
    async with ComtradeStandin(totals(2024) + chapters_2024()) as api:
        first = await fetch(store, i18n, settings, api, (2024,))
        before = await dump(store)
        again = await fetch(store, i18n, settings, api, (2024,))
    assert first.changed and first.chapters_new == 15
    assert not again.changed
    assert (again.figures_unchanged, again.figures_new, again.figures_revised) == (6, 0, 0)
    assert "nothing new" in again.summary()
    assert await dump(store) == before


async def test_a_revised_value_replaces_the_old_one_and_is_recorded(
    store: Store, i18n: I18n, settings: Settings
) -> None:
    async with ComtradeStandin(totals(2024)) as api:
        await fetch(store, i18n, settings, api, (2024,))
        api.rows = totals(2024, kz_imports=710_000_000.0)
        result = await fetch(store, i18n, settings, api, (2024,))
    # The import figure and the turnover computed from it.
    assert (result.figures_new, result.figures_revised, result.figures_unchanged) == (0, 2, 4)
    async with store.db.conn.execute(
        "SELECT value_usd FROM official_figures WHERE year = 2024 AND reporter = 'KZ' ORDER BY flow"
    ) as cursor:
        values = [row[0] for row in await cursor.fetchall()]
    assert values == [710_000_000.0, 250_000_000.0, 960_000_000.0]
    revisions = {(r.flow.value, r.old_value, r.new_value) for r in await store.official.revisions()}
    assert revisions == {
        ("export_by_to_kz", 700_000_000.0, 710_000_000.0),
        ("turnover", 950_000_000.0, 960_000_000.0),
    }


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault("500"), "HTTP 500"),
        (Fault("malformed"), "malformed JSON"),
        (Fault("cap"), "cut at 500 rows"),
        (Fault("error"), "reported an error"),
        (Fault("429", retry_after="3600"), "rate limit"),
    ],
)
async def test_a_failed_or_partial_answer_leaves_the_database_as_it_was(
    store: Store, i18n: I18n, settings: Settings, fault: Fault, words: str
) -> None:
    async with ComtradeStandin(totals(2023) + totals(2024) + chapters_2024()) as api:
        await fetch(store, i18n, settings, api, (2023,))
        before = await dump(store)
        api.rows = totals(2023, kz_imports=1.0) + totals(2024) + chapters_2024()
        # The second request fails: the first one's rows must not be stored either.
        api.fail_next(Fault("pass"), fault, fault, fault)
        with pytest.raises(FETCH_ERRORS) as caught:
            await fetch(store, i18n, settings, api, (2023, 2024))
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert await dump(store) == before


async def test_products_shows_the_top_ten_chapters_each_way_with_shares(
    store: Store, i18n: I18n, settings: Settings, make_client: Callable[..., BotClient]
) -> None:
    async with ComtradeStandin(totals(2024) + chapters_2024()) as api:
        await fetch(store, i18n, settings, api, (2024,))
    client = make_client("en")
    first = (await client.send("/products")).last
    # Belarusian statistics first, as everywhere; a button switches to the Kazakh ones.
    assert "<b>2024</b> · 🇧🇾 Belarusian statistics [1]" in first.text
    assert "1. Vehicles other than railway (87): <b>$640M · 100%</b>" in first.text
    assert first.button_texts == [
        "• 🇧🇾 Belarusian statistics •",
        "🇰🇿 Kazakh statistics",
        "• 2024 •",
        "📊 Turnover",
    ]
    reply = (await client.click(first, "🇰🇿 Kazakh statistics")).last
    text = reply.text
    assert "<b>2024</b> · 🇰🇿 Kazakh statistics [1]" in text
    assert "<b>Exports Belarus → Kazakhstan</b> · $665M" in text
    assert "<i>As Kazakhstan’s imports from Belarus (the Kazakh side’s view)</i>" in text
    # 665 in all; vehicles (87) lead with 200/665 = 30 %; ten chapters, not the eleventh.
    assert "1. Vehicles other than railway (87): <b>$200M · 30%</b>" in text
    assert "10. Paper and paperboard (48): <b>$15M · 2.3%</b>" in text
    assert "11." not in text and "(19)" not in text
    assert "<b>Exports Kazakhstan → Belarus</b> · $200M" in text
    assert "1. Mineral fuels, oil and oil products (27): <b>$150M · 75%</b>" in text
    assert "UN Comtrade</a>, Kazakhstan’s report, retrieved November 29, 2026" in text
    kk = (await make_client("kk").send("/products 2024")).last.text
    assert "1. Темір жолдан басқа жерүсті көлігі (87)" in kk
    back = await client.click(reply, "📊 Turnover")
    assert "Belarus–Kazakhstan trade" in back.last.text
    unknown = (await client.send("/products 1999")).last
    assert "no breakdown by product for <b>1999</b>" in unknown.text and "2024" in unknown.button_texts


async def test_products_before_any_fetch_says_there_is_none_yet(
    make_client: Callable[..., BotClient],
) -> None:
    turnover = (await make_client("en").send("/turnover")).last
    reply = await make_client("en").click(turnover, "📦 Products")
    assert "No breakdown by product is loaded yet" in reply.last.text


async def test_a_failed_refresh_is_logged_and_the_bot_keeps_answering(
    store: Store,
    i18n: I18n,
    settings: Settings,
    make_client: Callable[..., BotClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with ComtradeStandin(totals(2024)) as api:
        api.fail_next(Fault("500"), Fault("500"))  # both tries of the first call
        loop = RefreshLoop(settings, store, i18n, client_factory=lambda: client_for(api))
        assert await loop.refresh_once() is None
        ok = await loop.refresh_once()
    assert ok is not None and ok.figures_new == 6
    assert "official statistics refresh failed, the stored figures stay: UN Comtrade answered HTTP 500" in (
        caplog.text
    )
    assert "Belarus–Kazakhstan trade" in (await make_client("en").send("/turnover")).last.text


async def test_the_refresh_loop_runs_only_when_hours_are_set(
    store: Store, i18n: I18n, settings: Settings
) -> None:
    loop = RefreshLoop(settings, store, i18n)
    loop.start()  # STATS_REFRESH_HOURS = 0: never
    await asyncio.sleep(0)
    assert loop.runs == 0
    await loop.stop()


async def run_cli(
    settings: Settings, *args: str, api_url: str = "http://127.0.0.1:9"
) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "BOT_TOKEN": "",
        "DATABASE_PATH": str(settings.database_path),
        "DATA_DIR": str(settings.data_dir),
        "COMTRADE_API_URL": api_url,
        "COMTRADE_API_KEY": "",
    }
    done = await asyncio.to_thread(run_command, *args, env=env)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
async def test_data_fetch_on_the_command_line_from_a_file_and_from_a_failing_api(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    downloaded = tmp_path / "comtrade.json"
    downloaded.write_text(json.dumps({"count": 8, "data": totals(2023) + totals(2024), "error": ""}))
    code, out, err = await run_cli(settings, "data", "fetch", "--from-file", str(downloaded))
    assert (code, err) == (0, "")
    assert out.strip() == (
        "8 rows: 12 new figures, 0 revised, 0 unchanged; 0 new HS chapter figures, 0 revised; "
        "alert queued for 0 chats"
    )
    before = await dump(store)
    async with ComtradeStandin(totals(2024)) as api:
        api.fail_next(Fault("malformed"))
        code, out, err = await run_cli(settings, "data", "fetch", "--years", "2024", api_url=api.base_url)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: UN Comtrade sent malformed JSON for Kazakhstan's annual totals 2024 (the database is unchanged)"
    ]
    assert await dump(store) == before
    code, _out, err = await run_cli(settings, "data", "fetch", "--years", "20x4")
    assert code == 1 and err.startswith("error: --years:")


async def test_months_of_a_year_not_yet_reported_whole_add_up_to_january_to_the_last_full_month(
    store: Store, i18n: I18n, settings: Settings, make_client: Callable[..., BotClient]
) -> None:
    months = [make_row(KZ, BY, flow, 10_000_000.0, 2026, month) for month in (1, 2, 3) for flow in ("X", "M")]
    months.append(make_row(KZ, BY, "X", 10_000_000.0, 2026, 4))  # April's imports are not out yet
    async with ComtradeStandin(months) as api:
        result = await fetch_official(
            store, i18n, settings, monthly_years=(2026,), client=client_for(api), today=TODAY
        )
    assert result.figures_new == 10  # 3 months x 3 flows (turnover summed), and April's exports
    reply = (await make_client("en").send("/turnover 2026")).last
    assert "<b>January – March 2026</b>" in reply.text.replace("\u2009", " ")
    assert "🇰🇿 Kazakh statistics: <b>$30M</b> <i>(computed: the sum of the monthly figures)</i>" in reply.text
    assert "🇰🇿 Kazakh statistics: <b>$60M</b> <i>(computed: exports plus imports)</i>" in reply.text


async def test_with_refresh_hours_set_run_fetches_by_itself_and_then_waits_the_interval(
    store: Store, i18n: I18n, settings: Settings
) -> None:
    hourly = settings.model_copy(update={"stats_refresh_hours": 1})
    async with ComtradeStandin(totals(2024)) as api:
        loop = RefreshLoop(hourly, store, i18n, client_factory=lambda: client_for(api))
        loop.start()  # never fetched: at once
        try:
            async with asyncio.timeout(30):
                # As committed: the loop's transaction runs on the same connection.
                sql = "SELECT value FROM meta WHERE key = 'stats_fetched_at'"
                while not await store.db.read_committed(sql):  # noqa: ASYNC110 (another task writes it)
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            assert loop.runs == 1  # the next one is an hour away
        finally:
            await loop.stop()
    assert len(await store.official.stored_figures()) == 6
