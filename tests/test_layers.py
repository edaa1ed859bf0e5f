"""The parts of bot/ import only what their layer may (see DESIGN.md): the rules as a test."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
MAX_LINES = 350


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or anywhere else (TYPE_CHECKING included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def files(*parts: str) -> list[Path]:
    found = []
    for part in parts:
        path = BOT / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def violations(paths: list[Path], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in paths:
        for module in sorted(imported(path)):
            if module.startswith(allowed):
                continue
            if any(module == f or module.startswith(f"{f}.") for f in forbidden):
                found.append(f"{path.relative_to(BOT.parent)} imports {module}")
    return found


def test_the_store_takes_only_the_protocol_from_the_search() -> None:
    assert violations(files("store"), ("bot.search",), allowed=("bot.search.protocol",)) == []


def test_the_search_speaks_no_sql() -> None:
    assert violations(files("search"), ("aiosqlite", "sqlite3", "bot.store")) == []


@pytest.mark.parametrize("part", ["domain", "search", "store", "dataset.py", "screens.py"])
def test_no_aiogram_below_the_handlers(part: str) -> None:
    assert violations(files(part), ("aiogram",)) == []


def test_the_search_runs_without_aiogram_or_a_database_driver() -> None:
    """Not only the direct imports: nothing the search pulls in loads them either."""
    code = (
        "import sys, bot.search.engine, bot.search.index\n"
        "print(sorted(m for m in ('aiogram', 'aiosqlite', 'sqlite3') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_files_stay_small() -> None:
    long = {
        str(path.relative_to(BOT.parent)): lines
        for path in sorted(BOT.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_handler_or_filter_is_run_in_a_thread() -> None:
    """aiogram runs a synchronous handler or filter (a bare ``F`` expression, a ``State``)
    through ``asyncio.to_thread``: a thread hand-off per check, on every update reaching it.
    Every one the routers hold is asynchronous (see bot/handlers/filters.py)."""
    from aiogram import Dispatcher, Router

    from bot.handlers import routers

    def walk(router: Router) -> Iterator[Router]:
        yield router
        for sub in router.sub_routers:
            yield from walk(sub)

    dispatcher = Dispatcher()
    dispatcher.include_routers(*routers())
    threaded = [
        f"{router.name} {kind}: {getattr(callable_.callback, '__qualname__', callable_.callback)!r}"
        for router in walk(dispatcher)
        for kind, observer in router.observers.items()
        for callable_ in [
            *(observer._handler.filters or []),
            *observer.handlers,
            *(f for handler in observer.handlers for f in handler.filters or []),
        ]
        if not callable_.awaitable
    ]
    assert not threaded, threaded
