"""The routers in the order they are asked.

Each module builds its router in ``create_router()`` (a router can belong to one Dispatcher
only, and tests build many).

Every router aiogram asks costs a visit (its middlewares wrapped, its handlers' filters
checked), so the tree is shaped for the common updates: the editors' router is skipped at one
check for everyone else; commands and buttons live under one router whose message filter
lets free text pass at one check; free-text search follows, then groups, inline queries, the
fallback for unknown commands and callbacks, and the error handlers.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    admin,
    channels,
    chart,
    errors,
    fallback,
    groups,
    inline,
    language,
    products,
    search,
    sectors,
    settings,
    sources,
    start,
    subscriptions,
    turnover,
)
from bot.handlers.filters import CommandLike


def commands() -> Router:
    """Commands and their buttons, the most asked first. Free text passes at one check."""
    router = Router(name="bot.handlers.commands")
    router.message.filter(CommandLike())
    router.include_routers(
        turnover.create_router(),
        sectors.create_router(),
        start.create_router(),
        sources.create_router(),
        chart.create_router(),
        products.create_router(),
        subscriptions.create_router(),
        language.create_router(),
        settings.create_router(),
        admin.create_refusals(),  # /publish and /stats from anyone but an editor
    )
    return router


def routers() -> list[Router]:
    return [
        admin.create_router(),  # first: the editors' guided flows take their next message
        commands(),
        channels.create_router(),  # before search: a forwarded channel post connects the channel
        search.create_router(),  # free text in private chats
        groups.create_router(),  # mentions and replies in groups, the bot's own membership
        inline.create_router(),
        fallback.create_router(),  # unknown commands and callbacks no other router took
        errors.create_router(),  # errors only: no message or button ever reaches it
    ]
