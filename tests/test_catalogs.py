"""The four gettext catalogs: complete, consistent with the code, compiled."""

from __future__ import annotations

import functools
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from bot.i18n_tool import LOCALES_DIR, PACKAGE
from tests.conftest import LOCALES

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "__": None}
PLACEHOLDER = re.compile(r"\{\w*\}")


@functools.cache  # the code doesn't change during a run: extracted once, not once per locale
def extracted_ids() -> frozenset[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(PACKAGE, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_in_the_code_is_translated(locale: str) -> None:
    po = catalog(locale)
    missing = []
    for msgid in extracted_ids():
        message = po.get(msgid)
        strings = message.string if message else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(forms):
            missing.append(msgid)
    assert not missing, f"{locale}: untranslated {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for form in strings:
            assert set(PLACEHOLDER.findall(form)) == wanted, (locale, message.id, form)
            assert "<" not in form and ">" not in form.replace("→", ""), (locale, form)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogs_match_their_sources(locale: str, tmp_path: Path) -> None:
    """The committed .mo is what ``python -m bot i18n`` would build from the .po."""
    po = catalog(locale)
    fresh = BytesIO()
    write_mo(fresh, po)
    fresh.seek(0)
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        shipped = read_mo(file)
    rebuilt = read_mo(fresh)
    assert messages(shipped) == messages(rebuilt)


def messages(catalog):  # type: ignore[no-untyped-def]
    freeze = lambda value: tuple(value) if isinstance(value, list | tuple) else value  # noqa: E731
    return {freeze(m.id): freeze(m.string) for m in catalog if m.id}


def test_kazakh_and_belarusian_are_not_russian_copies() -> None:
    ru = {m.id: m.string for m in catalog("ru") if m.id}
    for locale in ("kk", "be"):
        same = [i for i, s in ((m.id, m.string) for m in catalog(locale) if m.id) if s == ru.get(i)]
        # Only strings with no words may coincide, and loanwords both languages share.
        # «Сальдо» is the term in Russian and Kazakh alike; «Назад» and «Год» are Belarusian as well
        # as Russian.
        shared_terms = {"Balance", "◀️ Back", "Year"}
        words = [
            i
            for i in same
            if i not in shared_terms and re.search(r"[^\W\d_]{3,}", PLACEHOLDER.sub("", str(ru[i])))
        ]
        assert not words, (locale, words)
