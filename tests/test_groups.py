"""Subscriptions people find, groups and channels (issue 12), through the production Dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.callbacks import ChannelCb, MenuAction, MenuCb, SubscribeCb
from bot.config import Settings
from bot.delivery import DeliveryWorker, RetryPolicy
from bot.domain.models import DeliveryState
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.session import BOT_ID, RecordingSession
from tests.conftest import ADMIN_ID

GROUP = -100500
CHANNEL = -1007001
SECTORS = {"food_retail", "industry", "agriculture", "it", "regions"}
ADMINS_ONLY = "Only this chat’s administrators can change its subscriptions and language."


def tr(i18n: I18n, locale: str, msgid: str) -> str:
    return i18n.gettext(msgid, locale=locale)


async def test_subscriptions_are_on_the_main_menu_and_in_start(
    make_client: Callable[..., BotClient], i18n: I18n
) -> None:
    client = make_client("kk")
    start = (await client.send("/start")).last
    assert tr(i18n, "kk", "🔔 Subscriptions") in start.button_texts
    assert "🔔" in start.text and "/subscribe" not in start.text
    toggles = (await client.click(start, MenuCb(action=MenuAction.SUBSCRIPTIONS))).last
    assert any(label.startswith("▫️ 🛒") for label in toggles.button_texts)
    follow = await client.click(toggles, toggles.button_at(0))
    assert follow.assert_answered().text.startswith("🔔")


async def test_all_sectors_is_a_master_switch(make_client: Callable[..., BotClient], store: Store) -> None:
    client = make_client("en", user_id=4101)
    keyboard = (await client.send("/subscribe")).last
    replies = await client.click(keyboard, "▫️ 🗂 All sectors")
    [edit] = replies.of("editMessageReplyMarkup")
    ticked = [b.text for row in edit.method.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert "✅ 🛒 Food and retail" in ticked and "✅ 💻 IT and AI" in ticked and "✅ 🗂 All sectors" in ticked
    assert await store.subscriptions.sectors_of(4101) == {"*"}
    # One sector off: "all" goes off, the others stay.
    replies = await client.press(SubscribeCb(sector_id="food_retail").pack(), on=keyboard)
    assert replies.assert_answered().text == "🔕 Unsubscribed: 🛒 Food and retail"
    [edit] = replies.of("editMessageReplyMarkup")
    labels = [b.text for row in edit.method.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert "▫️ 🗂 All sectors" in labels and "▫️ 🛒 Food and retail" in labels and "✅ 🏭 Industry" in labels
    assert await store.subscriptions.sectors_of(4101) == SECTORS - {"food_retail"}
    # Every sector on again is "all" again.
    await client.press(SubscribeCb(sector_id="food_retail").pack(), on=keyboard)
    assert await store.subscriptions.sectors_of(4101) == {"*"}
    # "All" off: no sector left.
    await client.press(SubscribeCb(sector_id="*").pack(), on=keyboard)
    assert await store.subscriptions.sectors_of(4101) == frozenset()


async def test_unsubscribe_says_what_still_comes(make_client: Callable[..., BotClient], store: Store) -> None:
    client = make_client("en", user_id=4102)
    await client.send("/subscribe all")
    reply = (await client.send("/unsubscribe food_retail")).last
    assert "🔕 Unsubscribed: <b>🛒 Food and retail</b>." in reply.text
    assert "“All sectors” is off now; you still follow: 🏭 Industry" in reply.text
    assert "food_retail" not in reply.text
    await client.send("/unsubscribe")
    await client.send("/subscribe it")
    await client.send("/subscribe agriculture")
    reply = (await client.send("/unsubscribe all")).last
    assert "You were not subscribed to <b>🗂 All sectors</b>." in reply.text
    assert "News of 🌾 Agriculture, 💻 IT and AI still comes here" in reply.text
    assert await store.subscriptions.sectors_of(4102) == {"it", "agriculture"}


async def test_a_sector_card_says_following_when_all_covers_it(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en", user_id=4103)
    await client.send("/subscribe all")
    card = (await client.send("/start sector_it")).last
    assert "🔔 Following: this chat follows all sectors." in card.text
    assert "🔕 Unsubscribe" in card.button_texts
    after = await client.click(card, "🔕 Unsubscribe")
    assert "Following" not in after.last.text and "🔔 Subscribe" in after.last.button_texts


@pytest.mark.parametrize(
    ("lang", "argument", "name"),
    [
        ("ru", "еда", "🛒 Продукты и торговля"),
        ("kk", "азық-түлік", "🛒 Азық-түлік және сауда"),
        ("en", "IT and AI", "💻 IT and AI"),
        ("be", "figures", None),
    ],
)
async def test_subscribe_takes_sector_names_in_the_readers_language(
    make_client: Callable[..., BotClient], store: Store, lang: str, argument: str, name: str | None
) -> None:
    client = make_client(lang, user_id=4110)
    reply = (await client.send(f"/subscribe {argument}")).last
    assert reply.text.startswith("✅")
    if name is None:
        assert await store.subscriptions.sectors_of(4110) == {"figures"}
        return
    assert f"<b>{name}</b>" in reply.text and "food_retail" not in reply.text
    assert len(await store.subscriptions.sectors_of(4110)) == 1


async def test_the_first_card_offers_to_follow_once(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=4120)
    first = (await client.send("/turnover")).last
    assert first.button_texts[-1] == "🔔 Get new trade figures here"
    replies = await client.click(first, "🔔 Get new trade figures here")
    assert replies.assert_answered().text == "🔔 Subscribed: 📊 New trade figures"
    [edit] = replies.of("editMessageReplyMarkup")
    kept = [b.text for row in edit.method.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert "🔔 Get new trade figures here" not in kept and "2024" in kept
    assert await store.subscriptions.sectors_of(4120) == {"figures"}
    again = (await make_client("en", user_id=4120).send("/turnover")).last
    assert "🔔 Get new trade figures here" not in again.button_texts
    # Once per reader: the sector card that comes next has its plain subscribe button.
    card = (await client.send("/start sector_agriculture")).last
    assert "🔔 Subscribe" in card.button_texts
    # A new reader's first sector card says what subscribing brings.
    other = (await make_client("en", user_id=4121).send("/start sector_agriculture")).last
    assert "🔔 Subscribe: get this sector’s news here" in other.button_texts
    await make_client("en", user_id=4121).click(other, "🔔 Subscribe: get this sector’s news here")
    assert await store.subscriptions.sectors_of(4121) == {"agriculture"}


async def test_an_offer_made_is_kept_across_a_restart(
    make_client: Callable[..., BotClient], store: Store, settings: Settings
) -> None:
    first = (await make_client("en", user_id=4130).send("/turnover")).last
    assert first.button_texts[-1] == "🔔 Get new trade figures here"
    await store.close()  # the offers made are written in a batch, at the latest on close
    reopened = await Store.open(settings.database_path)
    try:
        rows = await reopened.db.read_few("SELECT user_id, item FROM follow_offers WHERE user_id = 4130")
        assert rows == [(4130, "figures")]
        assert not await reopened.offers.claim(4130, "figures")  # another process knows it too
        assert await reopened.offers.claim(4131, "agriculture")
    finally:
        await reopened.close()


async def test_a_member_who_is_not_an_admin_is_refused(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession
) -> None:
    member = make_client("en", user_id=4201)
    replies = await member.send("/subscribe all", chat_type="supergroup", chat_id=GROUP)
    assert replies.last.text == ADMINS_ONLY
    assert await store.subscriptions.sectors_of(GROUP) == frozenset()
    assert (await member.send("/language", chat_type="supergroup", chat_id=GROUP)).last.text == ADMINS_ONLY
    # Anyone may look.
    listing = (await member.send("/subscriptions", chat_type="supergroup", chat_id=GROUP)).last
    assert "You don’t follow any sector yet" in listing.text
    # A toggle from a keyboard an admin opened is refused too.
    session.set_member(GROUP, 4202, "administrator")
    admin = make_client("en", user_id=4202)
    keyboard = (await admin.send("/subscribe", chat_type="supergroup", chat_id=GROUP)).last
    pressed = await member.click(keyboard, "▫️ 🗂 All sectors")
    answer = pressed.assert_answered()
    assert answer.text == ADMINS_ONLY and answer.show_alert
    assert await store.subscriptions.sectors_of(GROUP) == frozenset()
    # A member's rights are asked once a minute at most.
    asked = [r for r in session.requests if r.__api_method__ == "getChatMember"]
    assert [(r.chat_id, r.user_id) for r in asked] == [(GROUP, 4201), (GROUP, 4202)]  # type: ignore[attr-defined]


async def test_only_an_admin_changes_the_groups_digest_settings(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession
) -> None:
    member = make_client("en", user_id=4211)
    assert (await member.send("/settings", chat_type="supergroup", chat_id=GROUP)).last.text == ADMINS_ONLY
    session.set_member(GROUP, 4212, "administrator")
    admin = make_client("en", user_id=4212)
    screen = (await admin.send("/settings", chat_type="supergroup", chat_id=GROUP)).last
    pressed = await member.click(screen, "Daily")  # the admin's keyboard, a member's tap
    assert pressed.assert_answered().text == ADMINS_ONLY
    assert (await store.chat_settings.get(GROUP)).mode.value == "instant"
    await admin.click(screen, "Daily")
    assert (await store.chat_settings.get(GROUP)).mode.value == "daily"


async def test_an_admin_changes_the_group(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession, i18n: I18n
) -> None:
    session.set_member(GROUP, 4301, "creator")
    admin = make_client("en", user_id=4301)
    assert (await admin.send("/subscribe food", chat_type="supergroup", chat_id=GROUP)).last.text.startswith(
        "✅"
    )
    assert await store.subscriptions.sectors_of(GROUP) == {"food_retail"}
    # An anonymous admin writes as the group itself.
    await admin.send("/subscribe it", chat_type="supergroup", chat_id=GROUP, anonymous=True)
    assert await store.subscriptions.sectors_of(GROUP) == {"food_retail", "it"}
    # The group's language is the group's: set by its admin, not by whoever speaks last.
    choice = (await admin.send("/language", chat_type="supergroup", chat_id=GROUP)).last
    chosen = await admin.click(choice, "Қазақша")
    assert "✅" in chosen.last.text
    assert await store.users.locale(4301) is None  # the admin's own language is unchanged
    async with store.db.conn.execute("SELECT locale FROM subscribers WHERE chat_id = ?", (GROUP,)) as cursor:
        assert (await cursor.fetchone())[0] == "kk"  # type: ignore[index]
    russian_member = make_client("ru", user_id=4302)
    reply = (await russian_member.send("/sectors", chat_type="supergroup", chat_id=GROUP)).last
    assert tr(i18n, "kk", "🏭 Sectors of cooperation") in reply.text


async def test_in_a_group_mentions_and_replies_are_answered_and_chatter_is_not(
    make_client: Callable[..., BotClient], i18n: I18n
) -> None:
    client = make_client("ru", user_id=4401)
    assert not (await client.send("что с Магнумом", chat_type="supergroup", chat_id=GROUP)).messages
    assert not (
        await client.send("@someone_else что с Магнумом", chat_type="supergroup", chat_id=GROUP)
    ).messages
    answered = (await client.send("@bk_trade_bot что с Магнумом", chat_type="supergroup", chat_id=GROUP)).last
    assert "Magnum" in answered.text or "Магнум" in answered.text
    reply = (
        await client.send("а оборот за 2024?", chat_type="supergroup", chat_id=GROUP, reply_to=answered)
    ).last
    assert "2024" in reply.text
    assert tr(i18n, "ru", "📊 Belarus–Kazakhstan trade") in reply.text
    bare = (await client.send("@bk_trade_bot", chat_type="supergroup", chat_id=GROUP)).last
    assert "@bk_trade_bot" in bare.text


@pytest.fixture
def worker(bot: Bot, store: Store, i18n: I18n) -> DeliveryWorker:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
    return DeliveryWorker(
        bot, store, i18n, rate_limit=1000, per_chat_interval=0.01, policy=policy, idle_poll=0.02
    )


async def drain(worker: DeliveryWorker, store: Store) -> None:
    async with asyncio.timeout(10):
        while (await store.outbox.counts())[DeliveryState.PENDING]:
            if not await worker.drain_once():
                await asyncio.sleep(0.01)


async def test_a_channel_is_connected_and_gets_its_sectors_facts(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession, worker: DeliveryWorker
) -> None:
    session.add_chat(CHANNEL, "channel", "BY–KZ Trade News", username="bykz_news")
    owner = make_client("en", user_id=4501)
    # The bot is not an administrator there yet.
    refused = (await owner.send("/channel add @bykz_news")).last
    assert "I am not an administrator of <b>BY–KZ Trade News</b>" in refused.text
    session.set_member(CHANNEL, BOT_ID, "administrator")
    # A user who is not the channel's administrator cannot connect it.
    assert "Only an administrator" in (await owner.send("/channel add @bykz_news")).last.text
    assert "can’t find the channel @nowhere" in (await owner.send("/channel add @nowhere")).last.text
    session.set_member(CHANNEL, 4501, "administrator")
    connected = (await owner.send("/channel add @bykz_news")).last
    assert "📣 Channel <b>BY–KZ Trade News</b> is connected." in connected.text
    await owner.click(connected, "▫️ 🛒 Food and retail")
    assert await store.subscriptions.sectors_of(CHANNEL) == {"food_retail"}
    listing = (await owner.send("/channel")).last
    assert "<b>BY–KZ Trade News</b>: 🛒 Food and retail" in listing.text
    # A fact on food reaches the channel through the outbox; one on IT does not.
    await store.facts.publish("food_retail", {"en": "Magnum opens a store in Minsk."}, "en", ADMIN_ID)
    await store.facts.publish("it", {"en": "An IT forum."}, "en", ADMIN_ID)
    before = len(session.requests)
    await drain(worker, store)
    sent = [r for r in session.requests[before:] if isinstance(r, SendMessage) and r.chat_id == CHANNEL]
    assert [("Magnum" in r.text) for r in sent] == [True]
    # Nobody else can change what it follows, even with the toggle's data.
    viewer = make_client("en", user_id=4502)
    pressed = await viewer.press(ChannelCb(chat_id=CHANNEL, sector_id="food_retail").pack(), on=connected)
    assert pressed.assert_answered().text == ADMINS_ONLY
    assert await store.subscriptions.sectors_of(CHANNEL) == {"food_retail"}


async def test_a_channels_administrator_sets_its_digest_from_a_private_chat(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession
) -> None:
    session.add_chat(CHANNEL, "channel", "BY–KZ Trade News", username="bykz_news")
    session.set_member(CHANNEL, BOT_ID, "administrator")
    session.set_member(CHANNEL, 4511, "administrator")
    owner = make_client("en", user_id=4511)
    connected = (await owner.send("/channel add @bykz_news")).last
    screen = (await owner.click(connected, "⚙️ Digests and quiet hours")).last
    assert screen.text.startswith("📣 <b>BY–KZ Trade News</b>\n\n")
    screen = (await owner.click(screen, "Daily")).last
    assert (await store.chat_settings.get(CHANNEL)).mode.value == "daily"
    assert (await store.chat_settings.get(4511)).mode.value == "instant"  # the owner's own chat: untouched
    assert screen.text.startswith("📣 <b>BY–KZ Trade News</b>")
    # Someone else, with the button's data, is refused.
    data = screen.button("Weekly").callback_data
    assert data is not None
    pressed = await make_client("en", user_id=4512).press(data, on=screen)
    assert pressed.assert_answered().text == ADMINS_ONLY
    assert (await store.chat_settings.get(CHANNEL)).mode.value == "daily"


async def test_a_forwarded_post_connects_its_channel_for_a_bot_admin(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession
) -> None:
    session.add_chat(CHANNEL, "channel", "Trade Mission")
    session.set_member(CHANNEL, BOT_ID, "administrator")
    admin = make_client("en", user_id=ADMIN_ID)  # in ADMIN_IDS, not the channel's admin
    forwarded = {"id": CHANNEL, "type": "channel", "title": "Trade Mission"}
    reply = (await admin.send("A post", forwarded_from=forwarded)).last
    assert "📣 Channel <b>Trade Mission</b> is connected." in reply.text
    assert [c.chat_id for c in await store.chats.channels_of(None)] == [CHANNEL]


async def test_removing_the_bot_stops_the_chats_subscriptions_at_once(
    make_client: Callable[..., BotClient], store: Store, session: RecordingSession
) -> None:
    session.set_member(GROUP, 4601, "administrator")
    admin = make_client("en", user_id=4601)
    group = {"id": GROUP, "type": "supergroup", "title": "Trade desk"}
    await admin.membership(group, "left", "member")  # added
    await admin.send("/subscribe all", chat_type="supergroup", chat_id=GROUP)
    assert (await store.facts.publish("it", {"en": "One"}, "en", None)).recipients == 1
    await admin.membership(group, "member", "kicked")
    assert await store.subscriptions.sectors_of(GROUP) == frozenset()
    assert (await store.facts.publish("it", {"en": "Two"}, "en", None)).recipients == 0
    counts = await store.outbox.counts()
    assert counts[DeliveryState.PENDING] == 0 and counts[DeliveryState.BLOCKED] == 1
