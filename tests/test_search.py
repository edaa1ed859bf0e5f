"""The search on its own: normalization, stems, typo tolerance, concepts, the decision, and the
index kept in step with the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.dataset import DatasetError
from bot.search.analysis import analyse_question, doc_keys, query_keys
from bot.search.concepts import Concept, ConceptIndex, Role
from bot.search.engine import SearchEngine
from bot.search.fuzzy import CYRILLIC, LATIN, Vocabulary
from bot.search.index import Indexer
from bot.search.model import Intent, Target, TargetKind
from bot.search.periods import find_period
from bot.search.protocol import FactTexts
from bot.search.stemming import stem_be, stem_kk, stems
from bot.search.text import normalize, skeleton, to_cyrillic, words
from bot.store import Store
from bot.store.search import concept_rows, replace_item
from tests.conftest import DATA


def test_normalize_folds_case_yo_and_apostrophes() -> None:
    assert normalize("Ёлка ПРОДАЁТ") == "елка продает"
    assert words("Аб’ём гандлю, «Magnum»!") == ["аб'ём".replace("ё", "е"), "гандлю", "magnum"]
    assert words("Kazakhstan's exports") == ["kazakhstan", "exports"]
    assert words("товарооборот 2024г") == ["товарооборот", "2024", "г"]


def test_a_word_typed_half_in_the_other_layout_is_one_alphabet() -> None:
    assert words("Мagnum") == ["magnum"]  # Cyrillic М, Latin agnum
    assert words("мaгнум") == ["магнум"]  # Latin a


@pytest.mark.parametrize(
    "spellings",
    [
        ("магнум", "magnum", "Мagnum"),
        ("қазақстан", "казахстан", "kazakhstan", "qazaqstan"),
        ("экспорт", "експорт", "export"),
        ("мадиев", "madiyev"),
        ("костанай", "kostanay"),
        ("сальдо", "saldo"),
    ],
)
def test_transliterations_meet_in_one_skeleton(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(words(s)[0]) for s in spellings}) == 1, [skeleton(words(s)[0]) for s in spellings]


def test_the_skeleton_keeps_short_abbreviations_apart() -> None:
    assert skeleton("ии") == "ii"
    assert skeleton("и") == "i"


def test_latin_back_to_cyrillic_for_stemming() -> None:
    assert to_cyrillic("tovarooborota") == "товарооборота"
    assert to_cyrillic("kostanay") == "костанай"
    assert to_cyrillic("shuzhyk") == "шужык"


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        (("товарооборот", "товарооборота", "товарооборотом"), "ru"),
        (("продовольствие", "продовольствием", "продовольствия"), "ru"),
        (("exports", "export", "exporting"), "en"),
        (("дүкен", "дүкендер", "дүкендерінің"), "kk"),
        (("қазақстан", "қазақстанға", "қазақстанның", "қазақстаннан"), "kk"),
        (("шаруашылығы", "шаруашылық"), "kk"),
        (("өнеркәсіп", "өнеркәсіптік"), "kk"),
        (("серіктес", "серіктесі"), "kk"),
        (("сауда", "саудасы"), "kk"),
        (("харчаванне", "харчавання"), "be"),
        (("трактары", "трактароў", "трактар"), "be"),
        (("прамысловасць", "прамысловасці"), "be"),
        (("каўбаса", "каўбасы"), "be"),
    ],
)
def test_forms_of_a_word_share_a_key(forms: tuple[str, ...], language: str) -> None:
    keys = [set(doc_keys(word, language)) for word in forms]
    assert set.intersection(*keys), dict(zip(forms, keys, strict=True))


def test_kazakh_endings_follow_the_sound_before_them() -> None:
    assert stem_kk("экспорты") == ("экспорт",)  # экспорт-ы, not экспор-ты
    assert "аста" in stems("астанадағы", "kk")  # the stem of астана itself: the forms meet
    assert stem_kk("кеңесі") == ("кеңе", "кеңес")  # both parses kept: кеңес-і is the right one


def test_belarusian_stripper_keeps_three_letters() -> None:
    assert stem_be("крамы") == "крам"
    assert stem_be("ці") == "ці"
    assert len(stem_be("ідуць")) >= 3


def test_a_question_word_gets_the_keys_of_every_language_it_may_be_in() -> None:
    keys = query_keys("tovarooborota")  # Russian typed in Latin letters
    assert skeleton("товарооборот") in keys
    # Kazakh typed with Russian letters reaches the Kazakh stem.
    assert set(doc_keys("қазақстанға", "kk")) & query_keys("казакстанга")


def test_typos_are_corrected_within_their_alphabet() -> None:
    vocabulary = Vocabulary()
    vocabulary.add("turnover", 3, LATIN)
    vocabulary.add("sales", 1, LATIN)
    vocabulary.add(skeleton("товарооборот"), 5, CYRILLIC)
    assert vocabulary.correct("tunrover", LATIN)[0] == ("turnover", 1)  # a swap is one edit
    assert vocabulary.correct(skeleton("таварооборот"), CYRILLIC)[0][0] == skeleton("товарооборот")
    assert vocabulary.correct("salem", CYRILLIC) == []  # a Kazakh "сәлем" is not English "sales"
    assert vocabulary.correct("sale", LATIN) == []  # too short to guess
    assert vocabulary.correct("x" * 200, LATIN) == []


def test_completion_of_an_unfinished_word() -> None:
    vocabulary = Vocabulary()
    for key in ("magnum", "magistral", "mtz"):
        vocabulary.add(key)
    assert vocabulary.complete("magn") == ["magnum"]
    assert vocabulary.complete("ma") == []


def test_find_period() -> None:
    assert find_period("оборот за 2024") == "2024"
    assert find_period("turnover 2025-01..08") == "2025-01..08"
    assert find_period("товарооборот 08.2025") == "2025-01..08"
    assert find_period("123") is None


def _index(*concepts: Concept) -> ConceptIndex:
    return ConceptIndex(
        [Concept.build("stop", [("ru", "в"), ("ru", "по"), ("en", "the")], target="stopword"), *concepts]
    )


def test_phrases_match_in_order_skipping_stop_words() -> None:
    index = _index(
        Concept.build("ai", [("ru", "министерство ии")], target="topic:ai"),
        Concept.build("it", [("ru", "ии")], target="sector:it"),
    )
    tokens = analyse_question("министерство по ИИ")
    index.mark_stopwords(tokens)
    found = {m.concept.id: m.positions for m in index.match(tokens)}
    assert found["ai"] == (0, 2)
    assert "it" not in found, "a phrase inside a longer one of another target is dropped"


def test_direction_markers_match_word_forms_exactly() -> None:
    index = _index(
        Concept.build("to-kz", [("ru", "в казахстан")], direction="by_to_kz", exact=True),
        Concept.build("of-kz", [("ru", "казахстана")], direction="kz_to_by", exact=True),
    )

    def markers(question: str) -> list[str]:
        tokens = analyse_question(question)
        index.mark_stopwords(tokens)
        return [m.concept.id for m in index.match(tokens) if m.concept.role is Role.DIRECTION]

    assert markers("экспорт в Казахстан") == ["to-kz"]
    assert markers("экспорт Казахстана") == ["of-kz"]
    assert markers("экспорт в Казахстане") == []


def test_a_directional_concept_without_direction_stays_open() -> None:
    goods = Concept.build("goods", [("en", "goods")], by_to_kz="topic:a", kz_to_by="topic:b")
    assert goods.role is Role.TARGET
    assert len(goods.targets(None)) == 2


# --- the decision, on the shipped data ------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("что с продовольствием?", "sector:food_retail"),
        ("food retail", "sector:food_retail"),
        ("Magnum", "topic:magnum-collaboration"),
        ("магнум", "topic:magnum-collaboration"),
        ("Қазақстан экспорты", "intent:export_kz_to_by"),
        ("штучны інтэлект", "topic:ai-ministry-announced"),
        ("таварооборот", "intent:turnover"),
        ("tovarooborot", "intent:turnover"),
        ("экспорт вырос?", "intent:export"),
        ("колбаса экспорт", "topic:sausages-2025"),
        ("откуда цифры", "intent:sources"),
    ],
)
async def test_the_issues_examples(engine: SearchEngine, question: str, expected: str) -> None:
    decision = await engine.ask(question)
    assert str(decision.target) == expected, decision


@pytest.mark.parametrize(
    "question", ["купить слона", "погода в минске", "asdf", "сәлем қалайсың", "123", "?"]
)
async def test_nonsense_gets_no_confident_answer(engine: SearchEngine, question: str) -> None:
    decision = await engine.ask(question)
    assert decision.target is None, decision
    assert len(decision.suggestions) <= 3


async def test_a_period_in_the_question_reaches_the_figures(engine: SearchEngine) -> None:
    decision = await engine.ask("оборот за 2024")
    assert decision.target == Target.intent(Intent.TURNOVER)
    assert decision.period == "2024"


async def test_a_name_in_several_topics_offers_them_all(engine: SearchEngine) -> None:
    decision = await engine.ask("Снопков")
    assert decision.target is None
    assert {t.kind for t in decision.suggestions} == {TargetKind.TOPIC}
    assert len(decision.suggestions) == 3


async def test_an_unfinished_word_in_inline_mode(engine: SearchEngine) -> None:
    assert (await engine.ask("магн")).target is None
    assert str((await engine.ask("магн", typing=True)).target) == "topic:magnum-collaboration"


# --- the index follows the data -------------------------------------------------------------

NEW_TOPIC = """

[[topic]]
id = "potash-terminal"
sector = "industry"
status = "planned"
sources = ["newsby-interview"]

[topic.title]
ru = "Калийный терминал"
en = "Potash terminal"
kk = "Калий терминалы"
be = "Калійны тэрмінал"

[topic.text]
ru = "Пример для теста."
en = "An example for the test."
kk = "Тестке арналған мысал."
be = "Прыклад для тэсту."
"""


def data_with(tmp_path: Path, topics: str) -> Path:
    """A copy of the shipped data with ``topics`` added."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("*.sqlite3*"))
    with (copy / "topics.toml").open("a", encoding="utf-8") as file:
        file.write(topics)
    return copy


async def test_a_topic_added_to_the_data_is_searchable_at_once(
    store: Store, engine: SearchEngine, tmp_path: Path
) -> None:
    # Before the load "potash" can only be the fertilizers on the products card.
    assert str((await engine.ask("potash terminal")).target) == "products:31"
    assert await store.load_data(data_with(tmp_path, NEW_TOPIC))
    for question in ("potash terminal", "калийный терминал", "калій тэрмінал", "kaliy terminaly"):
        assert str((await engine.ask(question)).target) == "topic:potash-terminal", question


async def test_a_published_fact_is_searchable_at_once(store: Store, engine: SearchEngine) -> None:
    assert (await engine.ask("ядерная электростанция")).target is None
    published = await store.facts.publish(
        "it", {"ru": "Атомная (ядерная) электростанция тоже упомянута."}, "ru", author_id=None
    )
    fact = Target(TargetKind.FACT, str(published.fact_id))
    assert (await engine.ask("ядерная электростанция")).target == fact
    # After a restart too: the index is in the database.
    assert (await SearchEngine(store.search).ask("ядерная электростанция")).target == fact


async def test_a_fact_published_while_a_load_analyses_is_indexed_by_it(
    store: Store, engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load reads the facts before its transaction; one published in between is indexed
    inside it, not lost until the next load."""
    read = store.facts.texts
    published: list[int] = []

    async def read_then_publish(after: int = 0) -> list[FactTexts]:
        found = await read(after)
        if not published:
            fact = await store.facts.publish("it", {"en": "Zeppelin hangar in Almaty."}, "en", author_id=None)
            published.append(fact.fact_id)
        return found

    monkeypatch.setattr(store.facts, "texts", read_then_publish)
    assert await store.load_data(DATA)
    assert (await engine.ask("zeppelin hangar")).target == Target(TargetKind.FACT, str(published[0]))


async def test_an_index_write_rolled_back_changes_nothing(store: Store, engine: SearchEngine) -> None:
    version = await store.search.version()

    async def publish_that_fails() -> None:
        async with store.db.transaction() as conn:
            rows = Indexer().item_rows(
                "topic",
                "sausages-2025",
                {"en": ("Zeppelins", "Rolled back.")},
                await concept_rows(conn),
                parent="sector:food_retail",
            )
            await replace_item(conn, rows)
            raise RuntimeError("the publish failed")

    with pytest.raises(RuntimeError):
        await publish_that_fails()
    assert await store.search.version() == version
    assert (await engine.ask("zeppelins")).target is None
    assert str((await engine.ask("колбаса экспорт")).target) == "topic:sausages-2025", "still indexed"


async def test_an_item_indexed_again_keeps_the_full_text_index_whole(
    store: Store, engine: SearchEngine
) -> None:
    async with store.db.transaction() as conn:
        rows = Indexer().item_rows(
            "topic", "ai-ministry-head", {"en": ("Zeppelins", "Airships.")}, await concept_rows(conn)
        )
        await replace_item(conn, rows)
    assert str((await engine.ask("zeppelins")).target) == "topic:ai-ministry-head"
    # The index agrees with its content table (SQLite raises SQLITE_CORRUPT_VTAB otherwise).
    await store.db.conn.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")


# --- concepts.toml is validated like the rest -----------------------------------------------


def broken_concepts(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("*.sqlite3*"))
    path = copy / "concepts.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'target = "topic:magnum-collaboration"',
            'target = "topic:magnum-deal"',
            "field 'target': unknown topic",
        ),
        (
            'target = "intent:balance"',
            'target = "intent:weather"',
            "field 'target': Value error, unknown intent",
        ),
        ('target = "sector:it"', 'target = "sector:space"', "field 'target': unknown sector"),
        (
            'id = "sausages"\ntarget',
            'id = "sausages"\ndirection = "by_to_kz"\ntarget',
            "a direction marker has no",
        ),
        ('direction = "kz_to_by"', 'direction = "north"', "field 'direction'"),
        ('match = "exact"', 'match = "fuzzy"', "field 'match'"),
        ('id = "figures"', 'id = "stopwords"', "field 'id': duplicate id"),
    ],
)
async def test_a_malformed_concept_is_refused(
    store: Store, engine: SearchEngine, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    with pytest.raises(DatasetError) as caught:
        await store.load_data(broken_concepts(tmp_path, old, new))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path.as_posix()}/data/concepts.toml, concept #"), message
    assert expected in message, message
    assert str((await engine.ask("Magnum")).target) == "topic:magnum-collaboration", "unchanged"


async def test_the_search_schema_comes_from_migration_003(tmp_path: Path) -> None:
    from bot.store.db import Database, migrations

    names = [m.name for m in migrations()]
    assert names[1:3] == ["002_chart_files.sql", "003_search.sql"]
    db = Database(tmp_path / "fresh.sqlite3")
    await db.open()
    try:
        await db.upgrade()
        async with db.conn.execute("SELECT name FROM sqlite_master") as cursor:
            names = [row[0] for row in await cursor.fetchall()]
        assert {"concepts", "concept_terms", "search_docs", "search_fts", "search_terms"} <= set(names)
    finally:
        await db.close()


async def test_a_database_migrated_before_the_index_existed_is_indexed_on_start(
    store: Store, engine: SearchEngine
) -> None:
    async with store.db.transaction() as conn:
        await conn.execute("DELETE FROM search_docs")
    assert not await store.search.indexed()
    assert await store.load_data(DATA, force=False), "unchanged files, but no index: load again"
    assert str((await engine.ask("Magnum")).target) == "topic:magnum-collaboration"
