"""Subscriptions, publishing and delivery, through the production Dispatcher and the worker."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.callbacks import PublishAction, PublishCb, SubscribeCb
from bot.delivery import DeliveryWorker, RetryPolicy
from bot.domain.models import DeliveryState
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.process import bot_env, run_cli
from bot.testing.session import RecordingSession
from tests.conftest import ADMIN_ID, DATA, SOURCE, publish_now

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def worker(bot: Bot, store: Store, i18n: I18n) -> DeliveryWorker:
    return DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0.05, policy=FAST, idle_poll=0.02
    )


async def drain(worker: DeliveryWorker, store: Store, timeout: float = 10.0) -> None:
    """Run the worker until nothing is pending."""
    async with asyncio.timeout(timeout):
        while (await store.outbox.counts())[DeliveryState.PENDING]:
            if not await worker.drain_once():
                await asyncio.sleep(0.01)


def delivered_to(session: RecordingSession, before: int = 0) -> dict[int, list[str]]:
    got: dict[int, list[str]] = {}
    for method, result in zip(session.requests[before:], session.results[before:], strict=True):
        if isinstance(method, SendMessage) and result is not None and "📰" in method.text:
            got.setdefault(int(method.chat_id), []).append(method.text)
    return got


async def test_subscribe_keyboard_toggles_and_lists(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=3001)
    keyboard = (await client.send("/subscribe")).last
    assert "▫️ 🛒 Food and retail" in keyboard.button_texts
    assert "▫️ 🗂 All sectors" in keyboard.button_texts
    replies = await client.click(keyboard, "▫️ 🛒 Food and retail")
    assert replies.assert_answered().text == "🔔 Subscribed: 🛒 Food and retail"
    [edit] = replies.of("editMessageReplyMarkup")
    labels = [b.text for row in edit.method.reply_markup.inline_keyboard for b in row]
    assert "✅ 🛒 Food and retail" in labels
    assert await store.subscriptions.sectors_of(3001) == {"food_retail"}
    listing = (await client.send("/subscriptions")).last
    assert "🛒 Food and retail" in listing.text
    # Tapping again unsubscribes.
    await client.press(SubscribeCb(sector_id="food_retail").pack(), on=keyboard)
    assert await store.subscriptions.sectors_of(3001) == frozenset()


@pytest.mark.parametrize(("argument", "stored"), [("food_retail", "food_retail"), ("all", "*"), ("IT", "it")])
async def test_subscribe_with_an_argument(
    make_client: Callable[..., BotClient], store: Store, argument: str, stored: str
) -> None:
    client = make_client("ru", user_id=3002)
    reply = (await client.send(f"/subscribe {argument}")).last
    assert reply.text.startswith("✅")
    assert await store.subscriptions.sectors_of(3002) == {stored}


async def test_subscribe_to_an_unknown_sector(make_client: Callable[..., BotClient], store: Store) -> None:
    reply = (await make_client("en", user_id=3003).send("/subscribe <spaceflight>")).last
    assert "There is no sector “&lt;spaceflight&gt;”" in reply.text
    assert "🛒 Food and retail" in reply.text and "food_retail" not in reply.text  # names, not ids
    assert await store.subscriptions.sectors_of(3003) == frozenset()


async def test_unsubscribe_one_or_everything(make_client: Callable[..., BotClient], store: Store) -> None:
    client = make_client("en", user_id=3004)
    await client.send("/subscribe food_retail")
    await client.send("/subscribe it")
    assert "Unsubscribed" in (await client.send("/unsubscribe it")).last.text
    assert await store.subscriptions.sectors_of(3004) == {"food_retail"}
    assert "everything" in (await client.send("/unsubscribe")).last.text
    assert await store.subscriptions.sectors_of(3004) == frozenset()
    assert "not subscribed" in (await client.send("/unsubscribe")).last.text


async def test_the_sector_card_has_a_subscribe_button(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=3005)
    card = (await client.send("/start sector_agriculture")).last
    replies = await client.click(card, "🔔 Subscribe")
    assert await store.subscriptions.sectors_of(3005) == {"agriculture"}
    assert "🔕 Unsubscribe" in replies.last.button_texts


async def test_publishing_is_for_admins_only(
    make_client: Callable[..., BotClient], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await make_client("en", user_id=3006).send("/subscribe all")
    intruder = make_client("en", user_id=3007)
    reply = (await intruder.send("/publish all Free money!")).last
    assert reply.text == "Sorry, only the bot’s editors can do this."
    assert (await intruder.send("/stats")).last.text == "Sorry, only the bot’s editors can do this."
    forged = await intruder.press(PublishCb(action=PublishAction.CONFIRM))
    assert forged.assert_answered().show_alert
    assert sum((await store.outbox.counts()).values()) == 0
    async with store.db.conn.execute("SELECT count(*) FROM facts") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    assert "refused /publish from non-admin user 3007" in caplog.text


async def test_publish_reaches_exactly_the_sector_and_all_sector_subscribers_in_their_languages(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
) -> None:
    await make_client("ru", user_id=4001).send("/subscribe food_retail")
    await make_client("kk", user_id=4002).send("/subscribe all")
    await make_client("en", user_id=4003).send("/subscribe industry")
    be_reader = make_client("en", user_id=4004)
    await be_reader.send("/subscribe food_retail")
    await be_reader.click((await be_reader.send("/language")).last, "Беларуская")
    admin = make_client("en", user_id=ADMIN_ID)
    progress = await publish_now(admin, "/publish food_retail Belarusian dairy arrives in Magnum stores")
    assert "Update #1" in progress.text
    assert "pending: 3" in progress.text

    before = len(session.requests)
    await drain(worker, store)
    got = delivered_to(session, before)
    assert set(got) == {4001, 4002, 4004}  # not the industry-only reader
    assert all(len(texts) == 1 for texts in got.values())
    # Written in English; readers of other languages get the original, marked as such in
    # their own language, under a heading in their language.
    for chat_id in (4001, 4002, 4004):
        assert "Belarusian dairy arrives in Magnum stores" in got[chat_id][0]
    assert got[4001][0].startswith("📰 Новость: ")
    assert "<i>Язык оригинала: Английский</i>" in got[4001][0]
    assert "English" not in got[4002][0]  # the note is in Kazakh
    assert "ағылшын" in got[4002][0].lower()
    assert "англійская" in got[4004][0].lower()
    counts = await store.outbox.counts(1)
    assert counts[DeliveryState.SENT] == 3
    # The admin's progress message ends as a summary, edited in place.
    edits = [r for r in session.requests[before:] if r.__api_method__ == "editMessageText"]
    assert edits, "the progress message is edited"
    assert "finished" in edits[-1].text
    assert "delivered: 3" in edits[-1].text
    # The update now appears on the sector card.
    card = (await make_client("en", user_id=4005).send("/start sector_food_retail")).last
    assert "Belarusian dairy arrives in Magnum stores" in card.text


async def test_the_guided_flow_previews_and_confirms(
    make_client: Callable[..., BotClient], store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    await make_client("en", user_id=4101).send("/subscribe it")
    admin = make_client("en", user_id=ADMIN_ID)
    choose = (await admin.send("/publish")).last
    asked = (await admin.click(choose, "💻")).last
    assert "send the text" in asked.text
    asked = (await admin.send("Kazakhstan's AI ministry <b>opens</b> a call for Belarusian partners")).last
    assert "link to the source" in asked.text
    replies = await admin.send(SOURCE)
    preview, confirm = replies.messages
    assert "📰" in preview.text
    assert "&lt;b&gt;opens&lt;/b&gt;" in preview.text  # the admin's text is escaped, not markup
    assert "Send it to 1 chat now?" in confirm.text
    await admin.click(confirm, "✅ Publish")
    before = len(session.requests)
    await drain(worker, store)
    got = delivered_to(session, before)
    assert list(got) == [4101]
    assert got[4101][0].split("\n\n")[1:] == preview.text.split("\n\n")[1:]  # exactly as previewed
    assert preview.text.endswith(
        '🔗 Source: <a href="https://www.zakon.kz/ekonomika/magnum-belarus.html">zakon.kz</a>'
    )


async def test_the_guided_flow_can_be_cancelled(make_client: Callable[..., BotClient], store: Store) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    choose = (await admin.send("/publish")).last
    await admin.click(choose, "🛒")
    assert "Cancelled" in (await admin.send("/cancel")).last.text
    async with store.db.conn.execute("SELECT count(*) FROM facts") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    # Back to normal: the next text is not taken as an update to preview.
    after = await admin.send("Just a question")
    assert not any("📰" in reply.text for reply in after.messages)
    assert not any("✅ Publish" in reply.button_texts for reply in after.messages)


async def test_stats_for_admins(make_client: Callable[..., BotClient], store: Store) -> None:
    await make_client("ru", user_id=4201).send("/subscribe food_retail")
    await make_client("kk", user_id=4202).send("/subscribe food_retail")
    text = (await make_client("en", user_id=ADMIN_ID).send("/stats")).last.text
    assert "🛒 Food and retail: 2" in text
    assert "Russian: 1" in text
    assert "Kazakh: 1" in text


async def _one_subscriber_and_an_update(
    make_client: Callable[..., BotClient], store: Store, chat_id: int
) -> None:
    await make_client("en", user_id=chat_id).send("/subscribe all")
    await store.facts.publish("food_retail", {"en": "News"}, "en", None)


def _method() -> SendMessage:
    return SendMessage(chat_id=1, text="x")


async def test_429_pauses_the_queue_and_loses_nothing(
    make_client: Callable[..., BotClient], store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    await _one_subscriber_and_an_update(make_client, store, 5001)
    session.fail_next(
        TelegramRetryAfter(method=_method(), message="Too Many Requests", retry_after=1),
        api_method="sendMessage",
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    await drain(worker, store)
    assert loop.time() - started >= 0.9  # it waited retry_after
    assert worker.stats.rate_limited == 1
    counts = await store.outbox.counts()
    assert counts[DeliveryState.SENT] == 1
    assert counts[DeliveryState.FAILED] == 0


async def test_server_errors_are_retried_then_given_up_with_a_reason(
    make_client: Callable[..., BotClient], store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    await _one_subscriber_and_an_update(make_client, store, 5101)
    session.fail_next(TelegramServerError(method=_method(), message="Bad Gateway"), api_method="sendMessage")
    await drain(worker, store)
    assert (await store.outbox.counts())[DeliveryState.SENT] == 1
    await store.facts.publish("food_retail", {"en": "Second"}, "en", None)
    for _ in range(FAST.max_attempts):
        session.fail_next(
            TelegramServerError(method=_method(), message="Bad Gateway"), api_method="sendMessage"
        )
    await drain(worker, store)
    counts = await store.outbox.counts()
    assert counts[DeliveryState.FAILED] == 1
    assert await store.outbox.failure_reasons() == [("TelegramServerError: Bad Gateway", 1)]
    stats = (await make_client("en", user_id=ADMIN_ID).send("/stats")).last.text
    assert "TelegramServerError: Bad Gateway: 1" in stats


@pytest.mark.parametrize(
    "error",
    [
        TelegramForbiddenError(method=_method(), message="Forbidden: bot was blocked by the user"),
        TelegramBadRequest(method=_method(), message="Bad Request: chat not found"),
    ],
)
async def test_a_chat_that_is_gone_is_deactivated_until_it_subscribes_again(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    error: Exception,
) -> None:
    await _one_subscriber_and_an_update(make_client, store, 5201)
    await store.facts.publish("food_retail", {"en": "Second"}, "en", None)
    session.fail_next(error, api_method="sendMessage")  # type: ignore[arg-type]
    await drain(worker, store)
    counts = await store.outbox.counts()
    assert counts[DeliveryState.BLOCKED] == 2  # no further attempt for the second update either
    assert await store.subscriptions.sectors_of(5201) == frozenset()
    async with store.db.conn.execute("SELECT active FROM subscribers WHERE chat_id = 5201") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    assert (await store.facts.publish("food_retail", {"en": "Third"}, "en", None)).recipients == 0
    # Back again: a /subscribe revives the old subscription too (all sectors, IT among them).
    await make_client("en", user_id=5201).send("/subscribe it")
    assert await store.subscriptions.sectors_of(5201) == {"*"}


async def test_a_group_that_became_a_supergroup_is_followed(
    store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    await store.subscriptions.subscribe(-5301, None, "ru", ["food_retail"])
    await store.facts.publish("food_retail", {"ru": "Новость"}, "ru", None)
    session.fail_next(
        TelegramMigrateToChat(method=_method(), message="migrated", migrate_to_chat_id=-1005301),
        api_method="sendMessage",
    )
    before = len(session.requests)
    await drain(worker, store)
    assert list(delivered_to(session, before)) == [-1005301]
    assert await store.subscriptions.sectors_of(-1005301) == {"food_retail"}
    assert await store.subscriptions.sectors_of(-5301) == frozenset()


async def test_a_row_is_sent_only_after_telegram_confirms(
    make_client: Callable[..., BotClient], store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    """If the process dies during the call, the row is still pending and will be sent again."""
    await _one_subscriber_and_an_update(make_client, store, 5401)

    class Killed(BaseException):
        pass

    original = session.make_request

    async def dies_mid_call(bot, method, timeout=None):  # type: ignore[no-untyped-def]
        if isinstance(method, SendMessage):
            raise Killed
        return await original(bot, method, timeout)

    session.make_request = dies_mid_call  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await worker.drain_once()
    assert (await store.outbox.counts())[DeliveryState.PENDING] == 1
    session.make_request = original  # type: ignore[method-assign]
    await drain(worker, store)
    assert (await store.outbox.counts())[DeliveryState.SENT] == 1


async def test_one_message_a_second_per_chat(
    store: Store, bot: Bot, i18n: I18n, session: RecordingSession
) -> None:
    spaced = DeliveryWorker(bot, store, i18n, rate_limit=1000, per_chat_interval=0.3, policy=FAST)
    await store.subscriptions.subscribe(5501, 5501, "en", ["*"])
    for n in range(3):
        await store.facts.publish("food_retail", {"en": f"News {n}"}, "en", None)
    loop = asyncio.get_running_loop()
    stamps: list[float] = []
    original = session.make_request

    async def stamp(bot, method, timeout=None):  # type: ignore[no-untyped-def]
        if isinstance(method, SendMessage):
            stamps.append(loop.time())
        return await original(bot, method, timeout)

    session.make_request = stamp  # type: ignore[method-assign]
    await drain(spaced, store)
    assert len(stamps) == 3
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(stamps))


async def test_replies_are_not_starved_by_a_broadcast(
    make_client: Callable[..., BotClient], store: Store, bot: Bot, i18n: I18n
) -> None:
    for chat_id in range(6000, 6300):
        await store.subscriptions.subscribe(chat_id, chat_id, "en", ["*"])
    await store.facts.publish("it", {"en": "Broadcast"}, "en", None)
    slow = DeliveryWorker(bot, store, i18n, rate_limit=50, policy=FAST, idle_poll=0.05)
    slow.start()
    try:
        await asyncio.sleep(0.2)
        loop = asyncio.get_running_loop()
        started = loop.time()
        reply = (await make_client("en").send("/help")).last
        assert "What I can do" in reply.text
        assert loop.time() - started < 0.5
        assert (await store.outbox.counts())[DeliveryState.PENDING] > 200  # still broadcasting
    finally:
        await slow.stop(grace=2)


async def test_a_thousand_concurrent_taps_end_consistent(
    make_client: Callable[..., BotClient], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clients = [make_client("en", user_id=7000 + n) for n in range(100)]
    shown = {c.user_id: (await c.send("/subscribe")).last for c in clients}
    sectors = ["food_retail", "industry", "agriculture", "it", "regions"]
    taps = [
        c.press(SubscribeCb(sector_id=sectors[i % 5]).pack(), on=shown[c.user_id])
        for c in clients
        for i in range(10)  # 10 taps each: every sector twice → back to nothing
    ]
    await asyncio.gather(*taps)
    assert "database is locked" not in caplog.text
    for client in clients:
        assert await store.subscriptions.sectors_of(client.user_id) == frozenset()
    # And an odd number of taps leaves each subscribed.
    await asyncio.gather(*[c.press(SubscribeCb(sector_id="it").pack(), on=shown[c.user_id]) for c in clients])
    async with store.db.conn.execute("SELECT count(*) FROM subscriptions WHERE sector_id = 'it'") as cursor:
        assert (await cursor.fetchone())[0] == 100  # type: ignore[index]


@pytest.mark.slow
def test_publish_file_from_the_command_line(tmp_path: Path) -> None:
    update = tmp_path / "update.toml"
    env = bot_env(tmp_path / "cli.sqlite3")

    def publish(content: str) -> subprocess.CompletedProcess[str]:
        update.write_text(content, encoding="utf-8")
        return run_cli("publish", str(update), env=env)

    source = f'source = "{SOURCE}"\n'
    done = publish(
        'sector = "food_retail"\noriginal = "ru"\n' + source + '[text]\nru = "Новость"\nen = "News"\n'
    )
    assert done.returncode == 0, done.stderr
    assert "fact #1 queued for 0 chats" in done.stdout
    done = publish('sector = "food_retail"\noriginal = "kk"\n' + source + '[text]\nru = "Новость"\n')
    assert done.returncode == 1
    assert "update.toml: Value error, text.kk is missing: the original text is required" in done.stderr
    done = publish('sector = "space"\noriginal = "ru"\n' + source + '[text]\nru = "Новость"\n')
    assert done.returncode == 1
    assert "update.toml, field 'sector': unknown sector 'space'" in done.stderr
    # The source link is required and checked: one line naming the field, nothing stored.
    done = publish('sector = "it"\noriginal = "ru"\n[text]\nru = "Новость"\n')
    assert done.returncode == 1
    assert "update.toml, field 'source': the source link is missing" in done.stderr
    done = publish('sector = "it"\noriginal = "ru"\nsource = "zakon.kz/news"\n[text]\nru = "Новость"\n')
    assert done.returncode == 1
    assert "update.toml, field 'source': 'zakon.kz/news' is not an http or https address" in done.stderr
    assert "fact #2" not in done.stdout


async def test_a_published_update_is_searchable_at_once_and_after_a_reload(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    await publish_now(admin, "/publish agriculture Belarusian seed potatoes reach Pavlodar farms")
    reader = make_client("ru", user_id=9301)
    card = (await reader.send("seed potatoes Pavlodar")).last
    assert "Belarusian seed potatoes reach Pavlodar farms" in card.text  # the agriculture card lists it
    assert "🔔" in " ".join(card.button_texts)
    await store.load_data(DATA, force=True)
    again = (await reader.send("potatoes Pavlodar")).last
    assert "Belarusian seed potatoes reach Pavlodar farms" in again.text


async def test_a_stale_card_cannot_undo_a_subscription(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=9401)
    stale = (await client.send("/start sector_it")).last  # shows "Subscribe"
    await client.send("/subscribe it")
    await client.click(stale, "🔔 Subscribe")
    assert await store.subscriptions.sectors_of(9401) == {"it"}
    fresh = (await client.send("/start sector_it")).last
    assert "🔕 Unsubscribe" in fresh.button_texts
    await client.click(fresh, "🔕 Unsubscribe")
    await client.click(fresh, "🔕 Unsubscribe")  # twice: still just unsubscribed
    assert await store.subscriptions.sectors_of(9401) == frozenset()


async def test_a_migrated_group_that_already_had_the_update_queued_gets_it_once(
    store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    old_group, supergroup = -1009005601, -1005601  # rows go out by chat id: the old group first
    await store.subscriptions.subscribe(old_group, None, "ru", ["food_retail"])
    await store.subscriptions.subscribe(supergroup, None, "ru", ["food_retail"])
    await store.facts.publish("food_retail", {"ru": "Новость"}, "ru", None)
    session.fail_next(
        TelegramMigrateToChat(method=_method(), message="migrated", migrate_to_chat_id=supergroup),
        api_method="sendMessage",
    )
    before = len(session.requests)
    await drain(worker, store)  # ends: the old group's row is not sent again and again
    got = delivered_to(session, before)
    assert list(got) == [supergroup]
    assert len(got[supergroup]) == 1
    attempts = [m.chat_id for m in session.requests[before:] if isinstance(m, SendMessage)]
    assert attempts == [old_group, supergroup]


async def test_publish_takes_the_text_after_a_line_break(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    await make_client("en", user_id=9501).send("/subscribe it")
    progress = await publish_now(make_client("en", user_id=ADMIN_ID), "/publish it\nA two-line\nupdate\n")
    assert "Update #1" in progress.text
    content = await store.facts.content(1, "en")
    assert content is not None
    assert content.text == "A two-line\nupdate"
