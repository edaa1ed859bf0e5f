"""Official statistics from UN Comtrade: the client against a local stand-in of the API,
downloaded files, the mapping to trade figures, and the HS chapter names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.hs_chapters import CHAPTERS, HsChaptersError, load_hs_chapters
from tests.conftest import DATA

# -- HS chapter names ------------------------------------------------------------------------


def test_hs_chapters_toml_names_all_96_chapters_in_four_languages() -> None:
    names = load_hs_chapters(DATA / "hs_chapters.toml")
    assert list(names) == [f"{n:02d}" for n in range(1, 98) if n != 77]
    assert names["27"].get("en") == "Mineral fuels, oil and oil products"
    for code, name in names.items():
        for locale in ("ru", "kk", "be"):
            text = name.get(locale)
            assert any("а" <= ch.lower() <= "я" or ch in "әғқңөұүһіўё" for ch in text), (code, locale)
    assert len({name.get("kk") for name in names.values()}) == 96  # no copy-pasted names


def chapters_file(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "hs_chapters.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def chapter(code: str, kk: str | None = "Атауы") -> str:
    lines = ["[[chapter]]", f'code = "{code}"', 'name.ru = "Имя"', 'name.en = "Name"', 'name.be = "Імя"']
    if kk is not None:
        lines.append(f'name.kk = "{kk}"')
    return "\n".join(lines) + "\n"


def test_a_malformed_chapter_file_is_named_by_file_entry_and_field(tmp_path: Path) -> None:
    full = [chapter(code) for code in CHAPTERS]
    load_hs_chapters(chapters_file(tmp_path, full))

    broken = list(full)
    broken[2] = chapter("03", kk=None)
    path = chapters_file(tmp_path, broken)
    with pytest.raises(HsChaptersError) as caught:
        load_hs_chapters(path)
    assert str(caught.value) == f"{path.as_posix()}, chapter #3 (code '03'), field 'name.kk': Field required"

    with pytest.raises(
        HsChaptersError, match=r"chapter #97 \(code '77'\), field 'code': chapter 77 is reserved"
    ):
        load_hs_chapters(chapters_file(tmp_path, [*full, chapter("77")]))
    with pytest.raises(HsChaptersError, match=r"chapter #97 \(code '05'\), field 'code': duplicate code"):
        load_hs_chapters(chapters_file(tmp_path, [*full, chapter("05")]))
    with pytest.raises(HsChaptersError, match=r"hs_chapters\.toml: chapter\(s\) missing: 42, 97$"):
        load_hs_chapters(chapters_file(tmp_path, [c for c in full if '"42"' not in c and '"97"' not in c]))
