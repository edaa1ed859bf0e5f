"""``python -m bot i18n``: re-extract the messages, update the four catalogs, compile them.

Runs Babel's own command line (the same as ``pybabel extract/update/compile``) with this
project's keywords and paths, so nobody has to remember them.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from bot.domain.models import LOCALES

PACKAGE = Path(__file__).parent
LOCALES_DIR = PACKAGE / "locales"
TEMPLATE = LOCALES_DIR / "messages.pot"
KEYWORDS = ["-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "-k", "lazy_gettext", "-k", "__"]


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def extract() -> None:
    _pybabel(
        "extract",
        "--no-location",
        "--sort-output",
        "--omit-header",
        *KEYWORDS,
        "-o",
        str(TEMPLATE),
        str(PACKAGE),
    )


def update() -> None:
    """Merge the template into every catalog, creating missing ones."""
    for locale in LOCALES:
        catalog = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
        command = "update" if catalog.exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        _pybabel(command, "-i", str(TEMPLATE), "-d", str(LOCALES_DIR), "-D", "messages", "-l", locale, *extra)


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(LOCALES_DIR), "-D", "messages", "--statistics")


def main() -> None:
    extract()
    update()
    compile_catalogs()
