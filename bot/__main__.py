"""The command line: ``python -m bot run | chat | db upgrade | data load [DIR] | data fetch | publish FILE
| i18n``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.dataset import DatasetError
from bot.domain.models import LOCALES
from bot.logs import configure_logging, log_uncaught


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Belarus–Kazakhstan trade bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling); migrates and loads data/ first")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal, without Telegram")
    chat.add_argument("--lang", default="ru", choices=list(LOCALES), help="your language_code")
    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True).add_parser("upgrade", help="apply migrations")
    data = commands.add_parser("data", help="dataset maintenance")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    load = data_commands.add_parser("load", help="validate and load the data files (all or nothing)")
    load.add_argument("directory", nargs="?", type=Path, help="default: DATA_DIR (data/)")
    fetch = data_commands.add_parser(
        "fetch", help="fetch Belarus–Kazakhstan trade from UN Comtrade (all or nothing)"
    )
    fetch.add_argument("--years", default=None, help="YEAR or YEAR-YEAR (default: 2015 to this year)")
    fetch.add_argument("--monthly", action="store_true", help="the months of those years too")
    fetch.add_argument(
        "--from-file", type=Path, default=None, help="a CSV or JSON downloaded from the Comtrade website"
    )
    publish = commands.add_parser("publish", help="queue an update from a TOML file for the subscribers")
    publish.add_argument("file", type=Path, help="sector, original language and text per language")
    commands.add_parser("i18n", help="re-extract messages, update and compile the ru/en/kk/be catalogs")
    return parser


async def _db_upgrade(settings: Settings) -> None:
    from bot.store import Store

    store = await Store.open(settings.database_path)
    try:
        applied = await store.upgrade()
        print(f"applied: {', '.join(applied)}" if applied else "the schema is up to date")
    finally:
        await store.close()


async def _data_load(settings: Settings, directory: Path | None) -> None:
    from bot.alerts import load_and_announce
    from bot.app import create_i18n
    from bot.search.index import Indexer
    from bot.store import Store

    store = await Store.open(settings.database_path, Indexer())
    try:
        await store.upgrade()
        await load_and_announce(store, directory or settings.data_dir, create_i18n(settings.default_locale))
        print(f"loaded {directory or settings.data_dir}")
    finally:
        await store.close()


class FetchFailed(Exception):
    """``data fetch`` failed; one line, and the database is unchanged."""


async def _data_fetch(settings: Settings, years: str | None, monthly: bool, from_file: Path | None) -> None:
    from bot.app import create_i18n
    from bot.official import FETCH_ERRORS, default_years, fetch_official, parse_years
    from bot.search.index import Indexer
    from bot.store import Store

    try:
        wanted = parse_years(years) if years else default_years()
    except ValueError as exc:
        raise FetchFailed(f"--years: {exc}") from None
    store = await Store.open(settings.database_path, Indexer())
    try:
        await store.upgrade()
        await store.load_data(settings.data_dir, force=False)
        result = await fetch_official(
            store,
            create_i18n(settings.default_locale),
            settings,
            years=wanted,
            monthly_years=wanted if monthly else (),
            from_file=from_file,
        )
        print(result.summary())
    except FETCH_ERRORS as exc:
        raise FetchFailed(str(exc)) from None
    finally:
        await store.close()


async def _publish(settings: Settings, file: Path) -> None:
    from bot import publishing
    from bot.dataset import load_fact_file
    from bot.search.index import Indexer
    from bot.store import Store

    fact = load_fact_file(file)
    store = await Store.open(settings.database_path, Indexer())
    try:
        await store.upgrade()
        await store.load_data(settings.data_dir, force=False)
        target = await publishing.resolve_sector(store, fact.sector, fact.original)
        if target is None:
            raise DatasetError(file.as_posix(), None, "sector", f"unknown sector '{fact.sector}'")
        try:
            published = await publishing.publish(
                store,
                sector_id=target.sector_id,
                texts={str(k): v for k, v in fact.text.items()},
                original=fact.original,
                author_id=None,
                source_url=fact.source,
            )
        except publishing.PublishError as error:
            raise DatasetError(file.as_posix(), None, error.field, error.problem) from None
        print(
            f"fact #{published.fact_id} queued for {published.recipients} chats; "
            "the running bot delivers it (python -m bot run)"
        )
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "i18n":
        from bot.i18n_tool import main as update_catalogs

        update_catalogs()
        return 0
    try:
        settings = load_settings()
        configure_logging(
            settings.log_level if args.command == "run" else logging.WARNING,
            settings.bot_token,
            settings.log_format,
        )
        if args.command == "run":
            settings.require_token()  # before aiogram is imported: a missing token fails at once
            from bot.app import run
            from bot.startup import StartupError

            try:
                asyncio.run(run(settings))
            except StartupError as exc:
                logging.getLogger("bot").critical("could not start: %s", exc)
                return 1
        elif args.command == "chat":
            from bot.chat import chat

            asyncio.run(chat(settings, args.lang))
        elif args.command == "db":
            asyncio.run(_db_upgrade(settings))
        elif args.command == "data" and args.data_command == "fetch":
            asyncio.run(_data_fetch(settings, args.years, args.monthly, args.from_file))
        elif args.command == "data":
            asyncio.run(_data_load(settings, args.directory))
        elif args.command == "publish":
            asyncio.run(_publish(settings, args.file))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DatasetError as exc:
        print(f"error: {exc} (nothing was loaded)", file=sys.stderr)
        return 1
    except FetchFailed as exc:
        print(f"error: {exc} (the database is unchanged)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Through the log (one line, the token redacted), not Python's own traceback on stderr.
        log_uncaught(type(exc), exc, exc.__traceback__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
