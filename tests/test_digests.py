"""Digests and quiet hours: /settings through the Dispatcher, and the delivery worker on a
fake clock across midnight, days of the week and time zones."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramMigrateToChat, TelegramServerError
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.alerts import load_and_announce
from bot.delivery import DeliveryWorker, RetryPolicy
from bot.domain.schedule import DeliveryMode, ReaderSchedule, next_digest, not_before, quiet_until
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.session import RecordingSession
from bot.views.common import Rendered
from bot.views.digest import render_digest, utf16_length
from tests.conftest import DATA

ALMATY, MINSK = ZoneInfo("Asia/Almaty"), ZoneInfo("Europe/Minsk")


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment.timestamp()


@pytest.fixture
def clock(store: Store) -> FakeClock:
    clock = FakeClock(dt.datetime(2026, 11, 30, 8, 0, tzinfo=ALMATY))  # a Monday
    store.chat_settings.clock = clock
    return clock


@pytest.fixture
def worker(bot: Bot, store: Store, i18n: I18n, clock: FakeClock) -> DeliveryWorker:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
    return DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0.0, policy=policy, clock=clock
    )


async def run(worker: DeliveryWorker, session: RecordingSession) -> dict[int, list[str]]:
    """Let the worker send whatever is due on its clock; what each chat got."""
    before = len(session.requests)
    while await worker.drain_once():
        pass
    got: dict[int, list[str]] = {}
    for method, result in zip(session.requests[before:], session.results[before:], strict=True):
        if isinstance(method, SendMessage) and result is not None:  # taken by Telegram
            got.setdefault(int(method.chat_id), []).append(method.text)
    return got


async def publish(store: Store, text: str, sector: str = "food_retail") -> int:
    return (await store.facts.publish(sector, {"en": text, "ru": text}, "en", None)).fact_id


async def rows_of(store: Store, chat_id: int) -> list[tuple[str, float, int, int | None]]:
    sql = "SELECT state, next_attempt_at, digest, message_id FROM deliveries WHERE chat_id = ? ORDER BY id"
    async with store.db.conn.execute(sql, (chat_id,)) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]  # type: ignore[misc]


def rows_text(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests if isinstance(m, SendMessage) and int(m.chat_id) == chat_id]


async def settings_row(store: Store, chat_id: int) -> tuple[object, ...]:
    sql = """SELECT delivery, digest_hour, digest_weekday, time_zone, quiet_start, quiet_end
             FROM chat_settings WHERE chat_id = ?"""
    async with store.db.conn.execute(sql, (chat_id,)) as cursor:
        row = await cursor.fetchone()
    return tuple(row) if row else ()


async def test_settings_buttons_change_the_chat_settings(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=7001)
    screen = (await client.send("/settings")).last
    assert "Delivery: each message as it comes" in screen.text
    assert "Time zone: UTC (UTC+00:00), from the language" in screen.text
    assert "Quiet hours: none" in screen.text
    assert await settings_row(store, 7001) == ()

    screen = (await client.click(screen, "Daily")).last
    assert await settings_row(store, 7001) == ("daily", 9, 0, None, None, None)
    assert "Delivery: a daily digest at 9:00\u202fAM" in screen.text
    hours = (await client.click(screen, "🕘 Digest at 9:00\u202fAM")).last
    screen = (await client.click(hours, "8:00\u202fPM")).last
    assert await settings_row(store, 7001) == ("daily", 20, 0, None, None, None)

    screen = (await client.click(screen, "Weekly")).last
    days = (await client.click(screen, "📅 Day: Monday")).last
    screen = (await client.click(days, "Friday")).last
    assert "Delivery: a weekly digest, Friday at 8:00\u202fPM" in screen.text

    start = (await client.click(screen, "🌙 Quiet hours: none")).last
    end = (await client.click(start, "10:00\u202fPM")).last
    assert "Quiet from 10:00\u202fPM. Until when?" in end.text
    screen = (await client.click(end, "7:00\u202fAM")).last
    assert "Quiet hours: 10:00\u202fPM–7:00\u202fAM" in screen.text

    zones = (await client.click(screen, "🌍 Time zone: UTC")).last
    almaty = next(label for label in zones.button_texts if label.startswith("Asia/Almaty ("))
    screen = (await client.click(zones, almaty)).last
    assert await settings_row(store, 7001) == ("weekly", 20, 4, "Asia/Almaty", 22, 7)
    assert "Time zone: Asia/Almaty (UTC+0" in screen.text and "from the language" not in screen.text

    # Back to the language's zone, no quiet hours, instant: the defaults again.
    zones = (await client.click(screen, "🌍 Time zone: Asia/Almaty")).last
    screen = (await client.click(zones, "From the language: UTC")).last
    start = (await client.click(screen, "🌙 Quiet hours: 10:00\u202fPM–7:00\u202fAM")).last
    screen = (await client.click(start, "🔔 No quiet hours")).last
    screen = (await client.click(screen, "Instant")).last
    assert "✅ Instant" in screen.button_texts
    assert await settings_row(store, 7001) == ("instant", 20, 4, None, None, None)

    # A zone the buttons don't offer, typed; a wrong one is explained (another reader: this
    # one has pressed enough buttons for the flood control).
    typist = make_client("en", user_id=7003)
    assert "Time zone: Asia/Tokyo (UTC+09:00)" in (await typist.send("/settings Asia/Tokyo")).last.text
    for wrong in ("Mars/Olympus", "Europe", "../../etc/passwd", "x" * 300):
        assert "There is no time zone" in (await typist.send(f"/settings {wrong}")).last.text
    assert (await settings_row(store, 7003))[3] == "Asia/Tokyo"


async def test_subscribe_screen_leads_to_settings_in_the_readers_language(
    make_client: Callable[..., BotClient],
) -> None:
    client = make_client("kk", user_id=7002)
    toggles = (await client.send("/subscribe")).last
    screen = (await client.click(toggles, "⚙️ Дайджесттер мен тыныш сағаттар")).last
    assert "⚙️ Жеткізу баптаулары" in screen.text
    assert "Asia/Almaty" in screen.text and "тіл бойынша" in screen.text


async def test_a_daily_digest_gathers_three_facts_into_one_message_at_the_hour(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    clock: FakeClock,
) -> None:
    await make_client("en", user_id=7101).send("/subscribe food_retail")  # instant
    await make_client("en", user_id=7102).send("/subscribe food_retail")
    await store.chat_settings.update(7102, "en", mode=DeliveryMode.DAILY, hour=9, time_zone="Asia/Almaty")

    for minute, word in ((0, "butter"), (10, "cheese"), (20, "kefir")):
        clock.set(dt.datetime(2026, 11, 30, 8, minute, tzinfo=ALMATY))
        await publish(store, f"Belarusian {word} in Magnum stores.")
        got = await run(worker, session)
        assert list(got) == [7101]  # the instant reader at once, the digest reader waits
    nine = dt.datetime(2026, 11, 30, 9, 0, tzinfo=ALMATY).timestamp()
    assert [(state, at, digest) for state, at, digest, _ in await rows_of(store, 7102)] == [
        ("pending", nine, 1)
    ] * 3

    clock.set(dt.datetime(2026, 11, 30, 8, 59, 59, tzinfo=ALMATY))
    assert await run(worker, session) == {}
    clock.set(dt.datetime(2026, 11, 30, 9, 0, 1, tzinfo=ALMATY))
    got = await run(worker, session)
    [digest] = got[7102]
    assert digest.startswith("<b>🗞 Your digest: 3 updates</b>")
    assert digest.index("butter") < digest.index("cheese") < digest.index("kefir")
    assert digest.count("📰 Update: <b>🛒 Food and retail</b>") == 3
    states = await rows_of(store, 7102)
    assert {(state, message_id) for state, _, _, message_id in states} == {("sent", states[0][3])}

    # What comes after the digest waits for tomorrow's.
    clock.set(dt.datetime(2026, 11, 30, 9, 30, tzinfo=ALMATY))
    await publish(store, "Belarusian tractors assembled in Kostanay.")
    assert 7102 not in await run(worker, session)
    tomorrow = dt.datetime(2026, 12, 1, 9, 0, tzinfo=ALMATY).timestamp()
    assert (await rows_of(store, 7102))[-1][:3] == ("pending", tomorrow, 1)
    clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=ALMATY))
    [single] = (await run(worker, session))[7102]
    assert "🗞 Your digest: 1 update</b>" in single and "tractors" in single


async def test_a_weekly_digest_comes_on_the_readers_day(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    clock: FakeClock,
) -> None:
    await make_client("ru", user_id=7201).send("/subscribe all")
    # Friday 18:00, in the time zone of the language (ru → Europe/Minsk).
    await store.chat_settings.update(7201, "ru", mode=DeliveryMode.WEEKLY, weekday=4, hour=18)
    clock.set(dt.datetime(2026, 11, 30, 12, 0, tzinfo=MINSK))  # Monday
    await publish(store, "Молочная ярмарка в Астане.")
    clock.set(dt.datetime(2026, 12, 2, 12, 0, tzinfo=MINSK))  # Wednesday
    await publish(store, "Вторая линия сборки тракторов.", sector="industry")
    clock.set(dt.datetime(2026, 12, 3, 18, 0, tzinfo=MINSK))  # Thursday at the hour: not the day
    assert await run(worker, session) == {}
    clock.set(dt.datetime(2026, 12, 4, 17, 59, tzinfo=MINSK))
    assert await run(worker, session) == {}
    clock.set(dt.datetime(2026, 12, 4, 18, 0, tzinfo=MINSK))  # Friday 18:00
    [digest] = (await run(worker, session))[7201]
    assert "🗞 Ваш дайджест: 2 новости" in digest
    assert "Молочная ярмарка" in digest and "тракторов" in digest


async def test_quiet_hours_across_midnight_in_almaty_and_minsk(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    clock: FakeClock,
) -> None:
    # Both 22:00–07:00 in their own time zone, from their language.
    await make_client("kk", user_id=7301).send("/subscribe food_retail")  # Asia/Almaty
    await make_client("be", user_id=7302).send("/subscribe food_retail")  # Europe/Minsk
    for chat_id, locale in ((7301, "kk"), (7302, "be")):
        await store.chat_settings.update(chat_id, locale, quiet_start=22, quiet_end=7)

    moment = dt.datetime(2026, 12, 1, 23, 0, tzinfo=ALMATY)  # late in Almaty, evening in Minsk
    assert moment.astimezone(MINSK).hour < 22
    clock.set(moment)
    await publish(store, "Magnum opens a Belarusian corner.")
    assert list(await run(worker, session)) == [7302]
    seven = dt.datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY).timestamp()
    assert (await rows_of(store, 7301))[0][:3] == ("pending", seven, 0)

    clock.set(dt.datetime(2026, 12, 2, 6, 59, tzinfo=ALMATY))  # still quiet, past midnight
    assert await run(worker, session) == {}
    clock.set(dt.datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY))
    assert list(await run(worker, session)) == [7301]

    # Queued while Minsk was awake, but the worker only gets to it at 23:00 Minsk time (a late
    # start): it waits for 07:00 Minsk; Almaty, awake by then, gets its own at once.
    clock.set(dt.datetime(2026, 12, 2, 21, 30, tzinfo=MINSK))
    await publish(store, "Dairy deliveries grew 12%.")
    assert [row[0] for row in await rows_of(store, 7301)] == ["sent", "pending"]  # 00:30 Almaty: quiet
    clock.set(dt.datetime(2026, 12, 2, 23, 0, tzinfo=MINSK))
    assert await run(worker, session) == {}
    minsk_seven = dt.datetime(2026, 12, 3, 7, 0, tzinfo=MINSK).timestamp()
    assert (await rows_of(store, 7302))[-1][:2] == ("pending", minsk_seven)
    clock.set(dt.datetime(2026, 12, 3, 7, 0, tzinfo=MINSK))
    got = await run(worker, session)
    assert sorted(got) == [7301, 7302]


async def test_a_digest_reader_in_quiet_hours_gets_it_when_they_end(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    clock: FakeClock,
) -> None:
    await make_client("kk", user_id=7401).send("/subscribe food_retail")
    # A digest at 06:00 inside quiet hours 23–08: it comes at 08:00.
    await store.chat_settings.update(7401, "kk", mode=DeliveryMode.DAILY, hour=6, quiet_start=23, quiet_end=8)
    clock.set(dt.datetime(2026, 11, 30, 12, 0, tzinfo=ALMATY))
    await publish(store, "Belarusian butter.")
    eight = dt.datetime(2026, 12, 1, 8, 0, tzinfo=ALMATY).timestamp()
    assert (await rows_of(store, 7401))[0][:3] == ("pending", eight, 1)
    # Switching to instant outside quiet hours sends what waited at once.
    await store.chat_settings.update(7401, "kk", mode=DeliveryMode.INSTANT)
    assert list(await run(worker, session)) == [7401]


def _topic(topic_id: str, sector: str, word: str) -> str:
    texts = "\n".join(f'{loc} = "{word} ({loc})"' for loc in ("ru", "en", "kk", "be"))
    return (
        f'\n[[topic]]\nid = "{topic_id}"\nsector = "{sector}"\nstatus = "announced"\n'
        f'sources = ["newsby-interview"]\n\n[topic.title]\n{texts}\n\n[topic.text]\n{texts}\n'
    )


FIGURE = """
[[figure]]
period = "2017"
reporter = "KZ"
flow = "turnover"
value_usd = 700000000
sources = ["newsby-interview"]
"""


async def test_a_figures_and_sector_reader_gets_one_message_per_load(
    make_client: Callable[..., BotClient],
    store: Store,
    i18n: I18n,
    worker: DeliveryWorker,
    session: RecordingSession,
    tmp_path: Path,
) -> None:
    both = make_client("en", user_id=7501)
    await both.send("/subscribe figures")
    await both.send("/subscribe food_retail")
    await make_client("en", user_id=7502).send("/subscribe figures")
    await make_client("en", user_id=7503).send("/subscribe food_retail")
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "topics.toml").open("a", encoding="utf-8") as file:
        file.write(_topic("dairy-fair", "food_retail", "Dairy fair in Astana"))
    with (data / "trade.toml").open("a", encoding="utf-8") as file:
        file.write(FIGURE)

    assert await load_and_announce(store, data, i18n)
    got = await run(worker, session)
    [message] = got[7501]
    assert "<b>🆕 New trade figures</b>" in message and "2017" in message
    assert "<b>🆕 New in the sectors you follow</b>" in message and "Dairy fair in Astana (en)" in message
    [figures] = got[7502]
    assert "2017" in figures and "Dairy fair" not in figures
    [topics] = got[7503]
    assert "Dairy fair" in topics and "New trade figures" not in topics
    markup = session.requests[-3:]
    labels = [
        b.text
        for method in markup
        if isinstance(method, SendMessage) and int(method.chat_id) == 7501 and method.reply_markup
        for row in method.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
    ]
    assert labels.count("⚙️ My subscriptions") == 1 and labels[-1] == "⚙️ My subscriptions"
    assert "📊 2017" in labels and "📌 Dairy fair in Astana (en)" in labels


def test_a_long_digest_is_cut_between_items_within_one_message(i18n: I18n) -> None:
    items = [Rendered(f"📰 item {n}: " + "x" * 900) for n in range(10)]
    with i18n.context(), i18n.use_locale("en"):
        first, taken = render_digest(items)
    assert 1 < taken < 10
    assert utf16_length(first.text) <= 4096
    assert f"📰 item {taken - 1}:" in first.text and f"📰 item {taken}:" not in first.text
    assert f"{taken} updates" in first.text


def test_schedule_across_midnight_and_weeks() -> None:
    quiet = ReaderSchedule(time_zone="Asia/Almaty", quiet_start=22, quiet_end=7)
    at = dt.datetime(2026, 12, 1, 23, 30, tzinfo=ALMATY).timestamp()
    assert quiet_until(quiet, at) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY).timestamp()
    at = dt.datetime(2026, 12, 2, 3, 0, tzinfo=ALMATY).timestamp()
    assert quiet_until(quiet, at) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY).timestamp()
    assert quiet_until(quiet, dt.datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY).timestamp()) is None
    assert not_before(quiet, at + 5 * 3600) == at + 5 * 3600  # 08:00: at once
    day = ReaderSchedule(time_zone="Asia/Almaty", quiet_start=9, quiet_end=17)  # not across midnight
    assert quiet_until(day, dt.datetime(2026, 12, 2, 8, 0, tzinfo=ALMATY).timestamp()) is None
    weekly = ReaderSchedule(mode=DeliveryMode.WEEKLY, weekday=0, hour=9, time_zone="Europe/Minsk")
    monday_nine = dt.datetime(2026, 11, 30, 9, 0, tzinfo=MINSK).timestamp()
    assert next_digest(weekly, monday_nine - 1) == monday_nine
    assert next_digest(weekly, monday_nine) == monday_nine + 7 * 86400


async def test_a_digest_is_retried_blocked_and_moved_as_one_message(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    clock: FakeClock,
) -> None:
    method = SendMessage(chat_id=1, text="x")
    await make_client("en", user_id=7601).send("/subscribe food_retail")
    await make_client("en", user_id=7602).send("/subscribe food_retail")
    await store.subscriptions.subscribe(-7603, None, "en", ["food_retail"])  # a group
    for chat_id in (7601, 7602, -7603):
        await store.chat_settings.update(chat_id, "en", mode=DeliveryMode.DAILY, hour=9, time_zone="UTC")
    clock.set(dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC))
    for word in ("butter", "cheese", "kefir"):
        await publish(store, f"Belarusian {word}.")
    clock.set(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC))

    # The group became a supergroup: its rows follow it and go as one digest; a 5xx on the
    # next: its three rows wait out the back-off together; 403 on the third: all three blocked.
    session.fail_next(
        TelegramMigrateToChat(method=method, message="migrated", migrate_to_chat_id=-1007603),
        api_method="sendMessage",
    )
    session.fail_next(TelegramServerError(method=method, message="Bad Gateway"), api_method="sendMessage")
    session.fail_next(
        TelegramForbiddenError(method=method, message="bot was blocked by the user"), api_method="sendMessage"
    )
    got = await run(worker, session)
    assert list(got) == [-1007603]
    assert await rows_of(store, -7603) == []
    first = await rows_of(store, 7601)
    assert {row[0] for row in first} == {"pending"} and len({row[1] for row in first}) == 1
    assert [row[0] for row in await rows_of(store, 7602)] == ["blocked"] * 3

    clock.now = first[0][1]
    got = await run(worker, session)
    assert list(got) == [7601]
    for digest in (*got[7601], *rows_text(session, -1007603)):
        assert "🗞 Your digest: 3 updates" in digest and "butter" in digest and "kefir" in digest
    [(state, message_id)] = {(row[0], row[3]) for row in await rows_of(store, 7601)}  # one message
    assert state == "sent" and message_id is not None
    # The group's settings went with it.
    assert (await store.chat_settings.get(-1007603)).mode is DeliveryMode.DAILY
