"""Publishing that can be checked and undone, through the production Dispatcher and the worker:
every /publish previews first, a fact names its source, the editor edits or withdraws it in
every chat that got it, the guided flow's draft survives a restart, /stats lists what the bot
could not answer."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.methods import DeleteMessage, EditMessageText, SendMessage
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.app import create_dispatcher, open_store
from bot.callbacks import EditorAction, EditorCb
from bot.config import Settings
from bot.delivery import DeliveryWorker, RetryPolicy
from bot.domain.changes import ChangeState
from bot.domain.models import DeliveryState
from bot.store import Store
from bot.store.fsm import FsmRepo
from bot.testing.client import BotClient, Reply
from bot.testing.session import RecordingSession
from tests.comtrade_standin import ComtradeStandin
from tests.conftest import ADMIN_ID, SOURCE, publish_now
from tests.test_official import chapters_2024, fetch, totals

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
LINK = '🔗 Source: <a href="https://www.zakon.kz/ekonomika/magnum-belarus.html">zakon.kz</a>'


@pytest.fixture
def worker(bot: Bot, store: Store, i18n: I18n) -> DeliveryWorker:
    return DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0.0, policy=FAST, idle_poll=0.02
    )


async def drain(worker: DeliveryWorker, store: Store, timeout: float = 10.0) -> None:
    """Run the worker until no send, edit or deletion is pending."""

    async def pending() -> bool:
        changes = await store.db.read_committed(
            "SELECT count(*) FROM delivery_changes WHERE state = 'pending'"
        )
        return bool((await store.outbox.counts())[DeliveryState.PENDING] or changes[0][0])

    async with asyncio.timeout(timeout):
        while await pending():
            if not await worker.drain_once():
                await asyncio.sleep(0.01)


async def facts(store: Store) -> int:
    rows = await store.db.read_committed("SELECT count(*) FROM facts")
    return int(rows[0][0])


def summary(session: RecordingSession, bot: Bot, progress: Reply) -> Reply:
    """The editor's progress message as it stands now (its last edit)."""
    assert isinstance(progress.result, Message)
    for method, result in zip(reversed(session.requests), reversed(session.results), strict=True):
        if isinstance(method, EditMessageText) and method.message_id == progress.result.message_id and result:
            return Reply(method, Message.model_validate(result, context={"bot": bot}))
    return progress


async def three_readers(make_client: Callable[..., BotClient]) -> None:
    await make_client("ru", user_id=6101).send("/subscribe food_retail")
    await make_client("en", user_id=6102).send("/subscribe all")
    await make_client("kk", user_id=6103).send("/subscribe food_retail")


def delivered(session: RecordingSession) -> dict[int, int]:
    """chat id → message id of every fact message sent."""
    return {
        int(m.chat_id): int(r["message_id"])
        for m, r in zip(session.requests, session.results, strict=True)
        if isinstance(m, SendMessage) and r and "📰" in m.text and m.chat_id != ADMIN_ID
    }


async def test_the_one_line_publish_previews_first_and_sends_only_on_confirm(
    make_client: Callable[..., BotClient], store: Store, worker: DeliveryWorker, session: RecordingSession
) -> None:
    await make_client("en", user_id=6001).send("/subscribe food_retail")
    admin = make_client("en", user_id=ADMIN_ID)
    preview, confirm = (
        await admin.send(f"/publish food_retail Dairy counters open in Magnum {SOURCE}")
    ).messages
    assert preview.text.startswith("📰 Update: <b>🛒 Food and retail</b>")
    assert "Dairy counters open in Magnum" in preview.text
    assert preview.text.split("\n")[-1] == LINK  # the source, last
    assert "Send it to 1 chat now?" in confirm.text
    assert await facts(store) == 0  # nothing stored, nothing sent before the confirmation
    await drain(worker, store)
    assert delivered(session) == {}

    progress = (await admin.click(confirm, "✅ Publish")).last
    assert "Update #1" in progress.text
    await drain(worker, store)
    sent = [
        m for m in session.requests if isinstance(m, SendMessage) and m.chat_id == 6001 and "📰" in m.text
    ]
    assert len(sent) == 1
    assert sent[0].text.split("\n\n")[1:] == preview.text.split("\n\n")[1:]  # exactly as previewed
    # A tap again later: nothing more.
    again = await admin.click(confirm, "✅ Publish")
    assert again.assert_answered().text == "Already published."
    assert await facts(store) == 1


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("", "Every update needs its source"),
        ("https://", "“https://” is not a valid source link"),
        ("ftp://zakon.kz/1", "“ftp://zakon.kz/1” is not a valid source link"),
        ("https://zakon", "“https://zakon” is not a valid source link"),
        ("http://exa_mple.kz/", "“http://exa_mple.kz/” is not a valid source link"),
    ],
)
async def test_a_missing_or_malformed_source_link_is_refused(
    make_client: Callable[..., BotClient], store: Store, link: str, says: str
) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    reply = (await admin.send(f"/publish it Kazakhstan's AI ministry opens a call {link}".strip())).last
    assert says in reply.text
    assert "✅ Publish" not in reply.button_texts
    # The guided flow asks for it as a step of its own, and keeps asking.
    choose = (await admin.send("/publish")).last
    await admin.click(choose, "💻")
    assert "link to the source" in (await admin.send("Kazakhstan's AI ministry opens a call")).last.text
    if link:
        assert says in (await admin.send(link)).last.text
    assert "✅ Publish" in (await admin.send("https://gov.kz/ai/call")).last.button_texts
    assert await facts(store) == 0


async def test_a_refusal_is_in_the_editors_language(make_client: Callable[..., BotClient]) -> None:
    admin = make_client("ru", user_id=ADMIN_ID)
    reply = (await admin.send("/publish it Новость zakon.kz/news")).last
    assert reply.text.startswith("«zakon.kz/news» — неверная ссылка на источник")


async def test_edit_reaches_every_recipient(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    bot: Bot,
) -> None:
    await three_readers(make_client)
    admin = make_client("en", user_id=ADMIN_ID)
    progress = await publish_now(admin, "/publish food_retail Dairy counters open in Magnum")
    await drain(worker, store)
    messages = delivered(session)
    assert set(messages) == {6101, 6102, 6103}
    done = summary(session, bot, progress)
    assert "delivered: 3" in done.text
    assert done.button_texts == ["✏️ Edit", "🗑 Withdraw"]

    asked = (await admin.click(done, "✏️ Edit")).last
    assert "send the new text" in asked.text
    preview, confirm = (await admin.send("Dairy and cheese counters open in Magnum")).messages
    assert "Dairy and cheese counters" in preview.text
    assert preview.text.endswith(LINK)  # the source stays
    assert "Replace it in 3 chats now?" in confirm.text
    before = len(session.requests)
    assert "goes to 3 chats" in (await admin.click(confirm, "✅ Save")).last.text
    await drain(worker, store)
    edits = {
        int(m.chat_id or 0): m
        for m in session.requests[before:]
        if isinstance(m, EditMessageText) and m.chat_id != ADMIN_ID
    }
    assert {chat: m.message_id for chat, m in edits.items()} == messages  # each its own message
    assert all("Dairy and cheese counters open in Magnum" in m.text for m in edits.values())
    assert edits[6101].text.startswith("📰 Новость")  # each reader's language, as delivered
    assert edits[6101].text.endswith("zakon.kz</a>")
    assert "edited in 3 chats" in summary(session, bot, progress).text
    # The sector card and the search show the new text.
    card = (await make_client("en", user_id=6199).send("/start sector_food_retail")).last
    assert "Dairy and cheese counters" in card.text
    # A second tap on Save changes nothing more.
    again = await admin.click(confirm, "✅ Save")
    again.assert_answered()
    rows = await store.db.read_committed("SELECT count(*) FROM delivery_changes")
    assert rows[0][0] == 3


async def test_withdraw_deletes_everywhere_and_reports_what_is_too_old(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    bot: Bot,
) -> None:
    await three_readers(make_client)
    await make_client("be", user_id=6104).send("/subscribe food_retail")
    admin = make_client("en", user_id=ADMIN_ID)
    progress = await publish_now(admin, "/publish food_retail Zeppelin dairy arrives in Magnum")
    await drain(worker, store)
    messages = delivered(session)
    # Sent three days ago to 6103: past the 48 hours Telegram lets a bot delete its message.
    await store.db.write(
        "UPDATE deliveries SET sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 days') WHERE chat_id = 6103"
    )
    # And Telegram refuses 6104's deletion although it is recent: also kept, and said so.
    session.fail_next(
        TelegramBadRequest(
            method=DeleteMessage(chat_id=6104, message_id=1), message="Bad Request: message can't be deleted"
        ),
        api_method="deleteMessage",
    )

    done = summary(session, bot, progress)
    asked = await admin.click(done, "🗑 Withdraw")  # asks once more
    sure = Reply(done.method, done.result)
    markup = asked.of("editMessageReplyMarkup")[0].method.reply_markup  # type: ignore[attr-defined]
    assert [b.text for row in markup.inline_keyboard for b in row] == ["🗑 Yes, withdraw everywhere", "↩️ Back"]
    assert await facts(store) == 1
    before = len(session.requests)
    await admin.press(EditorCb(action=EditorAction.WITHDRAW_OK, fact_id=1), on=sure)
    await drain(worker, store)
    deleted = {
        int(m.chat_id): m.message_id for m in session.requests[before:] if isinstance(m, DeleteMessage)
    }
    assert deleted == {chat: messages[chat] for chat in (6101, 6102, 6104)}
    text = summary(session, bot, progress).text
    assert "withdrawn in 2 chats; 2 older than 48 h kept" in text
    assert summary(session, bot, progress).markup is None  # nothing left to edit or withdraw
    counts = await store.changes.counts(1, "delete")  # type: ignore[arg-type]
    assert counts[ChangeState.DONE] == 2
    assert counts[ChangeState.KEPT] == 2
    # Off the sector card and out of the search.
    reader = make_client("en", user_id=6198)
    assert "Zeppelin" not in (await reader.send("/start sector_food_retail")).last.text
    assert "Zeppelin" not in (await reader.send("Zeppelin dairy")).last.text
    # Withdrawn twice: said so, nothing queued again.
    again = await admin.press(EditorCb(action=EditorAction.WITHDRAW_OK, fact_id=1), on=sure)
    assert "has been withdrawn" in str(again.assert_answered().text)


async def test_a_draft_survives_a_restart(
    make_client: Callable[..., BotClient], store: Store, settings: Settings, bot: Bot, i18n: I18n
) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    choose = (await admin.send("/publish")).last
    await admin.click(choose, "🌾")
    await admin.send("Belarusian seed potatoes reach Pavlodar farms")
    await store.close()  # the process stops here

    reopened = await open_store(settings)
    try:
        client = BotClient(
            create_dispatcher(settings, reopened, i18n), bot, user_id=ADMIN_ID, language_code="en"
        )
        preview, confirm = (await client.send(SOURCE)).messages  # the draft is where it was
        assert "Belarusian seed potatoes reach Pavlodar farms" in preview.text
        assert "🌾" in preview.text
        await client.click(confirm, "✅ Publish")
        content = await reopened.facts.content(1, "en")
        assert content is not None
        assert (content.sector_id, content.source_url) == ("agriculture", SOURCE)
    finally:
        await reopened.close()


async def test_drafts_untouched_for_a_week_are_cleaned_up(store: Store) -> None:
    now = [1_000_000.0]
    repo = FsmRepo(store.db, clock=lambda: now[0])
    await repo.set_state("1:2:2:default", "Publishing:text")
    await repo.set_data("1:2:2:default", {"sector_id": "it"})
    now[0] += 6 * 86400
    await repo.set_state("1:3:3:default", "Publishing:source")
    assert await repo.clean() == 0
    now[0] += 2 * 86400
    assert await repo.clean() == 1
    assert await repo.state("1:2:2:default") is None
    assert await repo.data("1:2:2:default") == {}
    assert await repo.state("1:3:3:default") == "Publishing:source"


async def test_stats_lists_the_questions_the_bot_was_not_sure_about(
    make_client: Callable[..., BotClient], store: Store, settings: Settings
) -> None:
    await make_client("ru", user_id=6301).send("Погода в Минске?")
    await make_client("en", user_id=6302).send("погода  в минске")
    await make_client("en", user_id=6303).send("asdf call me at 87015551234")
    await make_client("en", user_id=6304).send("Magnum")  # answered: not listed
    await make_client("en", user_id=6305).send("/subscribe it")
    await store.subscriptions.subscribe(-100500, None, "ru", ["it"])  # a group
    await store.subscriptions.subscribe(-100600, None, "ru", ["it"])  # a channel, connected:
    await store.chats.connect_channel(-100600, "BY–KZ news", ADMIN_ID, "ru")
    text = (await make_client("en", user_id=ADMIN_ID).send("/stats")).last.text
    part = text.split("Questions the bot was not sure about (30 days)")[1]
    assert part.split("\n")[1:3] == ["• погода в минске: 2", "• asdf call me at #: 1"]
    assert "magnum" not in part
    assert "private chats: 1" in text
    assert "groups: 1" in text and "channels: 1" in text
    assert "Last data load:" in text
    assert "sources" in text
    assert "Last UN Comtrade fetch: none recorded yet" in text
    # Only the words and a count per day: no user ids, and nothing older than 30 days.
    with sqlite3.connect(settings.database_path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(unsure_questions)")]
        assert columns == ["text", "day", "count"]
        db.execute("UPDATE unsure_questions SET day = '2000-01-01' WHERE text = 'asdf call me at #'")
    await make_client("en", user_id=6306).send("xyzzy")
    text = (await make_client("en", user_id=ADMIN_ID).send("/stats")).last.text
    assert "asdf" not in text
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT count(*) FROM unsure_questions WHERE day < '2001-01-01'").fetchone()[0] == 0


async def test_stats_shows_what_the_last_fetch_brought(
    make_client: Callable[..., BotClient], store: Store, i18n: I18n, settings: Settings
) -> None:
    async with ComtradeStandin(totals(2024) + chapters_2024()) as api:
        result = await fetch(store, i18n, settings, api, (2024,))
    text = (await make_client("en", user_id=ADMIN_ID).send("/stats")).last.text
    line = next(line for line in text.split("\n") if line.startswith("🌐 Last UN Comtrade fetch:"))
    assert f"{result.rows} rows, {result.figures_new} new figures, 0 revised" in line
    assert line.endswith("15 new or revised HS chapter figures")
    load = next(line for line in text.split("\n") if line.startswith("📥 Last data load:"))
    assert "sources" in load
    assert "topics" in load


async def test_edits_and_deletions_keep_the_outbox_guarantees(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    bot: Bot,
) -> None:
    await three_readers(make_client)
    admin = make_client("en", user_id=ADMIN_ID)
    progress = await publish_now(admin, "/publish food_retail Dairy counters open in Magnum")
    await drain(worker, store)
    messages = delivered(session)
    # 429 on an edit: the whole queue waits and the edit keeps its place; a 5xx: tried again.
    session.fail_next(
        TelegramRetryAfter(
            method=DeleteMessage(chat_id=1, message_id=1), message="Too Many Requests", retry_after=1
        ),
        api_method="editMessageText",
    )
    session.fail_next(
        TelegramServerError(method=DeleteMessage(chat_id=1, message_id=1), message="Bad Gateway"),
        api_method="editMessageText",
    )
    await store.facts.edit(1, "en", "Dairy and cheese counters open in Magnum")
    await drain(worker, store)
    assert worker.stats.rate_limited == 1
    edited = {
        int(m.chat_id or 0)
        for m, r in zip(session.requests, session.results, strict=True)
        if isinstance(m, EditMessageText) and r and "cheese" in m.text and m.chat_id != ADMIN_ID
    }
    assert edited == set(messages)
    assert "edited in 3 chats" in summary(session, bot, progress).text
    # A chat where the message is gone already counts as withdrawn; one that fails for good is said.
    session.fail_next(
        TelegramBadRequest(
            method=DeleteMessage(chat_id=1, message_id=1), message="Bad Request: message to delete not found"
        ),
        api_method="deleteMessage",
    )
    session.fail_next(
        TelegramBadRequest(
            method=DeleteMessage(chat_id=1, message_id=1), message="Bad Request: MESSAGE_ID_INVALID"
        ),
        api_method="deleteMessage",
    )
    await store.facts.withdraw(1)
    await drain(worker, store)
    assert "withdrawn in 2 chats; ❌ failed: 1" in summary(session, bot, progress).text


async def test_an_edit_saved_while_the_last_one_is_under_way_is_the_one_that_stays(
    make_client: Callable[..., BotClient],
    store: Store,
    worker: DeliveryWorker,
    session: RecordingSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_client("en", user_id=6401).send("/subscribe it")
    await publish_now(make_client("en", user_id=ADMIN_ID), "/publish it First text")
    await drain(worker, store)
    original = session.make_request

    async def edit_again_in_flight(bot: Bot, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageText) and "Second text" in method.text:
            await store.facts.edit(1, "en", "Third text")  # saved while Telegram takes the second
        return await original(bot, method, timeout)

    monkeypatch.setattr(session, "make_request", edit_again_in_flight)
    await store.facts.edit(1, "en", "Second text")
    await drain(worker, store)
    edits = [m.text for m in session.requests if isinstance(m, EditMessageText) and m.chat_id == 6401]
    assert len(edits) == 2
    assert "Third text" in edits[-1]


async def test_an_editors_stale_button_is_out_of_date_and_anyone_elses_is_refused(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    choose = (await admin.send("/publish")).last
    await admin.send("/cancel")
    stale = (await admin.click(choose, "💻")).assert_answered()
    assert stale.text == "This button is out of date. Please open the menu again with /start."
    reader = make_client("en", user_id=6201)
    refused = (await reader.click(choose, "💻")).assert_answered()
    assert refused.text is not None and "only the bot’s editors" in refused.text and refused.show_alert
    assert await facts(store) == 0
