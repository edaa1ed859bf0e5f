"""/chart: a localized PNG, gaps left as gaps, rendered once and then reused by file_id."""

from __future__ import annotations

import asyncio
import math
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendChatAction, SendPhoto
from aiogram.types import Update
from aiogram.utils.i18n import I18n
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from bot import screens
from bot.app import create_dispatcher
from bot.callbacks import ChartCb, MenuAction, MenuCb
from bot.config import Settings
from bot.domain.models import Bound, Flow, Period, Reporter, Source, TradeFigure
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.limits import png_size
from bot.testing.session import BOT_USER, RecordingSession
from bot.views import format as fmt
from bot.views.chart import drawing
from bot.views.chart.model import TurnoverChart, signed, turnover_chart
from bot.views.chart.phone import BODY_PT, PHONE_WIDTH_PT
from tests.chart_renders import build_figure, laid_out, share_renders, shared_render
from tests.conftest import DATA, LOCALES
from tests.test_commands import tr
from tests.test_views import spaces


@pytest.fixture(autouse=True)
def renders(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Every figure the bot asks ``render_png`` for, in order: how many renders, and what was
    on them. A chart already drawn in this process is not drawn again (:func:`shared_render`),
    except in tests that ask for ``fresh_renders``."""
    if "fresh_renders" in request.fixturenames:
        return []
    return share_renders(monkeypatch)


@pytest.fixture
def fresh_renders(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Every figure the bot draws, in order, each drawn anew: for tests about drawing again."""
    drawn: list[Figure] = []

    def spy(chart: TurnoverChart) -> Figure:
        figure = build_figure(chart)
        drawn.append(figure)
        return figure

    monkeypatch.setattr(drawing, "build_figure", spy)
    return drawn


def texts(figure: Figure) -> list[str]:
    """Every piece of text on the figure: titles, axis labels, tick labels, legend, annotations."""
    laid_out(figure)  # tick labels are formatted when drawn
    return [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]


def lines(figure: Figure) -> dict[str, Line2D]:
    return {str(line.get_gid()): line for ax in figure.axes for line in ax.get_lines() if line.get_gid()}


def uploaded(reply_photo: bytes | str | None) -> bytes:
    assert isinstance(reply_photo, bytes), f"expected an upload, got {reply_photo!r}"
    return reply_photo


@pytest.mark.parametrize("lang", LOCALES)
async def test_chart_is_a_png_in_the_readers_language(
    make_client: Callable[..., BotClient], i18n: I18n, renders: list[Figure], lang: str
) -> None:
    replies = await make_client(lang).send("/chart")
    [photo] = replies.photos
    png = uploaded(photo.photo)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 1_000_000

    [figure] = renders
    shown = texts(figure)
    joined = spaces("\n".join(shown))  # a text wrapped over lines reads as one
    for msgid in (
        "Belarus–Kazakhstan trade",
        "Trade turnover",
        "Exports Belarus → Kazakhstan",
        "Exports Kazakhstan → Belarus",
        "Belarusian statistics",
        "Kazakh statistics",
        "As stated in the source",
        "Hollow: “over” or “about”",
        "Growth on the same months a year before",
    ):
        assert spaces(tr(i18n, lang, msgid)) in joined, msgid
    if lang != "en":
        assert "Trade turnover" not in joined and "Hollow" not in joined
    # Values in Babel's compact currency for the locale, qualified in the reader's words.
    assert spaces(fmt.money(896e6, lang)) in joined
    if lang == "en":
        assert "$1.1B" in shown and "млрд" not in joined
    else:
        assert "млрд" in joined and "$1.1B" not in joined
    assert spaces(tr(i18n, lang, "over {value}").format(value=fmt.money(1.2e9, lang))) in joined
    # Month names in the reader's language; growth as Babel percents.
    assert spaces(fmt.period(Period(2025, end=8), lang)) in joined
    assert spaces(tr(i18n, lang, "about {value}").format(value=fmt.percent(20, lang))) in joined
    assert fmt.percent(26, lang) in shown


async def test_the_month_names_follow_the_locale(
    make_client: Callable[..., BotClient], renders: list[Figure]
) -> None:
    for lang, months in [("ru", "январь — август"), ("kk", "қаңтар – тамыз"), ("be", "студзень–жнівень")]:
        await make_client(lang).send("/chart")
        assert spaces(months) in spaces("\n".join(texts(renders[-1]))), lang


@pytest.mark.parametrize("lang", LOCALES)
async def test_every_letter_has_a_glyph(store: Store, i18n: I18n, lang: str) -> None:
    """DejaVu Sans (matplotlib's own font) covers Cyrillic, Kazakh and Belarusian letters."""
    with i18n.context(), i18n.use_locale(lang):
        chart = await screens.chart_screen(store, lang)
    assert chart is not None
    # The picture the bot sends: signed with its @username (drawn here unless already drawn).
    drawn = shared_render(signed(chart, BOT_USER["username"]))
    assert drawn.png.startswith(b"\x89PNG")
    missing = [message for message in drawn.warnings if "missing from font" in message]
    assert not missing


async def test_years_without_a_figure_are_gaps(
    make_client: Callable[..., BotClient], renders: list[Figure]
) -> None:
    await make_client("en").send("/chart")
    [figure] = renders
    drawn = lines(figure)
    # Kazakh statistics give the turnover for 2018 and 2023 only: two points, nothing between.
    kazakh = drawn["turnover:KZ"]
    by_year = {round(x): y for x, y in zip(kazakh.get_xdata(), kazakh.get_ydata(), strict=True)}
    assert by_year[2018] == 700e6 and by_year[2023] == 912e6
    assert all(math.isnan(by_year[year]) for year in (2019, 2020, 2021, 2022, 2024))
    # Nothing at all is drawn for 2019 and 2020, and no line segment spans more than one year.
    for gid, line in drawn.items():
        xs = [float(x) for x in line.get_xdata()]
        ys = [float(y) for y in line.get_ydata()]
        assert not any(round(x) in (2019, 2020) and not math.isnan(y) for x, y in zip(xs, ys, strict=True)), (
            gid
        )
        if line.get_linestyle() not in ("None", "none", ""):
            # matplotlib joins neighbouring entries of the data, and never through a NaN.
            for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:], strict=False):
                if not (math.isnan(y0) or math.isnan(y1)):
                    assert x1 - x0 <= 1.0 + 1e-9, f"{gid} joins {x0:.0f} and {x1:.0f} across a gap"
    # The unattributed figures of 2021 and 2022 are consecutive years but from different outlets
    # (Kazinform and BelTA-DE's "over $1B", ctv.by's "over $1.2B"): two points, not a series.
    any_reporter = drawn["turnover:any"]
    points = list(zip(any_reporter.get_xdata(), any_reporter.get_ydata(), strict=True))
    assert [round(x) for x, y in points if not math.isnan(y)] == [2021, 2022, 2024]
    between = [y for x, y in points if 2021 < x < 2022]
    assert between and all(math.isnan(y) for y in between), "2021 and 2022 are not joined"


async def test_part_years_are_growth_bars_not_points_on_the_annual_line(
    make_client: Callable[..., BotClient], renders: list[Figure]
) -> None:
    await make_client("en").send("/chart")
    [figure] = renders
    for line in lines(figure).values():
        assert all(round(float(x)) <= 2024 for x in line.get_xdata()), line.get_gid()
    bars = {str(p.get_gid()): p for p in figure.findobj(Rectangle) if p.get_gid()}
    # The interview's figures name no statistics (the ambassador doesn't say whose): "any".
    assert bars["2025-01..08:turnover:any"].get_width() == 17
    assert bars["2025-01..08:turnover:KZ"].get_width() == 20
    assert bars["2025-01..08:export_by_to_kz:any"].get_width() == 15
    assert bars["2025-01..08:export_kz_to_by:any"].get_width() == 26
    # Values the source qualifies with "over" are hollow markers.
    assert lines(figure)["turnover:any:bounded"].get_markerfacecolor() == "white"


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_chart_reads_at_phone_width_without_zooming(
    make_client: Callable[..., BotClient], renders: list[Figure], lang: str
) -> None:
    """Shown 390 pt wide, as on a phone, no text is smaller than Telegram's 17-pt body text,
    and none runs off the picture."""
    png = uploaded((await make_client(lang).send("/chart")).photos[0].photo)
    width_px, height_px = png_size(png) or (0, 0)
    [figure] = renders
    assert figure.get_figwidth() * 72 == pytest.approx(PHONE_WIDTH_PT)
    # 3 px per pt, fewer for a tall picture, whose long side stays within Telegram's 2,560 px.
    px_per_pt = figure.dpi / 72
    assert 2 <= px_per_pt <= 3 and max(width_px, height_px) <= 2560
    assert width_px == pytest.approx(PHONE_WIDTH_PT * px_per_pt, abs=1)
    assert height_px == pytest.approx(figure.get_figheight() * 72 * px_per_pt, abs=1)
    # A text of s pt is s × px_per_pt px high in the PNG; at phone width one px is 390 / width_px pt.
    at_phone_width = PHONE_WIDTH_PT / width_px
    laid_out(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    drawn = [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert len(drawn) > 30
    for text in drawn:
        assert text.get_fontsize() * px_per_pt * at_phone_width >= BODY_PT >= 17, text.get_text()
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width_px, f"{text.get_text()!r} runs off the picture"


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_whole_chart_is_about_two_phone_screens_tall(
    make_client: Callable[..., BotClient], renders: list[Figure], lang: str
) -> None:
    """390 pt wide and at most 900 pt tall: a scroll or two on a phone, not a long strip."""
    await make_client(lang).send("/chart")
    [figure] = renders
    assert figure.get_figwidth() * 72 == pytest.approx(PHONE_WIDTH_PT)
    assert figure.get_figheight() * 72 <= 900


@pytest.mark.parametrize("lang", LOCALES)
async def test_value_labels_cover_no_other_label_and_no_point(
    make_client: Callable[..., BotClient], renders: list[Figure], lang: str
) -> None:
    await make_client(lang).send("/chart")
    [figure] = renders
    laid_out(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    charted = [ax for ax in figure.axes if ax.get_lines()]
    assert charted
    for ax in charted:
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if isinstance(t, Annotation)]
        assert len(boxes) == len(
            [
                1
                for line in ax.get_lines()
                if ":exact" in str(line.get_gid()) or ":bounded" in str(line.get_gid())
                for _ in line.get_xdata()
            ]
        )
        for index, (one, box) in enumerate(boxes):
            for other, other_box in boxes[index + 1 :]:
                assert not box.overlaps(other_box), f"{one!r} covers {other!r}"
        for line in ax.get_lines():
            for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
                if not math.isnan(float(y)):
                    px, py = ax.transData.transform((float(x), float(y)))
                    for text, box in boxes:
                        assert not box.contains(px, py), f"{text!r} covers a point"


async def test_the_footer_names_the_bot_and_the_newest_source(
    make_client: Callable[..., BotClient], store: Store, i18n: I18n, renders: list[Figure]
) -> None:
    with i18n.context(), i18n.use_locale("en"):
        chart = await screens.chart_screen(store, "en")
    assert chart is not None
    # Zakon.kz of 4 November 2025 is the newest source behind the figures drawn.
    assert spaces(chart.footer) == "Newest source: November 4, 2025"
    assert spaces(signed(chart, "bk_trade_bot").footer) == "@bk_trade_bot · Newest source: November 4, 2025"
    # The bot signs its picture with its own @username, in the reader's language.
    await make_client("kk").send("/chart")
    [figure] = renders
    [footer] = [spaces(t.get_text()) for t in figure.findobj(Text) if t.get_gid() == "footer"]
    assert f"@{BOT_USER['username']}" in footer
    assert spaces(tr(i18n, "kk", "Newest source: {date}").format(date=fmt.date("2025-11-04", "kk"))) in footer


async def test_the_newest_source_is_one_behind_what_is_drawn(i18n: I18n) -> None:
    def figure(period: str, sources: tuple[str, ...], **values: float) -> TradeFigure:
        return TradeFigure(
            period=Period.from_key(period), reporter=Reporter.BELARUS, flow=Flow.TURNOVER,
            value_usd=values.get("usd"), value_bound=Bound.EXACT, growth_pct=values.get("pct"),
            growth_bound=Bound.EXACT, favours=None, note=None, source_ids=sources,
        )  # fmt: skip

    def source(sid: str, date: str | None) -> Source:
        return Source(sid, f"outlet {sid}", None, date, None, None)

    figures = [
        figure("2023", ("a",), usd=1e9),
        figure("2024", ("b",), usd=1.1e9),
        figure("2025-01..06", ("c",), pct=5),
    ]
    sources = [source("a", "2024-03"), source("b", "2024"), source("c", None), source("d", "2026-01-01")]
    with i18n.context(), i18n.use_locale("en"):
        chart = turnover_chart(figures, sources, "en")
    assert chart is not None
    # "d" is newer but behind nothing drawn; a date given as a year counts as its first day.
    assert spaces(chart.footer) == "Newest source: March 2024"
    assert chart.outlets == ("outlet a", "outlet b", "outlet c")
    # One growth rate for the period: a note, not a panel with one bar.
    assert not chart.growth_panels
    [note] = chart.growth_notes
    assert (spaces(note.title), note.text) == (
        "January – June 2025",
        "Trade turnover: +5% (Belarusian statistics)",
    )


async def test_a_single_point_is_written_not_drawn(
    make_client: Callable[..., BotClient], renders: list[Figure]
) -> None:
    await make_client("en").send("/chart")
    [figure] = renders
    notes = {
        str(t.get_gid()): spaces(t.get_text())
        for t in figure.findobj(Text)
        if str(t.get_gid()).startswith("note:")
    }
    # January–September 2025 has one growth rate: a line of text instead of a panel with one bar.
    bars = [str(p.get_gid()) for p in figure.findobj(Rectangle) if p.get_gid()]
    assert "2025-01..08:turnover:any" in bars and not any(gid.startswith("2025-01..09") for gid in bars)
    assert notes["note:2025-01..09"] == "Trade turnover: about +20% (As stated in the source)"
    # Exports are known for 2018 only: written, not drawn as a line of one year.
    assert not any(gid.startswith("export") for gid in lines(figure))
    assert notes["note:export_by_to_kz"] == "2018: $783.7M (Belarusian statistics), $607M (Kazakh statistics)"
    assert notes["note:export_kz_to_by"] == "2018: $112.3M (Belarusian statistics), $105M (Kazakh statistics)"


@pytest.mark.parametrize("lang", LOCALES)
async def test_the_caption_says_what_is_not_found_in_our_sources(
    make_client: Callable[..., BotClient], i18n: I18n, lang: str
) -> None:
    lines = (await make_client(lang).send("/chart")).photos[0].text.split("\n")
    gaps = lines.index(tr(i18n, lang, "Values in US dollars not found in our sources:"))
    assert [spaces(line) for line in lines[gaps + 1 : gaps + 6]] == [
        f"• {tr(i18n, lang, 'Trade turnover')}: 2019, 2020",
        f"• {tr(i18n, lang, 'Exports Belarus → Kazakhstan')}: 2019–2024",
        f"• {tr(i18n, lang, 'Exports Kazakhstan → Belarus')}: 2019–2024",
        f"• {spaces(fmt.period(Period(2025, end=8), lang))}",
        f"• {spaces(fmt.period(Period(2025, end=9), lang))}",
    ]
    # Never "not published": the bot knows its sources, not everything ever published.
    published = "published|опубликован|жарияланба|жарияланған|апублікаван"
    assert not re.search(published, "\n".join(lines), re.IGNORECASE)


async def test_the_second_chart_reuses_the_file_id_without_a_render(
    make_client: Callable[..., BotClient], store: Store, renders: list[Figure]
) -> None:
    first = await make_client("ru").send("/chart")
    uploaded(first.photos[0].photo)
    stored = await store.charts.file_id(drawing.CHART_ID, "ru", await store.version.current())
    assert stored == first.photos[0].result.photo[-1].file_id

    second = await make_client("ru").send("/chart")
    assert second.photos[0].photo == stored, "the stored file_id is sent, nothing is uploaded"
    assert second.photos[0].text == first.photos[0].text
    assert not second.of("sendChatAction")
    assert len(renders) == 1

    other_language = await make_client("kk").send("/chart")
    uploaded(other_language.photos[0].photo)
    assert len(renders) == 2


async def test_new_data_renders_anew(
    make_client: Callable[..., BotClient], store: Store, renders: list[Figure], tmp_path: Path
) -> None:
    client = make_client("en")
    await client.send("/chart")
    old_version = await store.version.current()

    changed = tmp_path / "data"
    shutil.copytree(DATA, changed)
    with (changed / "trade.toml").open("a", encoding="utf-8") as file:
        file.write(
            '\n[[figure]]\nperiod = "2019"\nreporter = "BY"\nflow = "turnover"\n'
            'value_usd = 950000000\nsources = ["lawby-belta-2019-08"]\n'
        )
    assert await store.load_data(changed)
    assert await store.version.current() != old_version

    replies = await client.send("/chart")
    uploaded(replies.photos[0].photo)
    assert len(renders) == 2
    belarusian = lines(renders[-1])["turnover:BY"]
    ys = {round(x): y for x, y in zip(belarusian.get_xdata(), belarusian.get_ydata(), strict=True)}
    assert ys[2019] == 950e6, "the new figure is drawn (and joined to 2018)"
    async with store.db.conn.execute("SELECT DISTINCT data_version FROM chart_files") as cursor:
        versions = [row[0] for row in await cursor.fetchall()]
    assert versions == [await store.version.current()], "pictures of the old data are dropped"


async def test_the_chart_button_under_turnover(
    make_client: Callable[..., BotClient], i18n: I18n, renders: list[Figure]
) -> None:
    client = make_client("be")
    shown = (await client.send("/turnover")).last
    replies = await client.click(shown, tr(i18n, "be", "📈 Chart"))
    replies.assert_answered()
    [photo] = replies.photos
    uploaded(photo.photo)
    assert tr(i18n, "be", "Belarus–Kazakhstan trade") in photo.text
    assert [b.callback_data for b in photo.buttons] == [
        MenuCb(action=MenuAction.TURNOVER).pack(),
        MenuCb(action=MenuAction.SOURCES).pack(),
    ]
    # And from the photo's own button back to the numbers.
    back = await client.click(photo, tr(i18n, "be", "📊 Turnover"))
    assert tr(i18n, "be", "📊 Belarus–Kazakhstan trade") in back.last.text


async def test_in_a_forum_topic_the_chart_goes_to_that_topic(
    make_client: Callable[..., BotClient], dispatcher: Dispatcher, bot: Bot, session: RecordingSession
) -> None:
    client = make_client("en")
    chat = {"id": -100777, "type": "supergroup", "title": "Trade desk", "is_forum": True}
    topic = {"message_thread_id": 55, "is_topic_message": True, "chat": chat, "date": 1_760_000_000}
    user = {"id": client.user_id, "is_bot": False, "first_name": "Aigerim", "language_code": "en"}
    command = {
        **topic,
        "message_id": 901,
        "from": user,
        "text": "/chart",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    shown_turnover = {**topic, "message_id": 902, "from": BOT_USER, "text": "Belarus–Kazakhstan trade"}
    button = {
        "id": "cq-1",
        "from": user,
        "chat_instance": "ci",
        "message": shown_turnover,
        "data": ChartCb().pack(),
    }
    for update_id, payload in ((9001, {"message": command}), (9002, {"callback_query": button})):
        before = len(session.requests)
        update = Update.model_validate({"update_id": update_id, **payload}, context={"bot": bot})
        await dispatcher.feed_update(bot, update)
        [photo] = [m for m in session.requests[before:] if isinstance(m, SendPhoto)]
        assert (photo.chat_id, photo.message_thread_id) == (-100777, 55)


@pytest.mark.parametrize(
    ("refusal", "stale"),
    [
        ("Bad Request: wrong file identifier/HTTP URL specified", True),
        ("Bad Request: not enough rights to send photos", False),  # not mistaken for a stale file
    ],
)
async def test_only_a_refused_file_id_is_dropped_and_rendered_anew(
    make_client: Callable[..., BotClient],
    session: RecordingSession,
    store: Store,
    fresh_renders: list[Figure],
    refusal: str,
    stale: bool,
) -> None:
    renders = fresh_renders
    client = make_client("en")
    await client.send("/chart")
    session.fail_next(
        TelegramBadRequest(method=SendPhoto(chat_id=1, photo="photo-1"), message=refusal),
        api_method="sendPhoto",
    )
    replies = await client.send("/chart")
    sends = replies.of("sendPhoto")
    assert sends[0].photo == "photo-1"
    version = await store.version.current()
    if stale:
        assert len(sends) == 2 and isinstance(sends[1].photo, bytes), "refused, then uploaded anew"
        assert len(renders) == 2
        assert await store.charts.file_id(drawing.CHART_ID, "en", version) == "photo-2"
        assert "Something went wrong" not in replies.text
    else:  # not the file's fault: the stored file_id stays, nothing is drawn again
        assert len(sends) == 1
        assert len(renders) == 1
        assert await store.charts.file_id(drawing.CHART_ID, "en", version) == "photo-1"


async def test_the_bot_answers_while_a_chart_renders(
    make_client: Callable[..., BotClient], monkeypatch: pytest.MonkeyPatch, i18n: I18n
) -> None:
    started, release = threading.Event(), threading.Event()
    real = drawing.render_png

    def slow_render(chart: TurnoverChart) -> bytes:
        started.set()
        release.wait(10)
        return real(chart)

    monkeypatch.setattr(drawing, "render_png", slow_render)
    rendering = asyncio.ensure_future(make_client("en").send("/chart"))
    try:
        assert await asyncio.to_thread(started.wait, 10)
        help_reply = (await make_client("ru").send("/help")).last
        assert tr(i18n, "ru", "❓ What I can do") in help_reply.text
        assert not rendering.done(), "the chart is still rendering while /help was answered"
    finally:
        release.set()
    replies = await rendering
    assert replies.photos
    actions = [c.method for c in replies.of("sendChatAction")]
    assert any(isinstance(a, SendChatAction) and a.action == "upload_photo" for a in actions)


async def test_no_data_no_chart(
    settings: Settings, bot: Bot, i18n: I18n, tmp_path: Path, renders: list[Figure]
) -> None:
    empty = await Store.open(tmp_path / "empty.sqlite3")
    try:
        await empty.upgrade()
        client = BotClient(create_dispatcher(settings, empty, i18n), bot, language_code="en")
        reply = (await client.send("/chart")).last
        assert reply.text == "No trade figures are loaded yet. Please try again later."
        assert not renders
    finally:
        await empty.close()


@pytest.mark.parametrize("lang", LOCALES)
async def test_caption_and_help(make_client: Callable[..., BotClient], i18n: I18n, lang: str) -> None:
    client = make_client(lang)
    caption = (await client.send("/chart")).photos[0].text
    assert tr(i18n, lang, "Sources") in caption and "news.by" in caption and "/sources" in caption
    assert len(caption) <= 1024
    help_text = (await client.send("/help")).last.text
    assert f"/chart — {tr(i18n, lang, 'Turnover and exports as a chart')}" in help_text


async def test_chart_repo_keeps_one_data_version(store: Store) -> None:
    charts = store.charts
    await charts.remember("turnover-v1", "ru", "old", "file-old-ru")
    await charts.remember("turnover-v1", "en", "old", "file-old-en")
    await charts.remember("other-v1", "ru", "old", "file-other")
    assert await charts.file_id("turnover-v1", "ru", "old") == "file-old-ru"
    await charts.remember("turnover-v1", "ru", "new", "file-new-ru")
    assert await charts.file_id("turnover-v1", "ru", "new") == "file-new-ru"
    assert await charts.file_id("turnover-v1", "en", "old") is None, "older data is dropped for every locale"
    assert await charts.file_id("other-v1", "ru", "old") == "file-other", "other charts are left alone"
    await charts.remember("turnover-v1", "ru", "new", "file-newer-ru")
    assert await charts.file_id("turnover-v1", "ru", "new") == "file-newer-ru"
    await charts.forget("turnover-v1", "ru", "new")
    assert await charts.file_id("turnover-v1", "ru", "new") is None


async def test_requests_at_once_share_one_render(
    make_client: Callable[..., BotClient], monkeypatch: pytest.MonkeyPatch, session: RecordingSession
) -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    real = drawing.render_png

    def slow_render(chart: TurnoverChart) -> bytes:
        calls.append(chart.locale)
        started.set()
        release.wait(10)
        return real(chart)

    monkeypatch.setattr(drawing, "render_png", slow_render)
    first = asyncio.ensure_future(make_client("en").send("/chart"))
    try:
        assert await asyncio.to_thread(started.wait, 10)
        second = asyncio.ensure_future(make_client("en").send("/chart"))
        await asyncio.sleep(0.05)  # the second request is now waiting for the first one's upload
        assert not second.done()
    finally:
        release.set()
    await first
    await second
    assert calls == ["en"], "one render for both"
    photos = [m.photo for m in session.requests if isinstance(m, SendPhoto)]
    assert [p if isinstance(p, str) else "upload" for p in photos] == ["upload", "photo-1"]
