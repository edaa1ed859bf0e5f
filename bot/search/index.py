"""What goes into the search index: every item a question may be about, analysed.

One row per item and locale (topics, sectors, trade figures by period and flow, sources,
published facts) with its text as matching keys (:mod:`bot.search.analysis`); the concepts of
``data/concepts.toml`` beside them. :class:`Indexer` is what the store calls to analyse what it
writes; it does no I/O, so a load can analyse everything before it opens its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from bot.dataset import ConceptEntry, Dataset
from bot.domain.models import ALL_SECTORS, LOCALES, Locale, Period
from bot.search.analysis import keyed_words
from bot.search.concepts import Concept, ConceptIndex
from bot.search.fuzzy import script_mask
from bot.search.model import TargetKind
from bot.search.protocol import FACT_KIND, ConceptRow, FactTexts, IndexBatch, IndexRow

FACT_TITLE = 80  # characters of a fact's text shown as its title on a suggestion button


def analyse(
    kind: str,
    item_id: str,
    locale: str,
    parent: str | None,
    title: str,
    body: str,
    stopwords: frozenset[str],
    *,
    title_text: str | None = None,
) -> IndexRow:
    """``title`` is what suggestion buttons show; ``title_text`` what is indexed as the title,
    when it differs."""
    terms: dict[str, int] = {}
    analysed = []
    for text in (title if title_text is None else title_text, body):
        keyed = keyed_words(text, locale, stopwords)
        for alphabet, keys in keyed:
            for key in keys:
                terms[key] = terms.get(key, 0) | script_mask(alphabet)
        analysed.append(" ".join("|".join(keys) for _alphabet, keys in keyed))
    return IndexRow(kind, item_id, locale, parent, title, analysed[0], analysed[1], terms)


def term_counts(rows: Iterable[IndexRow]) -> dict[str, tuple[int, int]]:
    """key → (rows holding it, alphabets)."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        for key, mask in row.terms.items():
            count, scripts = counts.get(key, (0, 0))
            counts[key] = (count + 1, scripts | mask)
    return counts


def batch(rows: Sequence[IndexRow]) -> IndexBatch:
    return IndexBatch(tuple(rows), term_counts(rows))


def concept_row(entry: ConceptEntry) -> ConceptRow:
    return ConceptRow(
        entry.id,
        entry.target,
        entry.by_to_kz,
        entry.kz_to_by,
        entry.direction,
        entry.match == "exact",
        tuple(entry.terms.items()),
    )


def concept(row: ConceptRow) -> Concept:
    return Concept.build(
        row.id,
        row.terms,
        target=row.target,
        by_to_kz=row.by_to_kz,
        kz_to_by=row.kz_to_by,
        direction=row.direction,
        exact=row.exact,
    )


@lru_cache(maxsize=4)
def concept_index(concepts: tuple[ConceptRow, ...]) -> ConceptIndex:
    """The concepts ready for matching; the same rows give the same (immutable) index."""
    return ConceptIndex([concept(row) for row in concepts])


def dataset_items(dataset: Dataset, stopwords: frozenset[str]) -> list[IndexRow]:
    """Everything in ``dataset`` a question may be about, analysed for the index."""
    rows = []
    for topic in dataset.topics:
        for locale in LOCALES:
            title, text = topic.title.get(locale), topic.text.get(locale)
            rows.append(analyse("topic", topic.id, locale, f"sector:{topic.sector}", title, text, stopwords))
    for sector in dataset.sectors:
        for locale in LOCALES:
            name, summary = sector.name.get(locale), sector.summary.get(locale)
            rows.append(analyse("sector", sector.id, locale, None, name, summary, stopwords))
    notes: dict[tuple[str, str], dict[str, list[str]]] = {}
    for figure in dataset.figures:
        per_locale = notes.setdefault((figure.period, figure.flow.value), {loc: [] for loc in LOCALES})
        if figure.note is not None:
            for locale in LOCALES:
                per_locale[locale].append(figure.note.get(locale))
    for (period, flow), per_locale in notes.items():
        year = str(Period.from_key(period).year)
        for locale in LOCALES:
            body = " ".join([year, *per_locale[locale]])
            item = f"{period}/{flow}"
            rows.append(
                analyse(
                    TargetKind.FIGURES, item, locale, f"intent:{flow}", period, body, stopwords, title_text=""
                )
            )
    for source in dataset.sources:
        language = source.language if source.language in LOCALES else Locale.EN
        body = " ".join(filter(None, [source.title, source.date[:4] if source.date else None]))
        rows.append(
            analyse("source", source.id, language, None, source.outlet.get(language), body, stopwords)
        )
    return rows


def fact_items(fact: FactTexts, stopwords: frozenset[str]) -> list[IndexRow]:
    parent = None if fact.sector_id == ALL_SECTORS else f"sector:{fact.sector_id}"
    return [
        analyse(FACT_KIND, str(fact.fact_id), locale, parent, body[:FACT_TITLE], body, stopwords)
        for locale, body in fact.texts.items()
    ]


class Indexer:
    """The :class:`~bot.search.protocol.Indexer` the store is built with."""

    def dataset_rows(
        self, dataset: Dataset, facts: Sequence[FactTexts]
    ) -> tuple[tuple[ConceptRow, ...], IndexBatch]:
        concepts = tuple(concept_row(entry) for entry in dataset.concepts)
        stopwords = concept_index(concepts).stopwords
        rows = dataset_items(dataset, stopwords)
        for fact in facts:
            rows += fact_items(fact, stopwords)
        return concepts, batch(rows)

    def fact_rows(self, fact: FactTexts, concepts: Sequence[ConceptRow]) -> IndexBatch:
        return batch(fact_items(fact, concept_index(tuple(concepts)).stopwords))

    def item_rows(
        self,
        kind: str,
        item_id: str,
        texts: Mapping[str, tuple[str, str]],
        concepts: Sequence[ConceptRow],
        *,
        parent: str | None = None,
    ) -> IndexBatch:
        """Any item's rows from its (title, body) per locale."""
        stopwords = concept_index(tuple(concepts)).stopwords
        return batch(
            [
                analyse(kind, item_id, locale, parent, title, body, stopwords)
                for locale, (title, body) in texts.items()
            ]
        )
