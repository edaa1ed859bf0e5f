"""The dataset: the shipped files are valid and sourced; a malformed file is refused with a
message naming file, entry and field, and the database stays exactly as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dataset import DatasetError, load_dataset
from bot.domain.models import Flow, Period, Reporter, Status
from bot.search.index import Indexer
from bot.store import Store
from tests.conftest import DATA, REPO


def test_the_shipped_dataset_is_valid_and_sourced() -> None:
    dataset = load_dataset(DATA)
    assert {"food_retail", "industry", "agriculture", "it"} <= {s.id for s in dataset.sectors}
    assert all(figure.sources for figure in dataset.figures)
    assert all(topic.sources for topic in dataset.topics)
    by_key = {(f.period, f.reporter, f.flow): f for f in dataset.figures}
    # The seed interview: +17% turnover, +15% and +26% exports, Jan–Aug 2025. The ambassador
    # never says whose statistics they are, so no reporter; the note says the year is inferred.
    for flow, growth in ((Flow.TURNOVER, 17), (Flow.EXPORT_BY_TO_KZ, 15), (Flow.EXPORT_KZ_TO_BY, 26)):
        figure = by_key["2025-01..08", None, flow]
        assert figure.growth_pct == growth
        assert figure.note is not None and "inference" in figure.note.en and "Bogdanov" in figure.note.en
    assert not any(f.period == "2025-01..08" and f.reporter is Reporter.BELARUS for f in dataset.figures)
    # The mirror figure reported from Kazakhstan is kept beside it.
    assert by_key["2025-01..08", Reporter.KAZAKHSTAN, Flow.TURNOVER].growth_pct == 20
    topics = " ".join(t.text.en + t.title.en for t in dataset.topics)
    assert "Magnum" in topics and "Ministry of Artificial Intelligence" in topics
    # The seed says the Magnum project's start was announced, not that it is running.
    assert {t.id: t.status for t in dataset.topics}["magnum-collaboration"] is Status.ANNOUNCED


def test_every_localized_text_differs_from_russian_where_it_should() -> None:
    """Kazakh and Belarusian texts are translations, not copies of the Russian."""
    dataset = load_dataset(DATA)
    for topic in dataset.topics:
        assert topic.text.kk != topic.text.ru, topic.id
        assert topic.text.be != topic.text.ru, topic.id


async def dump(store: Store) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for table in ("sources", "sectors", "sector_texts", "trade_figures", "topics", "topic_texts", "meta"):
        async with store.db.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2") as cursor:
            rows += [(table, *row) for row in await cursor.fetchall()]
    return rows


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "broken"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.sqlite3*"))
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.MULTILINE), f"{old!r} not in {file}"
    path.write_text(re.sub(old, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "trade.toml",
            r"^growth_pct = 17$",
            'growth_pct = "seventeen"',
            r"trade\.toml, figure #\d+, field 'growth_pct'",
        ),
        (
            "trade.toml",
            r'^flow = "turnover"$',
            'flow = "smuggling"',
            r"trade\.toml, figure #\d+, field 'flow'",
        ),
        (
            "trade.toml",
            r'^period = "2024"$',
            'period = "2024-13..14"',
            r"trade\.toml, figure #\d+, field 'period'",
        ),
        (
            "topics.toml",
            r'^sector = "food_retail"$',
            'sector = "space"',
            r"topics\.toml, topic #\d+ \(id '[^']+'\), field 'sector'",
        ),
        (
            "topics.toml",
            r"^status = \"launched\"$",
            'status = "rumoured"',
            r"topics\.toml, topic #\d+ \(id '[^']+'\), field 'status'",
        ),
        (
            "sources.toml",
            r'^outlet = "news\.by"$',
            'outlet = ""',
            r"sources\.toml, source #\d+ \(id '[^']+'\), field 'outlet'",
        ),
        (
            "sectors.toml",
            r'^id = "it"$',
            'id = "IT sector!"',
            r"sectors\.toml, sector #\d+ \(id 'IT sector!'\), field 'id'",
        ),
        ("sources.toml", r"^\[\[source\]\]$", "[[source]]\nnonsense = = 1", r"sources\.toml: not valid TOML"),
    ],
)
async def test_a_malformed_file_is_refused_and_the_database_unchanged(
    store: Store, tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    before = await dump(store)
    broken = broken_copy(tmp_path, file, old, new)
    with pytest.raises(DatasetError) as caught:
        await store.load_data(broken)
    assert re.search(expected, str(caught.value)), str(caught.value)
    assert await dump(store) == before


async def test_an_unknown_source_reference_is_refused(store: Store, tmp_path: Path) -> None:
    broken = broken_copy(tmp_path, "topics.toml", r'^sources = \["', 'sources = ["no-such-source", "')
    with pytest.raises(DatasetError, match=r"field 'sources\.0': unknown source 'no-such-source'"):
        await store.load_data(broken)


async def test_loading_replaces_the_dataset_and_keeps_users(store: Store, tmp_path: Path) -> None:
    await store.users.set_locale(99, "kk", "ru")
    changed = broken_copy(tmp_path, "trade.toml", r"^growth_pct = 17$", "growth_pct = 18")
    assert await store.load_data(changed)
    figures = await store.trade.figures(Period(2025, end=8), "en")
    assert 18 in [f.growth_pct for f in figures]
    assert await store.users.locale(99) == "kk"


async def test_unchanged_files_are_not_loaded_again(store: Store) -> None:
    assert not await store.load_data(DATA, force=False)
    assert await store.load_data(DATA, force=True)


def test_the_cli_names_the_problem_and_exits_non_zero(tmp_path: Path) -> None:
    broken = broken_copy(tmp_path, "trade.toml", r"^growth_pct = 17$", "growth_pct = true")
    env = {"DATABASE_PATH": str(tmp_path / "cli.sqlite3"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "data", "load", str(broken)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "trade.toml, figure #" in done.stderr and "field 'growth_pct'" in done.stderr
    assert "nothing was loaded" in done.stderr
    assert "Traceback" not in done.stderr


async def everything(store: Store) -> list[tuple[object, ...]]:
    """Every row a load writes, without row ids (a figure by its position), nor the search
    version (every load bumps it)."""
    tables = ("sources", "sectors", "sector_texts", "topics", "topic_texts", "topic_sources")
    queries = {
        table: f"SELECT * FROM {table}" for table in (*tables, "concepts", "concept_terms", "search_terms")
    }
    queries |= {
        "trade_figures": "SELECT year, month_start, month_end, reporter, flow, value_usd, value_bound, "
        "growth_pct, growth_bound, favours, position FROM trade_figures",
        "trade_figure_notes": "SELECT f.position, n.locale, n.note FROM trade_figure_notes n "
        "JOIN trade_figures f ON f.id = n.figure_id",
        "trade_figure_sources": "SELECT f.position, s.source_id, s.position FROM trade_figure_sources s "
        "JOIN trade_figures f ON f.id = s.figure_id",
        "search_docs": "SELECT kind, item_id, locale, parent, title, title_keys, body_keys FROM search_docs",
        "meta": "SELECT * FROM meta WHERE key NOT IN ('search_version', 'data_version')",  # versions are random
    }
    rows: list[tuple[object, ...]] = []
    for table, sql in queries.items():
        async with store.db.conn.execute(sql) as cursor:
            rows += sorted(((table, *row) for row in await cursor.fetchall()), key=repr)
    # The full-text index agrees with its rows (SQLite raises otherwise).
    await store.db.conn.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")
    return rows


async def test_a_load_over_other_data_leaves_what_a_load_into_an_empty_database_does(
    store: Store, tmp_path: Path
) -> None:
    """A load writes only what changed: what it leaves must not depend on what was there."""
    from tests.test_search import NEW_TOPIC

    shipped = await everything(store)
    changed = broken_copy(tmp_path, "trade.toml", r"^growth_pct = 17$", "growth_pct = 18")
    for file, old, new in [
        ("topics.toml", r'^en = "Collaboration with the Magnum chain"$', 'en = "Magnum: the collaboration"'),
        ("topics.toml", r'^status = "in_progress"$', 'status = "launched"'),
        ("topics.toml", r"\Z", NEW_TOPIC),
        ("sources.toml", r'^outlet = "(.*)"$', r'outlet = "\1 (renamed)"'),
        ("concepts.toml", r"^ru = \[", 'ru = ["ещё одно слово", '),
    ]:
        path = changed / file
        text = path.read_text(encoding="utf-8")
        assert re.search(old, text, flags=re.MULTILINE), old
        path.write_text(re.sub(old, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")

    fresh = await Store.open(tmp_path / "fresh.sqlite3", Indexer())
    try:
        await fresh.upgrade()
        await fresh.load_data(changed)
        assert await store.load_data(changed)
        assert await everything(store) == await everything(fresh)
    finally:
        await fresh.close()
    assert await store.load_data(DATA)
    assert await everything(store) == shipped
