"""The production Dispatcher over a recording session, a fresh SQLite file per test, and a
check after every test that everything the bot sent was valid for Telegram."""

from __future__ import annotations

import asyncio
import functools
import gc
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.testing.settings import DATA, REPO, offline_settings

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.utils.i18n import I18n

    from bot.config import Settings
    from bot.search.engine import SearchEngine
    from bot.store import Store
    from bot.testing.client import BotClient, Reply
    from bot.testing.session import RecordingSession

# aiogram and bot.app are imported inside the fixtures, not here: importing aiogram costs
# seconds (pydantic builds its models), and pytest-xdist's controller, which loads this file
# but runs no test, would pay them before any worker starts.

__all__ = ["ADMIN_ID", "DATA", "LOCALES", "REPO", "SOURCE", "copy_loaded", "publish_now"]

LOCALES = ("ru", "en", "kk", "be")
ADMIN_ID = 777
SOURCE = "https://www.zakon.kz/ekonomika/magnum-belarus.html"  # a fact's source link in tests


#: Tests outside ``slow`` that take seconds each (thousands of updates through the Dispatcher).
LONG = (
    "test_a_thousand_concurrent_taps_end_consistent",
    "test_generated_updates",
    "test_questions_land_on_the_expected_answer",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first: the slow ones (processes, the full fuzz), then :data:`LONG`,
    then the rest, each in its usual order. xdist hands tests out one by one in this order
    (``--maxschedchunk 1``), so no worker is left running a long test alone at the end."""

    def late(item: pytest.Item) -> tuple[bool, bool]:
        name = getattr(item, "originalname", item.name)
        return item.get_closest_marker("slow") is None, name not in LONG

    items.sort(key=late)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the garbage collector off what every test shares. Once the test modules are
    imported, aiogram's and pydantic's millions of long-lived objects are moved out of its reach
    (``gc.freeze``), and young objects are collected every 50,000 allocations rather than 700:
    the tests build a Dispatcher each, and the collector was a quarter of the run, mostly
    walking those objects again and again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


async def publish_now(admin: BotClient, command: str, source: str = SOURCE) -> Reply:
    """``/publish sector text`` with ``source`` at the end, previewed and confirmed: returns the
    progress message (the summary, once delivered)."""
    confirm = (await admin.send(f"{command} {source}")).last
    assert "✅ Publish" in confirm.button_texts, confirm.text
    return (await admin.click(confirm, "✅ Publish")).last


@pytest.fixture(scope="session")
def loaded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated and loaded with ``data/`` once per run, as ``open_store`` leaves it."""
    from bot.app import open_store

    path = tmp_path_factory.mktemp("loaded") / "bot.sqlite3"

    async def load() -> None:
        await (await open_store(offline_settings(path))).close()

    asyncio.run(load())
    return path


def copy_loaded(loaded_database: Path, settings: Settings) -> None:
    """Give ``settings`` a fresh database already holding ``data/``: a file copy takes a
    millisecond where migrating and loading (the search index included) takes most of a second.
    ``open_store`` then finds the data loaded."""
    if settings.data_dir == DATA and not settings.database_path.exists():
        shutil.copyfile(loaded_database, settings.database_path)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a test: a fresh SQLite file, the checkout's data, one admin; ``overrides``
    by field name."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"admin_ids": frozenset({ADMIN_ID}), "default_locale": "ru", **overrides}
        return offline_settings(values.pop("database_path", tmp_path / "bot.sqlite3"), **values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def store(settings: Settings, loaded_database: Path) -> AsyncIterator[Store]:
    from bot.app import open_store

    copy_loaded(loaded_database, settings)
    opened = await open_store(settings)
    yield opened
    await opened.close()


@pytest.fixture
def engine(store: Store) -> SearchEngine:
    from bot.search.engine import SearchEngine

    return SearchEngine(store.search)


@pytest.fixture
def i18n(settings: Settings) -> I18n:
    return _i18n(settings.default_locale)


@functools.cache
def _i18n(default_locale: str) -> I18n:
    """The catalogs parsed once per test process and default locale, not once per test. An
    I18n holds nothing else but the locale in use, a context variable that aiogram and the bot
    only ever set for a ``with`` block."""
    from bot.app import create_i18n

    return create_i18n(default_locale)


@pytest.fixture
def dispatcher(settings: Settings, store: Store, i18n: I18n, engine: SearchEngine) -> Dispatcher:
    from bot.app import create_dispatcher

    return create_dispatcher(settings, store, i18n, engine=engine)


@pytest.fixture
def session() -> RecordingSession:
    from bot.testing.session import RecordingSession

    return RecordingSession()


@pytest.fixture
def bot(settings: Settings, session: RecordingSession) -> Iterator[Bot]:
    from bot.app import create_bot
    from bot.testing.checks import check_sent

    yield create_bot(settings, session=session)
    check_sent(session)


@pytest.fixture
def make_client(dispatcher: Dispatcher, bot: Bot) -> Callable[..., BotClient]:
    from bot.testing.client import BotClient

    counter = iter(range(5001, 6000))

    def make(lang: str | None = "ru", user_id: int | None = None, first_name: str = "Aigerim") -> BotClient:
        return BotClient(
            dispatcher,
            bot,
            user_id=user_id if user_id is not None else next(counter),
            first_name=first_name,
            language_code=lang,
        )

    return make
