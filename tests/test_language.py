"""/language: the choice is stored, wins over language_code, and re-localizes the menu."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat

from bot.store import Store
from bot.testing.client import BotClient


async def test_choice_is_stored_and_wins_over_language_code(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    client = make_client("en", user_id=4242)
    choice = (await client.send("/language")).last
    assert "✓ 🇬🇧 English" in choice.button_texts  # the current language is ticked
    replies = await client.click(choice, "Қазақша")
    replies.assert_answered()
    assert "Қазақша" in replies.last.text

    async with store.db.conn.execute("SELECT locale, language_code FROM users WHERE id = 4242") as cursor:
        row = await cursor.fetchone()
    assert row is not None and tuple(row) == ("kk", "en")

    [menu] = replies.of("setMyCommands")
    assert isinstance(menu.method, SetMyCommands)
    assert menu.method.scope == BotCommandScopeChat(chat_id=4242)
    help_texts = [command.description for command in menu.method.commands]

    # Telegram still says "en", the stored choice decides.
    again = (await client.send("/help", lang="en")).last
    assert all(description in again.text for description in help_texts)
    assert "Trade turnover" not in again.text


async def test_without_a_choice_language_code_decides_then_the_default(
    make_client: Callable[..., BotClient],
) -> None:
    english = (await make_client("en-GB").send("/help")).last.text
    unknown = (await make_client("de").send("/help")).last.text
    missing = (await make_client(None).send("/help")).last.text
    russian = (await make_client("ru").send("/help")).last.text
    assert "Trade turnover" in english
    assert unknown == missing == russian  # DEFAULT_LOCALE is ru


async def test_a_new_choice_replaces_the_old_one(make_client: Callable[..., BotClient], store: Store) -> None:
    client = make_client("ru", user_id=5151)
    await client.click((await client.send("/language")).last, "Беларуская")
    await client.click((await client.send("/language")).last, "English")
    assert await store.users.locale(5151) == "en"
    assert "Trade turnover" in (await client.send("/help")).last.text
