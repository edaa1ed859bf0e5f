from bot.middlewares.commands import CommandCaseMiddleware
from bot.middlewares.forged import ForgedUpdateMiddleware
from bot.middlewares.locale import LocaleMiddleware, locale_from_language_code
from bot.middlewares.observe import ObserveMiddleware
from bot.middlewares.throttling import ThrottlingMiddleware

__all__ = [
    "CommandCaseMiddleware",
    "ForgedUpdateMiddleware",
    "LocaleMiddleware",
    "ObserveMiddleware",
    "ThrottlingMiddleware",
    "locale_from_language_code",
]
