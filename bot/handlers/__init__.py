"""The routers in the order they are asked; the catch-all fallback comes last."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import errors, fallback, language, sectors, sources, start, turnover


def routers() -> list[Router]:
    return [
        errors.router,
        start.router,
        turnover.router,
        sectors.router,
        sources.router,
        language.router,
        fallback.router,  # must stay last: it answers everything
    ]
