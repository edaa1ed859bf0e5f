"""The labelled questions of ``tests/questions/``, asked through the production Dispatcher.

Each reply is read back the way the reader sees it (the card's heading, the flow shown first,
the period, the sector or topic title) and compared with the label. At least 98 % must land
in every language, and no nonsense line may get a confident answer. The held-out batch
(``heldout_*.txt``, written before the search was tuned for it) must land at 95 % or more.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain.models import Flow, Period
from bot.ingest import ComtradeClient
from bot.official import fetch_official
from bot.store import Store
from bot.testing.client import BotClient, Reply
from bot.views import format as fmt
from bot.views.common import bold, quote
from tests.comtrade_standin import ComtradeStandin, make_row
from tests.conftest import LOCALES

QUESTIONS = Path(__file__).parent / "questions"
REQUIRED = 0.98
REQUIRED_HELD_OUT = 0.95
KZ, BY = 398, 112
# What a place list's heading names, per interface language.
PLACES = {
    "almaty": {"ru": "Алматы", "en": "Almaty", "kk": "Алматы", "be": "Алматы"},
    "astana": {"ru": "Астана", "en": "Astana", "kk": "Астана", "be": "Астана"},
    "kostanay": {"ru": "Костанай", "en": "Kostanay", "kk": "Қостанай", "be": "Кастанай"},
    "minsk": {"ru": "Минск", "en": "Minsk", "kk": "Минск", "be": "Мінск"},
}
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Case:
    language: str  # of the question (the file)
    ui: str  # the asker's interface language
    question: str
    expected: str
    line: int


def load_cases(prefix: str = "") -> list[Case]:
    cases = []
    for language in LOCALES:
        ui = language
        path = QUESTIONS / f"{prefix}{language}.txt"
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@ui "):
                ui = line.split()[1]
                assert ui in LOCALES, f"{path.name}:{number}: unknown interface language {ui!r}"
                continue
            expected, sep, question = (part.strip() for part in line.partition("|"))
            assert sep and expected and question, f"{path.name}:{number}: expected 'label | question'"
            cases.append(Case(language, ui, question, expected, number))
    return cases


def plain(html: str) -> str:
    return unescape(_TAG_RE.sub("", html)).strip()


class Reader:
    """Tells from a reply what the bot answered, as the reader would."""

    def __init__(self, store: Store, i18n: I18n) -> None:
        self.store = store
        self.i18n = i18n

    def tr(self, locale: str, msgid: str) -> str:
        return self.i18n.gettext(msgid, locale=locale)

    async def answered(self, reply: Reply, locale: str) -> tuple[str, str | None]:
        """(label, period key or None) of what ``reply`` shows."""
        text = reply.text
        with self.i18n.use_locale(locale):
            not_sure = (
                self.tr(locale, "🤔 I'm not sure what you mean. Is it one of these?"),
                self.tr(
                    locale,
                    "🤔 I'm not sure what you mean. I answer questions about trade between Belarus and "
                    "Kazakhstan: turnover, exports, the balance, sectors and projects such as Magnum. "
                    "See /help.",
                ),
            )
            if text.startswith(not_sure):
                return "none", None
            template = re.escape(self.tr(locale, "I have no trade figures for {period}."))
            missing = re.fullmatch(
                template.replace(re.escape("{period}"), "(.+)"), plain(text.split("\n")[0])
            )
            if missing:
                return "missing", missing.group(1)
            if text.startswith(bold(self.tr(locale, "⚖️ Belarus–Kazakhstan trade: periods compared"))):
                return "compare", plain(text.split("\n")[1])
            if text.startswith(bold(self.tr(locale, "📦 What is traded: the top HS chapters"))):
                return self._products(text, locale)
            if text.startswith(bold(self.tr(locale, "📰 Latest news"))):
                return "news", None
            if text.startswith(bold(self.tr(locale, "🏭 Sectors of cooperation"))):
                return "sectors", None
            if text.startswith("<b>📍"):
                return "place", plain(text.split("\n")[0])
            if text.startswith(bold(self.tr(locale, "📊 Belarus–Kazakhstan trade"))):
                return await self._figures(text, locale)
            if text.startswith(bold(self.tr(locale, "📚 Sources"))):
                return "sources", None
            for sector in await self.store.sectors.all(locale):
                if text.startswith(f"{quote(sector.emoji)} {bold(sector.name)}"):
                    return f"sector:{sector.id}", None
                for topic in await self.store.topics.of_sector(sector.id, locale):
                    if text.startswith(f"{quote(sector.emoji)} {quote(sector.name)}\n{bold(topic.title)}"):
                        return f"topic:{topic.id}", None
        return f"? {plain(text)[:60]!r}", None

    def _products(self, text: str, locale: str) -> tuple[str, str | None]:
        """``products``, with the chapter the card points out or else the direction shown first."""
        lines = [plain(line) for line in text.split("\n")]
        focus = next((line for line in lines if line.startswith("🔎")), None)
        if focus is not None:
            found = re.search(r"\((\d\d)\)", focus)
            return "products", found.group(1) if found else focus
        flows = {
            plain(self.tr(locale, "Exports Belarus → Kazakhstan")): "by_to_kz",
            plain(self.tr(locale, "Exports Kazakhstan → Belarus")): "kz_to_by",
        }
        first = next((flows[line.split(" · ")[0]] for line in lines if line.split(" · ")[0] in flows), None)
        return "products", first

    async def _figures(self, text: str, locale: str) -> tuple[str, str | None]:
        lines = text.split("\n")
        period_shown = plain(lines[1])
        period = next(
            (p.key for p in await self.store.trade.periods() if fmt.period(p, locale) == period_shown), None
        )
        titles = {
            bold(self.tr(locale, "Trade turnover")): Flow.TURNOVER,
            bold(self.tr(locale, "Exports Belarus → Kazakhstan")): Flow.EXPORT_BY_TO_KZ,
            bold(self.tr(locale, "Exports Kazakhstan → Belarus")): Flow.EXPORT_KZ_TO_BY,
            bold(self.tr(locale, "Balance")): Flow.BALANCE,
        }
        shown = [titles[line] for line in lines if line in titles]
        # A flow the period has no figure for: the card says so first, then shows the rest.
        absent = self.tr(
            locale, "The sources give no figure for “{flow}” in this period; here is what they do give."
        )
        said = re.fullmatch(
            re.escape(absent).replace(re.escape("{flow}"), "(.+)"), plain(lines[3]) if len(lines) > 3 else ""
        )
        if said:
            named = {plain(title): flow for title, flow in titles.items()}
            shown = [named[name] for name in said.group(1).split(", ") if name in named] + shown
        first = shown[0] if shown else None
        second = shown[1] if len(shown) > 1 else None
        if first is Flow.EXPORT_BY_TO_KZ and second is Flow.EXPORT_KZ_TO_BY:
            return "export", period
        labels = {
            Flow.TURNOVER: "turnover",
            Flow.EXPORT_BY_TO_KZ: "export_by_to_kz",
            Flow.EXPORT_KZ_TO_BY: "export_kz_to_by",
            Flow.BALANCE: "balance",
        }
        return labels[first] if first else "turnover", period


def lands(expected: str, label: str, detail: str | None, locale: str) -> bool:
    """Whether what was shown (``label`` and its ``detail``: a period key, a period as shown, a
    chapter or direction, a heading) is what ``expected`` asks for."""
    if expected.startswith("products"):
        want = expected.partition(":")[2]
        return label == "products" and (not want or detail == want)
    if expected.startswith("place:"):
        return label == "place" and detail is not None and PLACES[expected[6:]][locale] in detail
    want, _sep, want_period = expected.partition("@")
    if label != want:
        return False
    if not want_period:
        return True
    if want == "missing":
        period = Period.from_key(want_period)
        return detail in (want_period, fmt.period(period, locale))
    if want == "compare":
        shown = {p.strip() for p in (detail or "").split("→")}
        return shown == {fmt.period(Period.from_key(key), locale) for key in want_period.split("+")}
    return detail == want_period


def test_the_labelled_set_is_big_enough() -> None:
    cases = load_cases()
    per_language = Counter(case.language for case in cases)
    assert len(cases) >= 200, len(cases)
    assert all(per_language[lang] >= 50 for lang in LOCALES), per_language
    assert sum(case.expected == "none" for case in cases) >= 20, "too few nonsense lines"


def chapter_rows() -> list[dict[str, object]]:
    """Kazakhstan's report of 2024 by HS chapter: its imports from Belarus (tractors, dairy,
    fertilizers...) and its exports to Belarus (oil, metals...), in US dollars."""
    imports = {"87": 300, "04": 150, "84": 120, "31": 60, "02": 50, "94": 20}
    exports = {"27": 200, "72": 80, "26": 40, "11": 30}
    rows = [make_row(KZ, BY, "M", value * 1e6, 2024, cmd=code) for code, value in imports.items()]
    rows += [make_row(KZ, BY, "X", value * 1e6, 2024, cmd=code) for code, value in exports.items()]
    return rows


async def load_chapters(store: Store, i18n: I18n, settings: Settings) -> None:
    """Give the store a breakdown by product, as ``data fetch`` brings it, for /products."""
    async with ComtradeStandin(chapter_rows()) as api:
        client = ComtradeClient(
            api.base_url, None, sleep=_no_sleep, pace=0.0, backoff_base=0.0, max_attempts=2
        )
        await fetch_official(store, i18n, settings, years=(2024,), client=client, today=dt.date(2026, 11, 29))


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.mark.parametrize("prefix", ["", "heldout_", "heldout2_"], ids=["labelled", "held-out", "held-out-2"])
async def test_questions_land_on_the_expected_answer(
    prefix: str,
    make_client: Callable[..., BotClient],
    store: Store,
    i18n: I18n,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await load_chapters(store, i18n, settings)
    cases = load_cases(prefix)
    required = REQUIRED_HELD_OUT if prefix else REQUIRED
    reader = Reader(store, i18n)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[str] = []
    confident_nonsense: list[str] = []
    caplog.set_level(logging.DEBUG, logger="bot.handlers.search")
    for case in cases:
        caplog.clear()
        # One reader per question, as in a survey: one person asking 400 questions in a row
        # would (rightly) be stopped by flood control.
        reply = (await make_client(case.ui).send(case.question)).last
        label, period = await reader.answered(reply, case.ui)
        totals[case.language] += 1
        if lands(case.expected, label, period, case.ui):
            hits[case.language] += 1
            continue
        decision = next((r.getMessage() for r in caplog.records if r.getMessage().startswith("search:")), "")
        shown = f"{label}@{period}" if period else label
        misses.append(
            f"{case.language}.txt:{case.line} [{case.ui}] {case.question!r}: "
            f"expected {case.expected}, shown {shown} ({decision})"
        )
        if case.expected == "none":
            confident_nonsense.append(misses[-1])

    report = [f"{prefix or 'labelled '}questions: {sum(hits.values())}/{sum(totals.values())}"]
    report += [f"  {lang}: {hits[lang]}/{totals[lang]} = {hits[lang] / totals[lang]:.1%}" for lang in LOCALES]
    report += ["  missed: " + miss for miss in misses]
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert not confident_nonsense, "nonsense got a confident answer:\n" + "\n".join(confident_nonsense)
    for lang in LOCALES:
        assert hits[lang] / totals[lang] >= required, "\n".join(report)
