"""``data/hs_chapters.toml``: the names of the HS chapters in ru, en, kk and be, validated.

``load_hs_chapters(path)`` returns ``{"01": ChapterName(ru=…, en=…, kk=…, be=…), …}`` for all
96 chapters (01–97 without the reserved 77) or raises :class:`HsChaptersError`, one line
naming the file, the entry and the field, like the rest of the dataset::

    data/hs_chapters.toml, chapter #3 (code '03'), field 'name.kk': Field required
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.dataset import DatasetError

FILE = "hs_chapters.toml"
RESERVED = frozenset({"77"})
CHAPTERS: tuple[str, ...] = tuple(code for code in (f"{n:02d}" for n in range(1, 98)) if code not in RESERVED)
"""Every HS chapter code, "01".."97" without the reserved "77"."""

_Name = Annotated[str, Field(min_length=1, max_length=80)]


class HsChaptersError(DatasetError):
    """The chapter file is malformed: a data file error like the others (one line: file,
    entry, field, problem), raised by the official statistics' loader."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChapterName(_Entry):
    """A chapter's name in each of the bot's languages; all four are required."""

    ru: _Name
    en: _Name
    kk: _Name
    be: _Name

    def get(self, locale: str) -> str:
        return str(getattr(self, locale))

    @field_validator("ru", "en", "kk", "be")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("no spaces at either end")
        return value


class ChapterEntry(_Entry):
    code: str
    name: ChapterName

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.fullmatch(r"\d{2}", value):
            raise ValueError('expected two digits, e.g. "01"')
        if value in RESERVED:
            raise ValueError(f"chapter {value} is reserved in the HS and has no name")
        if value not in CHAPTERS:
            raise ValueError("expected a chapter from 01 to 97")
        return value


def load_hs_chapters(path: Path) -> dict[str, ChapterName]:
    """Every chapter's names by code, in code order; :class:`HsChaptersError` on a problem."""
    shown = path.as_posix()
    try:
        document: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HsChaptersError(shown, None, None, "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HsChaptersError(shown, None, None, f"not valid TOML: {exc}") from None
    unknown = set(document) - {"chapter"}
    if unknown:
        raise HsChaptersError(shown, None, None, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    raw_entries = document.get("chapter", [])
    if not isinstance(raw_entries, list):
        raise HsChaptersError(shown, None, "chapter", "expected a list of [[chapter]] tables")
    names: dict[str, ChapterName] = {}
    for index, raw in enumerate(raw_entries):
        label = f"chapter #{index + 1}"
        if isinstance(raw, dict) and isinstance(raw.get("code"), str):
            label += f" (code '{raw['code']}')"
        try:
            entry = ChapterEntry.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or None
            raise HsChaptersError(shown, label, field, error["msg"].removeprefix("Value error, ")) from None
        if entry.code in names:
            raise HsChaptersError(shown, label, "code", "duplicate code")
        names[entry.code] = entry.name
    missing = [code for code in CHAPTERS if code not in names]
    if missing:
        raise HsChaptersError(shown, None, None, f"chapter(s) missing: {', '.join(missing)}")
    return {code: names[code] for code in CHAPTERS}


__all__ = ["CHAPTERS", "FILE", "RESERVED", "ChapterName", "HsChaptersError", "load_hs_chapters"]
