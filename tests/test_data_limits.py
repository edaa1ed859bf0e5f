"""Values and texts the bot can't show are refused where they come in (issue 14, item 8):
``data load`` refuses non-finite and absurd numbers, ids with whitespace and texts that no
message could hold, with one line naming file, entry and field; /publish and ``publish FILE``
count their limit in UTF-16 units, as Telegram does."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.__main__ import _publish as publish_file
from bot.config import Settings
from bot.dataset import DatasetError
from bot.domain.limits import FACT_TEXT_LIMIT, utf16_length
from bot.store import Store
from bot.testing.client import BotClient
from bot.testing.process import run_cli
from tests.conftest import ADMIN_ID, DATA, SOURCE, publish_now


def edited_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of data/ with the first match of ``old`` (a regex, per line) in ``file`` replaced
    by ``new`` taken literally."""
    target = tmp_path / "edited"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.sqlite3*"))
    path = target / file
    text = path.read_text(encoding="utf-8")
    match = re.search(old, text, flags=re.MULTILINE)
    assert match, f"{old!r} not in {file}"
    path.write_text(text[: match.start()] + new + text[match.end() :], encoding="utf-8")
    return target


LONG_SUMMARY = "Ж" * 6000
SECTOR = """
[[sector]]
id = "extra_{n}"
emoji = "🧪"
[sector.name]
ru = "Сектор {n}"
en = "Sector {n}"
kk = "Сектор {n}"
be = "Сектар {n}"
[sector.summary]
ru = "{summary}"
en = "Summary"
kk = "Summary"
be = "Summary"
"""


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "trade.toml",
            r"^growth_pct = 17$",
            "growth_pct = inf",
            r"figure #\d+, field 'growth_pct': .*finite",
        ),
        (
            "trade.toml",
            r"^growth_pct = 17$",
            "growth_pct = nan",
            r"figure #\d+, field 'growth_pct': .*finite",
        ),
        ("trade.toml", r"^value_usd = .*$", "value_usd = inf", r"figure #\d+, field 'value_usd': .*finite"),
        (
            "trade.toml",
            r"^value_usd = .*$",
            "value_usd = 1e308",
            r"figure #\d+, field 'value_usd': .*less than or equal to",
        ),
        (
            "trade.toml",
            r"^value_usd = .*$",
            "value_usd = -5",
            r"figure #\d+, field 'value_usd': .*greater than or equal",
        ),
        ("trade.toml", r'^period = "2024"$', 'period = "2024\\n"', r"figure #\d+, field 'period'"),
        ("topics.toml", r'^id = "([^"]*)"$', 'id = "magnum\\n"', r"topic #1 \(id 'magnum\\n'\), field 'id'"),
        ("sources.toml", r'^id = "([^"]*)"$', 'id = " news"', r"source #1 \(id ' news'\), field 'id'"),
        ("sectors.toml", r'^id = "it"$', 'id = "it\\n"', r"sector #\d+ \(id 'it\\n'\), field 'id'"),
        (
            "sources.toml",
            r'^url = "([^"]*)"$',
            'url = "https://news.by/x\\n"',
            r"source #\d+ .*, field 'url'",
        ),
        ("sources.toml", r'^date = "([^"]*)"$', 'date = "2025-01-02\\n"', r"source #\d+ .*, field 'date'"),
        (
            "sectors.toml",
            r'^ru = "Поставки белорусского[^"]*"$',
            f'ru = "{LONG_SUMMARY}"',
            r"sector #1 \(id 'food_retail'\), field 'summary\.ru': 6,000 characters, at most 400",
        ),
        (
            "topics.toml",
            r'^en = "[^"]*Magnum[^"]*"$',
            'en = "' + "🛒" * 700 + '"',  # 700 code points, 1,400 UTF-16 units
            r"topic #\d+ \(id '[^']+'\), field '\w+\.en': 1,400 characters",
        ),
        (
            "sectors.toml",
            r"\Z",
            "".join(SECTOR.format(n=n, summary="Ю" * 399) for n in range(8)),
            r"sector #\d+ \(id 'extra_\d'\), field 'summary\.ru': the sector list would be",
        ),
    ],
)
async def test_what_the_bot_cant_show_is_refused_naming_file_entry_and_field(
    store: Store, tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    edited = edited_copy(tmp_path, file, old, new)
    with pytest.raises(DatasetError) as caught:
        await store.load_data(edited)
    message = str(caught.value)
    assert re.search(rf"{re.escape(file)}, {expected}", message), message
    assert "\n" not in message, "one line"


@pytest.mark.slow
def test_the_cli_refuses_an_infinite_value_in_one_line(tmp_path: Path) -> None:
    edited = edited_copy(tmp_path, "trade.toml", r"^value_usd = .*$", "value_usd = inf")
    done = run_cli(
        "data",
        "load",
        str(edited),
        env={"DATABASE_PATH": str(tmp_path / "cli.sqlite3"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert re.fullmatch(
        r"error: .*trade\.toml, figure #\d+, field 'value_usd': .* \(nothing was loaded\)", line
    )


async def test_publish_counts_its_limit_in_utf16_units(
    make_client: Callable[..., BotClient], store: Store
) -> None:
    admin = make_client("en", user_id=ADMIN_ID)
    emoji = "📦" * FACT_TEXT_LIMIT  # within the limit in code points, twice over it in UTF-16
    reply = (await admin.send(f"/publish food_retail {emoji} {SOURCE}")).last
    assert (
        reply.text == f"The text has 7,000 characters; the limit is {FACT_TEXT_LIMIT:,}. Please shorten it."
    )
    choose = (await admin.send("/publish")).last
    await admin.click(choose, "🛒")
    assert "the limit is 3,500" in (await admin.send(emoji)).last.text
    async with store.db.conn.execute("SELECT count(*) FROM facts") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]
    # Exactly at the limit, counted as Telegram counts, it goes through.
    fits = "📦" * (FACT_TEXT_LIMIT // 2)
    assert utf16_length(fits) == FACT_TEXT_LIMIT
    assert "Update #1" in (await publish_now(admin, f"/publish food_retail {fits}")).text


async def test_a_fact_file_counts_its_limit_in_utf16_units(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "update.toml"
    path.write_text(
        f'sector = "it"\noriginal = "ru"\nsource = "{SOURCE}"\n[text]\nru = "{"📦" * 1751}"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        DatasetError, match=r"update\.toml, field 'text\.ru': 3502 characters, over the limit"
    ):
        await publish_file(settings, path)
