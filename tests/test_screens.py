"""Screens are rendered once per data version and reused; a load or publish, in this process
or another one, shows at once (another process's: within the version check's interval)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from bot.search.index import Indexer
from bot.store import Store
from bot.testing.client import BotClient
from tests.conftest import DATA


def renamed_food_sector(tmp_path: Path) -> Path:
    """A copy of the data in which the food sector's English name is "Groceries"."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.sqlite3*"))
    sectors = target / "sectors.toml"
    text, count = re.subn(
        r'(id = "food_retail".*?\nen = ")[^"]*"',
        r'\1Groceries"',
        sectors.read_text(encoding="utf-8"),
        count=1,
        flags=re.DOTALL,
    )
    assert count == 1
    sectors.write_text(text, encoding="utf-8")
    return target


async def test_a_screen_is_rendered_once_and_served_again(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    reader = make_client("en")
    first = (await reader.send("/turnover 2024")).last
    misses = store.screens.misses
    again = (await make_client("en").send("/turnover 2024")).last
    assert again.text == first.text and again.button_texts == first.button_texts
    assert store.screens.misses == misses  # nothing rendered anew
    russian = (await make_client("ru").send("/turnover 2024")).last
    assert russian.text != first.text  # one entry per locale
    assert store.screens.misses > misses


async def test_a_load_in_this_process_shows_at_once(
    make_client: Callable[..., BotClient], store: Store, tmp_path: Path
) -> None:
    reader = make_client("en")
    assert "Groceries" not in (await reader.send("/sectors")).last.text
    await store.load_data(renamed_food_sector(tmp_path))
    assert "Groceries" in (await reader.send("/sectors")).last.text


async def test_a_load_by_another_process_shows_after_the_version_check(
    make_client: Callable[..., BotClient], store: Store, tmp_path: Path
) -> None:
    reader = make_client("en")
    store.version.interval = 3600  # a long interval, to see the check work (normally a second)
    assert "Groceries" not in (await reader.send("/sectors")).last.text
    other = await Store.open(store.db.path, Indexer())  # `python -m bot data load` beside the bot
    try:
        await other.load_data(renamed_food_sector(tmp_path))
    finally:
        await other.close()
    assert "Groceries" not in (await reader.send("/sectors")).last.text  # not checked yet
    store.version.interval = 0  # the interval passed: the next update reads the stored version
    assert "Groceries" in (await reader.send("/sectors")).last.text
