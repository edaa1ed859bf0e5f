"""Alerts when data changes: the `figures` subscription, one alert per reader per fetch, new
topics from `data load` to the sectors' subscribers, all through the outbox and its worker."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.alerts import load_and_announce
from bot.config import Settings
from bot.delivery import DeliveryWorker, RetryPolicy
from bot.domain.models import DeliveryState
from bot.official import fetch_official
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.session import RecordingSession
from tests.comtrade_standin import ComtradeStandin
from tests.conftest import DATA
from tests.test_official import TODAY, client_for, totals


@pytest.fixture
def worker(bot: Bot, store: Store, i18n: I18n) -> DeliveryWorker:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
    return DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0.0, policy=policy, idle_poll=0.02
    )


async def drain(worker: DeliveryWorker, store: Store) -> None:
    async with asyncio.timeout(10):
        while (await store.outbox.counts())[DeliveryState.PENDING]:
            if not await worker.drain_once():
                await asyncio.sleep(0.01)


def sent(session: RecordingSession, before: int = 0) -> dict[int, list[SendMessage]]:
    """What the worker sent, by chat."""
    got: dict[int, list[SendMessage]] = {}
    for method in session.requests[before:]:
        if isinstance(method, SendMessage):
            got.setdefault(int(method.chat_id), []).append(method)
    return got


async def pending_by_chat(store: Store) -> dict[int, int]:
    sql = "SELECT chat_id, count(*) FROM deliveries WHERE state = 'pending' GROUP BY chat_id"
    async with store.db.conn.execute(sql) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def test_figures_subscribers_get_one_alert_per_fetch_in_their_language(
    store: Store,
    i18n: I18n,
    settings: Settings,
    make_client: Callable[..., BotClient],
    worker: DeliveryWorker,
    session: RecordingSession,
) -> None:
    reader = make_client("en", user_id=6101)
    reply = (await reader.send("/subscribe figures")).last
    assert "Subscribed: <b>📊 New trade figures</b>" in reply.text
    await make_client("ru", user_id=6102).send("/subscribe figures")
    await make_client("en", user_id=6103).send("/subscribe food_retail")  # not the figures

    async with ComtradeStandin(totals(2023)) as api:
        first = await fetch_official(
            store, i18n, settings, years=(2023,), client=client_for(api), today=TODAY
        )
        assert first.alerted == 2
        assert await pending_by_chat(store) == {6101: 1, 6102: 1}
        before = len(session.requests)
        await drain(worker, store)
        got = sent(session, before)
        assert sorted(got) == [6101, 6102]
        [alert] = got[6101]
        # UN Comtrade's 2023 beside the news' 2023 is news for the reader; one message for all of it.
        assert "<b>🆕 New trade figures</b>" in alert.text
        assert "🇰🇿 Kazakh statistics, 2023 (UN Comtrade): Trade turnover <b>$950M</b>" in alert.text
        assert "🇧🇾 Belarusian statistics, 2023 (UN Comtrade): Trade turnover <b>$1B</b>" in alert.text
        [russian] = got[6102]
        assert "Новые данные о торговле" in russian.text and "Казахстанская статистика, 2023" in russian.text

        # The same fetch again: nothing new, no message.
        again = await fetch_official(
            store, i18n, settings, years=(2023,), client=client_for(api), today=TODAY
        )
        assert again.alerted == 0 and await pending_by_chat(store) == {}

        # A new year, with its growth on the year before, and a revision: one message each.
        api.rows = totals(2023, kz_imports=710_000_000.0) + totals(2024, kz_imports=825_200_000.0)
        third = await fetch_official(
            store, i18n, settings, years=(2023, 2024), client=client_for(api), today=TODAY
        )
    assert third.alerted == 2 and await pending_by_chat(store) == {6101: 1, 6102: 1}
    before = len(session.requests)
    await drain(worker, store)
    [alert] = sent(session, before)[6101]
    assert "🇰🇿 Kazakh statistics, 2024 (UN Comtrade): Trade turnover <b>$1.1B, +12%</b>" in alert.text
    assert "<b>✏️ Revised trade figures</b>" in alert.text
    assert "🇰🇿 Kazakh statistics, 2023 (UN Comtrade): Trade turnover <b>$960M (was $950M)</b>" in alert.text
    # The button opens the year's card.
    assert alert.reply_markup is not None
    labels = [row[0].text for row in alert.reply_markup.inline_keyboard]  # type: ignore[union-attr]
    assert labels == ["📊 2024", "📊 2023", "⚙️ My subscriptions"]
    data = alert.reply_markup.inline_keyboard[0][0].callback_data  # type: ignore[union-attr]
    card = await reader.press(str(data))
    assert "<b>2024</b>" in card.last.text and "$825" in card.last.text


def _topic(topic_id: str, sector: str, word: str) -> str:
    texts = "\n".join(f'{loc} = "{word} ({loc})"' for loc in ("ru", "en", "kk", "be"))
    return (
        f'\n[[topic]]\nid = "{topic_id}"\nsector = "{sector}"\nstatus = "announced"\n'
        f'sources = ["newsby-interview"]\n\n[topic.title]\n{texts}\n\n[topic.text]\n{texts}\n'
    )


async def test_sector_subscribers_get_one_message_per_load_with_the_new_topics(
    store: Store,
    i18n: I18n,
    settings: Settings,
    make_client: Callable[..., BotClient],
    worker: DeliveryWorker,
    session: RecordingSession,
    tmp_path: Path,
) -> None:
    await make_client("en", user_id=6201).send("/subscribe food_retail")
    everything = make_client("en", user_id=6202)
    await everything.send("/subscribe all")
    await make_client("ru", user_id=6203).send("/subscribe industry")
    await make_client("en", user_id=6204).send("/subscribe figures")  # no sector
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "topics.toml").open("a", encoding="utf-8") as file:
        file.write(_topic("dairy-fair", "food_retail", "Dairy fair in Astana"))
        file.write(_topic("tractor-line", "industry", "Second tractor line"))

    assert await load_and_announce(store, data, i18n)
    assert await pending_by_chat(store) == {6201: 1, 6202: 1, 6203: 1}
    before = len(session.requests)
    await drain(worker, store)
    got = sent(session, before)
    [food] = got[6201]
    assert "<b>🆕 New in the sectors you follow</b>" in food.text
    assert "Dairy fair in Astana (en) · 📣 announced" in food.text and "tractor" not in food.text
    [both] = got[6202]  # all sectors: both topics, still one message
    assert "Dairy fair in Astana (en)" in both.text and "Second tractor line (en)" in both.text
    [industry] = got[6203]
    assert "Second tractor line (ru) · 📣 объявлено" in industry.text and "Dairy" not in industry.text
    assert 6204 not in got
    # A button opens the topic's card.
    assert both.reply_markup is not None
    buttons = [row[0] for row in both.reply_markup.inline_keyboard]  # type: ignore[union-attr]
    assert [b.text for b in buttons[:2]] == ["📌 Dairy fair in Astana (en)", "📌 Second tractor line (en)"]
    card = await everything.press(str(buttons[0].callback_data))
    assert "Dairy fair in Astana (en)" in card.last.text

    # Loading the same files again brings nothing new.
    assert await load_and_announce(store, data, i18n)
    assert await pending_by_chat(store) == {}


async def test_the_subscribe_toggles_offer_the_figures_and_news_to_all_sectors_skips_them(
    store: Store, make_client: Callable[..., BotClient]
) -> None:
    client = make_client("en", user_id=6301)
    toggles = (await client.send("/subscribe")).last
    assert "▫️ 📊 New trade figures" in toggles.button_texts
    after = await client.click(toggles, "▫️ 📊 New trade figures")
    [answer] = after.of("answerCallbackQuery")
    assert answer.method.text == "🔔 Subscribed: 📊 New trade figures"
    [edit] = after.of("editMessageReplyMarkup")
    assert "✅ 📊 New trade figures" in [
        b.text for row in edit.method.reply_markup.inline_keyboard for b in row
    ]
    assert await store.subscriptions.sectors_of(6301) == {"figures"}
    # An admin's news to all sectors goes to sector subscribers, not to a figures-only chat.
    assert await store.facts.count_recipients("*") == 0
    listed = (await client.send("/subscriptions")).last.text
    assert "• 📊 New trade figures" in listed
    assert (
        "🔕 Unsubscribed: <b>📊 New trade figures</b>"
        in (await client.send("/unsubscribe figures")).last.text
    )
