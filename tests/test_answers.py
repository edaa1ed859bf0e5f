"""Answers you can trust (issue 10) and free text reaching the products (issue 11): a period named
in a question always wins or is refused, two periods are compared side by side, questions beyond
the data get "not sure", products and words inside compounds are found, news and places list
their items, and commands work whatever their case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.utils.i18n import I18n

from bot.callbacks import SearchCb, TurnoverCb
from bot.config import Settings
from bot.domain.models import Bound, Flow, Period, PeriodReport, Reporter, Source, TradeFigure
from bot.domain.trade import resolve_asked
from bot.search.engine import SearchEngine
from bot.search.model import TargetKind
from bot.search.periods import find_periods
from bot.store import Store
from bot.testing.client import BotClient
from bot.views.compare import render_compare
from tests.test_questions import load_chapters
from tests.test_views import spaces

CARD = "<b>📊 Belarus–Kazakhstan trade</b>"
NOT_SURE = "🤔 I’m not sure what you mean"


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("оборот в долларах за 2024", ("2024",)),
        ("2024 жылы тауар айналымы", ("2024",)),
        ("тавараабарот у 2024 годзе", ("2024",)),
        ("товарооборот за 9 месяцев 2025", ("2025-01..09",)),
        ("turnover first nine months of 2025", ("2025-01..09",)),
        ("январь–сентябрь 2025", ("2025-01..09",)),
        ("jan-aug 2025", ("2025-01..08",)),
        ("қаңтар-қыркүйек", ("01..09",)),
        ("студзень–верасень", ("01..09",)),
        ("восемь месяцев", ("01..08",)),
        ("сегіз айдағы тауар айналымы", ("01..08",)),
        ("Q1 2025", ("2025-01..03",)),
        ("бірінші тоқсан 2025", ("2025-01..03",)),
        ("первое полугодие 2025", ("2025-01..06",)),
        ("першае паўгоддзе 2025", ("2025-01..06",)),
        ("2024 vs 2023", ("2024", "2023")),
        ("may i ask about 2024", ("2024",)),  # "may" is no month without a year beside it
    ],
)
def test_the_periods_a_question_names(question: str, keys: tuple[str, ...]) -> None:
    assert find_periods(question).keys == keys


def test_months_without_a_year_are_the_latest_such_period() -> None:
    data = {Period(2024): 1, Period(2025, 8): 4, Period(2025, 9): 1, Period(2024, 8): 2}
    assert resolve_asked("01..08", data) == Period(2025, 8)
    # None in the data: the latest year, which the reader is then told has no such figures.
    assert resolve_asked("01..03", data) == Period(2025, 3)


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("ru", "оборот в долларах за 2024"),
        ("en", "turnover in dollars 2024"),
        ("kk", "доллармен тауар айналымы 2024"),
        ("be", "абарот у доларах за 2024"),
    ],
)
async def test_a_named_year_wins_over_the_year_a_note_happens_to_match(
    make_client: Callable[..., BotClient], lang: str, question: str
) -> None:
    text = (await make_client(lang).send(question)).last.text
    lines = text.split("\n")
    assert lines[1] == "<b>2024</b>", lines[:2]  # never the 2018 card, whose notes say "dollars"


async def test_months_named_in_words_open_that_period(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    nine = (await client.send("товарооборот за девять месяцев")).last.text
    assert spaces(nine.split("\n")[1]) == spaces("<b>January – September 2025</b>")
    eight = (await client.send("студзень-жнівень")).last.text
    assert spaces(eight.split("\n")[1]) == spaces("<b>January – August 2025</b>")


@pytest.mark.parametrize(
    ("question", "shown"),
    [("товарооборот за 2019", "2019"), ("first half of 2025 trade", "January – June 2025")],
)
async def test_a_period_the_data_lacks_is_refused_with_the_nearest_ones(
    make_client: Callable[..., BotClient], question: str, shown: str
) -> None:
    reply = (await make_client("en").send(question)).last
    assert spaces(reply.text).startswith(spaces(f"I have no trade figures for <b>{shown}</b>."))
    assert CARD not in reply.text
    periods = [b.text for b in reply.buttons if b.callback_data and b.callback_data.startswith("t")]
    if shown == "2019":
        assert periods[:2] == ["2018", "2021"]  # nearest first


async def test_two_periods_are_compared_on_one_card(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    for question in ("сравни 2023 и 2024", "2024 vs 2023", "/turnover 2023 2024"):
        reply = (await client.send(question)).last
        lines = reply.text.split("\n")
        assert lines[0] == "<b>⚖️ Belarus–Kazakhstan trade: periods compared</b>", question
        assert lines[1] == "<b>2023 → 2024</b>", question
        assert "<b>Trade turnover</b>" in lines
        # Kazakh statistics for 2023 only, an unattributed figure for 2024: side by side, no change.
        assert "🇰🇿 Kazakh statistics: <b>$912M</b> [1] → <b>—</b>" in reply.text
        assert "change:" not in reply.text
        assert reply.button_with_data(TurnoverCb(period="2023")).text == "2023"
    # Two unattributed "over" values: shown, and said why no change is computed.
    text = (await client.send("compare 2021 with 2022")).last.text
    assert "no change computed: whose statistics these are is not stated" in text


def _figure(year: int, reporter: Reporter | None, value: float, bound: Bound = Bound.EXACT) -> TradeFigure:
    return TradeFigure(
        period=Period(year),
        reporter=reporter,
        flow=Flow.TURNOVER,
        value_usd=value,
        value_bound=bound,
        growth_pct=None,
        growth_bound=Bound.EXACT,
        favours=None,
        note=None,
        source_ids=(f"s{year}",),
    )


def test_a_change_is_computed_only_within_one_statistics_and_exact_values(i18n: I18n) -> None:
    sources = {year: Source(f"s{year}", "Outlet", None, str(year), None, "en") for year in (2023, 2024)}
    old = PeriodReport(
        Period(2023),
        (_figure(2023, Reporter.KAZAKHSTAN, 800e6), _figure(2023, Reporter.BELARUS, 900e6, Bound.OVER)),
        (sources[2023],),
    )
    new = PeriodReport(
        Period(2024),
        (_figure(2024, Reporter.KAZAKHSTAN, 1e9), _figure(2024, Reporter.BELARUS, 1.1e9)),
        (sources[2024],),
    )
    with i18n.context(), i18n.use_locale("en"):
        text = render_compare(old, new, "en").text
    assert "🇰🇿 Kazakh statistics: <b>$800M</b> [1] → <b>$1B</b> [2]\n    <i>change: +25%</i>" in text
    assert (
        "🇧🇾 Belarusian statistics: <b>over $900M</b> [1] → <b>$1.1B</b> [2]\n"
        "    <i>no change computed: the sources give approximate values</i>"
    ) in text
    assert "Belarusian and Kazakh figures are never mixed" in text


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("ru", "курс тенге в 2024"),
        ("en", "russia china trade volume 2024"),
        ("en", "tenge exchange rate"),
        ("kk", "доллар бағамы 2024"),
        ("be", "гандаль з кітаем"),
        ("ru", "погода в Алматы"),
    ],
)
async def test_questions_beyond_the_data_get_not_sure(
    make_client: Callable[..., BotClient], lang: str, question: str
) -> None:
    text = (await make_client("en").send(question)).last.text  # asked in ``lang``, read in English
    assert text.startswith(NOT_SURE), (lang, text[:80])
    assert CARD not in text


async def test_words_inside_compounds_are_found(engine: SearchEngine) -> None:
    # "калий" is inside "калийные удобрения", "нефть" inside "нефтепродукты": the goods topics.
    potash = await engine.ask("калий")
    assert str(potash.target) == "products:31"
    assert "topic:goods-by-to-kz" in map(str, potash.suggestions)
    oil = await engine.ask("нефть")
    assert str(oil.target) == "products:27"
    assert "topic:goods-kz-to-by" in map(str, oil.suggestions)


async def test_before_any_fetch_a_product_question_offers_the_news_about_goods(
    make_client: Callable[..., BotClient],
) -> None:
    client = make_client("en")
    reply = (await client.send("калий")).last
    assert reply.text.startswith("No breakdown by product is loaded yet")
    assert reply.button_with_data(SearchCb(kind=TargetKind.TOPIC, item="goods-by-to-kz"))
    # Nothing related found: the main menu, not a dead end.
    assert "📊 Turnover" in (await client.send("молочка")).last.button_texts


async def test_products_answer_product_words_and_what_each_side_sells(
    make_client: Callable[..., BotClient], store: Store, i18n: I18n, settings: Settings
) -> None:
    await load_chapters(store, i18n, settings)
    client = make_client("en")
    for question, chapter in (("калий", "31"), ("тракторы", "87"), ("молочка", "04")):
        text = (await client.send(question)).last.text
        assert text.startswith("<b>📦 What is traded: the top HS chapters</b>"), question
        focus = next(line for line in text.split("\n") if line.startswith("<b>🔎"))
        assert f"({chapter})" in focus, question
        assert "Exports Belarus → Kazakhstan: <b>" in text
    fertilizers = (await client.send("fertilizers")).last.text
    assert "Exports Belarus → Kazakhstan: <b>$60M · 8.6%</b>, No. 4 of 6 chapters" in fertilizers
    sells = (await client.send("what does Kazakhstan sell to Belarus")).last.text
    flows = [line for line in sells.split("\n") if line.startswith("<b>Exports")]
    assert flows[0].startswith("<b>Exports Kazakhstan → Belarus</b>")
    ru = (await make_client("ru").send("что Беларусь продаёт Казахстану")).last.text
    assert next(line for line in ru.split("\n") if line.startswith("<b>Экспорт")).startswith(
        "<b>Экспорт Беларусь → Казахстан</b>"
    )


@pytest.mark.parametrize(
    ("lang", "question"), [("ru", "новости"), ("en", "latest news"), ("kk", "жаңалықтар"), ("be", "навіны")]
)
async def test_news_lists_the_newest_items_across_sectors(
    make_client: Callable[..., BotClient], store: Store, lang: str, question: str
) -> None:
    client = make_client("en")
    reply = (await client.send(question)).last  # asked in ``lang``, read in English
    assert reply.text.startswith("<b>📰 Latest news</b>"), lang
    assert reply.button_texts[0] == "▪️ Business Council"  # 6 November 2025, the newest
    sectors = {topic.sector_id for topic in await store.topics.latest("en", 8)}
    assert len(sectors) > 1
    opened = (await client.click(reply, reply.button_texts[0])).last
    assert "<b>Business Council</b>" in opened.text


async def test_a_place_lists_the_items_about_it(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    reply = (await client.send("Алматы")).last
    assert reply.text.startswith("<b>📍 Almaty: what our data says</b>")
    assert reply.button_texts == [
        "▪️ Turchin’s visit: city and regional documents",
        "▪️ Collaboration with the Magnum chain",
    ]
    # A place with a question nobody answers here is no question about the place.
    assert (await client.send("где поесть в минске")).last.text.startswith(NOT_SURE)


async def test_commands_work_whatever_their_case_and_an_unknown_one_is_a_question(
    make_client: Callable[..., BotClient],
) -> None:
    client = make_client("en")
    assert (await client.send("/Turnover")).last.text.startswith(CARD)
    assert (await client.send("/TURNOVER 2024")).last.text.split("\n")[1] == "<b>2024</b>"
    assert (await client.send("/SECTORS")).last.text.startswith("<b>🏭 Sectors of cooperation</b>")
    assert (await client.send("/айти")).last.text.startswith("💻 <b>")  # the IT sector's card
    assert (await client.send("/qwertyuiop")).last.text == "Unknown command /qwertyuiop. See /help."
