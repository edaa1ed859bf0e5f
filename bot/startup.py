"""The Bot API calls at start-up, none of which may stop the bot over one bad answer.

Telegram's front end now and then answers with an HTML error page or garbled JSON (aiogram's
``ClientDecodeError``, not a ``TelegramAPIError``), a 5xx, a 429 or nothing at all. So every
call is retried with back-off. What the bot can't work without (``getMe`` before polling,
``setWebhook`` in webhook mode) stops it with one line only after the last try; the rest
(``deleteWebhook``, the command menus and descriptions) is skipped with a warning, and the menus
are set in the background while the bot already answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommandScopeChat
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.delivery.policy import describe
from bot.domain.models import LOCALES
from bot.store import Store
from bot.views.menu import bot_commands, bot_description, bot_short_description

log = logging.getLogger(__name__)
T = TypeVar("T")


class StartupError(Exception):
    """An essential start-up call kept failing; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Backoff:
    """``tries`` attempts, waiting ``first_delay``, then twice as long each time."""

    tries: int
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, failed: int) -> float:
        return min(self.max_delay, self.first_delay * 2.0 ** (failed - 1))


ESSENTIAL = Backoff(tries=6)  # about half a minute in all
OPTIONAL = Backoff(tries=3)


def _transient(error: BaseException) -> bool:
    """Worth asking again: no answer, a server error, an answer that isn't Telegram's JSON."""
    if isinstance(error, TelegramAPIError):
        return isinstance(error, TelegramServerError | TelegramRetryAfter | TelegramNetworkError)
    return isinstance(error, AiogramError | TimeoutError | OSError)


async def attempt(what: str, call: Callable[[], Awaitable[T]], backoff: Backoff = OPTIONAL) -> T | None:
    """``call()``, tried again after a transient failure; None (and a warning) when it never
    went through. A refused token is raised at once: nothing else will work either."""
    for failed in range(1, backoff.tries + 1):
        try:
            return await call()
        except TelegramUnauthorizedError:
            raise
        except (AiogramError, TimeoutError, OSError) as error:
            reason = describe(error)
            if not _transient(error) or failed == backoff.tries:
                log.warning("%s failed (%s); going on without it", what, reason)
                return None
            wait = backoff.delay(failed)
            if isinstance(error, TelegramRetryAfter):
                wait = max(wait, float(error.retry_after))
            log.warning("%s failed (%s); trying again in %.0f s", what, reason, wait)
            await asyncio.sleep(wait)
    return None


async def essential(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """Like :func:`attempt`, but the bot can't start without it: :class:`StartupError`."""
    try:
        result = await attempt(what, call, ESSENTIAL)
    except TelegramUnauthorizedError as error:
        raise StartupError(f"Telegram refused the token ({describe(error)}): check BOT_TOKEN") from None
    if result is None:
        raise StartupError(f"{what} kept failing; see the warnings above")
    return result


async def set_bot_profile(bot: Bot, i18n: I18n, default_locale: str) -> None:
    """The command menu, description and short description in every language, plus a default
    (in the default locale) for everyone else."""
    targets: list[tuple[str | None, str]] = [(None, default_locale)]
    targets += [(locale, locale) for locale in LOCALES]
    for language_code, locale in targets:
        label = language_code or "default"
        with i18n.use_locale(locale):
            commands, description, short = bot_commands(), bot_description(), bot_short_description()
        # The bot still works with a stale menu: each call on its own, skipped if it fails.
        await attempt(
            f"setMyCommands ({label})", partial(bot.set_my_commands, commands, language_code=language_code)
        )
        await attempt(
            f"setMyDescription ({label})",
            partial(bot.set_my_description, description, language_code=language_code),
        )
        await attempt(
            f"setMyShortDescription ({label})",
            partial(bot.set_my_short_description, short, language_code=language_code),
        )


async def set_admin_menus(bot: Bot, i18n: I18n, store: Store, settings: Settings) -> None:
    """Admins see /publish and /stats in their own menu (chat scope), in their language."""
    for admin_id in sorted(settings.admin_ids):
        locale = await store.users.locale(admin_id) or settings.default_locale
        with i18n.use_locale(locale):
            commands = bot_commands(admin=True)
        scope = BotCommandScopeChat(chat_id=admin_id)
        # An admin who never opened the bot has no chat yet: a 400, skipped with a warning.
        await attempt(f"the admin menu of {admin_id}", partial(bot.set_my_commands, commands, scope=scope))


async def set_menus(bot: Bot, i18n: I18n, store: Store, settings: Settings) -> None:
    """Everything in the profile; meant to run as a task beside polling or the webhook."""
    try:
        with i18n.context():
            await set_bot_profile(bot, i18n, settings.default_locale)
            await set_admin_menus(bot, i18n, store, settings)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a stale menu is no reason to stop: say so and go on
        log.warning("could not set the bot's menus: %s", describe(error))
