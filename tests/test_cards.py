"""Sector cards a page at a time, items in full, and statuses that age with today's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from aiogram.utils.i18n import I18n

from bot.callbacks import SectorCb, TopicCb
from bot.domain.models import Sector, SectorCard, Source, Status, Topic
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.telegram_html import html_problems
from bot.views.sectors import render_sector_card
from bot.views.topic import render_topic_card
from tests.conftest import LOCALES
from tests.test_commands import tr
from tests.test_questions import plain

SECTOR = Sector("industry", "🏭", "Industry", "Plants and tractors.")
SOURCES = (
    Source("a", "Kazinform", None, "2024-06-03", "https://example.org/a", "en"),
    Source("b", "Kazinform", None, "2025-10-24", None, "ru"),
)


def topic(n: int, *, status: Status = Status.LAUNCHED, date: str | None = None, text: str = "") -> Topic:
    return Topic(f"t{n}", "industry", status, date, f"Item {n}", text or f"Text of item {n}.", ("a",))


def card(count: int) -> SectorCard:
    """``count`` items, newest first as the store returns them."""
    topics = tuple(topic(n, date=f"2025-{12 - n % 12:02d}") for n in range(1, count + 1))
    return SectorCard(SECTOR, topics, SOURCES)


def callbacks(rendered_markup: object) -> list[str]:
    rows = getattr(rendered_markup, "inline_keyboard", [])
    return [b.callback_data for row in rows for b in row if b.callback_data]


def test_a_card_of_twelve_items_has_three_pages_of_five(i18n: I18n) -> None:
    today = dt.date(2026, 1, 1)
    with i18n.context(), i18n.use_locale("en"):
        pages = [render_sector_card(card(12), "en", today=today, page=page) for page in range(3)]
    first, second, last = pages
    assert "1. <b>Item 1</b>" in first.text and "5. <b>Item 5</b>" in first.text
    assert "6. <b>Item 6</b>" not in first.text
    assert "6. <b>Item 6</b>" in second.text and "10. <b>Item 10</b>" in second.text
    assert "11. <b>Item 11</b>" in last.text and "12. <b>Item 12</b>" in last.text
    assert "more item" not in "".join(p.text for p in pages)  # no dead end: the rest is a page away
    labels = [b.text for row in second.markup.inline_keyboard for b in row] if second.markup else []
    assert labels[5:8] == ["◀️", "2/3", "▶️"]
    data = callbacks(second.markup)
    assert SectorCb(sector_id="industry", page=0).pack() in data  # ◀️
    assert SectorCb(sector_id="industry", page=2).pack() in data  # ▶️
    # each item on the page opens its own card, which returns to this page
    assert [TopicCb(topic_id=f"t{n}", page=1).pack() for n in range(6, 11)] == data[:5]
    for page in pages:
        assert not html_problems(page.text)


@pytest.mark.parametrize("forged", [-5, 3, 10**9])
def test_a_forged_page_shows_the_nearest_page(i18n: I18n, forged: int) -> None:
    today = dt.date(2026, 1, 1)
    with i18n.context(), i18n.use_locale("en"):
        shown = render_sector_card(card(12), "en", today=today, page=forged)
        expected = render_sector_card(card(12), "en", today=today, page=0 if forged < 0 else 2)
    assert shown == expected


def test_a_long_text_is_cut_with_a_way_to_read_it_all(i18n: I18n) -> None:
    long = "Word " * 100 + "the very end."
    items = (topic(1, text=long), topic(2))
    with i18n.context(), i18n.use_locale("en"):
        page = render_sector_card(SectorCard(SECTOR, items, SOURCES), "en", today=dt.date(2026, 1, 1))
        item = render_topic_card(items[0], SECTOR, SOURCES[:1], "en", today=dt.date(2026, 1, 1))
    assert "the very end." not in page.text
    assert "… <i>(read more: button 1 below)</i>" in page.text
    assert "the very end." in item.text


@pytest.mark.parametrize(
    ("status", "date", "today", "aged"),
    [
        (Status.PLANNED, "2025-11-06", dt.date(2025, 11, 7), True),
        (Status.PLANNED, "2025-11-06", dt.date(2025, 11, 6), False),  # the day itself has not passed
        (Status.ANNOUNCED, "2025-11", dt.date(2025, 11, 30), False),  # a month passes when it ends
        (Status.ANNOUNCED, "2025-11", dt.date(2025, 12, 1), True),
        (Status.LAUNCHED, "2024-05-27", dt.date(2026, 1, 1), False),  # done: nothing to age
        (Status.ANNOUNCED, None, dt.date(2030, 1, 1), False),  # no date, nothing passed
    ],
)
def test_a_plan_whose_date_passed_says_so(
    i18n: I18n, status: Status, date: str | None, today: dt.date, aged: bool
) -> None:
    item = topic(1, status=status, date=date)
    with i18n.context(), i18n.use_locale("en"):
        page = render_sector_card(SectorCard(SECTOR, (item,), SOURCES), "en", today=today)
        alone = render_topic_card(item, SECTOR, SOURCES, "en", today=today)
    for text in (page.text, alone.text):
        assert ("date passed; no outcome reported" in text) is aged


def test_each_card_says_as_of_its_newest_source(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        page = render_sector_card(card(3), "en", today=dt.date(2026, 1, 1))
        item = render_topic_card(topic(1), SECTOR, SOURCES[:1], "en", today=dt.date(2026, 1, 1))
        undated = render_topic_card(
            topic(1), SECTOR, (Source("c", "kt.kz", None, None, None, None),), "en", today=dt.date(2026, 1, 1)
        )
    assert "<i>As of October 24, 2025</i>" in page.text
    assert "<i>As of June 3, 2024</i>" in item.text
    assert "As of" not in undated.text  # no date known: nothing claimed
    assert '<a href="https://example.org/a">[1]</a>' in item.text  # [n] links to the article


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_industry_card_pages_and_opens_an_item(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    client = make_client(lang)
    listing = (await client.send("/sectors")).last
    first = (await client.click(listing, SectorCb(sector_id="industry"))).last
    assert "1/2" in first.button_texts
    second = (await client.click(first, "▶️")).last
    assert "2/2" in second.button_texts
    assert "6. " in second.text and "1. " not in second.text.split("\n\n", 1)[1][:3]
    item_button = next(b for b in second.buttons if b.text.startswith("6. "))
    opened = await client.click(second, item_button)
    opened.assert_answered()
    item = opened.last
    assert tr(i18n, lang, "Sources") in item.text
    back = next(b for b in item.buttons if b.text.startswith("◀️"))
    returned = (await client.click(item, back)).last
    assert returned.text == second.text  # Back returns to the page the item was opened from
    # the forged page of an old or crafted button: the last page, no error
    forged = (await client.press(SectorCb(sector_id="industry", page=99).pack(), on=first)).last
    assert forged.text == second.text


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_business_council_planned_for_november_2025_has_aged(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    """The data's plans are dated 2025; the clock of the test run is later."""
    client = make_client(lang)
    listing = (await client.send("/sectors")).last
    regions = (await client.click(listing, SectorCb(sector_id="regions"))).last
    assert tr(i18n, lang, "⌛ date passed; no outcome reported") in regions.text
    assert tr(i18n, lang, "As of {date}").split("{date}")[0] in regions.text


async def all_source_pages(client: BotClient) -> str:
    reply = (await client.send("/sources")).last
    pages = [reply.text]
    while forward := [b for b in reply.buttons if b.text.endswith("▶️")]:
        reply = (await client.click(reply, forward[0])).last
        pages.append(reply.text)
    return "\n".join(pages)


async def test_sources_say_what_each_backs_and_link_it(make_client: Callable[..., BotClient]) -> None:
    listed = await all_source_pages(make_client("en"))
    interview = next(line for line in listed.split("\n") if "Актуальное интервью" in line)
    assert interview.startswith("[") and '<a href="https://news.by/news/ekonomika/' in interview
    assert "interview with Aleksei Bogdanov, Ambassador Extraordinary and Plenipotentiary" in interview
    backs = listed.split(interview, 1)[1].split("\n")[1]
    assert "📊 figures: Jan – Aug 2025" in backs.replace("\u2009", " ")
    assert "“Collaboration with the Magnum chain”" in backs
    # three news.by articles, none dated but each told apart by what it reports
    lines = [plain(line).split("] ", 1)[-1] for line in listed.split("\n")]
    news_by = [line for line in lines if line.startswith("news.by")]
    assert len(news_by) == 3 and len(set(news_by)) == 3
    assert "news.by, the Turchin–Shakkaliyev meeting, 19 November, date unknown" in news_by
    # where no link is known, none is made up
    zakon = next(line for line in listed.split("\n") if "Zakon.kz" in line)
    assert "<a " not in zakon


@pytest.mark.parametrize(
    ("lang", "outlet"), [("ru", "Казинформ"), ("en", "Kazinform"), ("kk", "Kazinform"), ("be", "Казінформ")]
)
async def test_outlet_names_are_in_the_readers_language(
    make_client: Callable[..., BotClient], lang: str, outlet: str
) -> None:
    listed = await all_source_pages(make_client(lang))
    assert f"] {outlet}, " in listed
    if lang in ("ru", "be"):
        assert "] Kazinform, " not in listed
    turnover = (await make_client(lang).send("/turnover 2023")).last.text
    assert f"] {outlet}, " in turnover


async def test_a_long_update_on_the_card_opens_in_full(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    text = "Belarusian dairy reaches Magnum stores in Almaty. " * 8 + "The last sentence."
    await store.facts.publish("food_retail", {"en": text}, "en", author_id=None)
    client = make_client("en")
    listing = (await client.send("/sectors")).last
    card = (await client.click(listing, SectorCb(sector_id="food_retail"))).last
    assert "The last sentence." not in card.text
    assert "<i>(read more below)</i>" in card.text
    full = (
        await client.click(card, next(b for b in card.buttons if b.text.startswith("📰 Read in full")))
    ).last
    assert "The last sentence." in full.text
    back = (await client.click(full, "◀️ Back")).last
    assert back.text == card.text
