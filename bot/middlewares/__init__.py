from bot.middlewares.locale import LocaleMiddleware, locale_from_language_code

__all__ = ["LocaleMiddleware", "locale_from_language_code"]
