"""The routers in the order they are asked; free-text search after the commands, the
fallback for unknown commands and callbacks last.

Each module builds its router in ``create_router()`` (a router can belong to one Dispatcher
only, and tests build many).
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


def routers() -> list[Router]:
    return [
        errors.create_router(),
        admin.create_router(),  # first: its guided flow takes the admin's next message
        start.create_router(),
        turnover.create_router(),
        chart.create_router(),
        sectors.create_router(),
        sources.create_router(),
        language.create_router(),
        subscriptions.create_router(),
        channels.create_router(),  # before search: a forwarded channel post connects the channel
        groups.create_router(),  # mentions and replies in groups, the bot's own membership
        settings.create_router(),
        inline.create_router(),
        products.create_router(),
        search.create_router(),  # free text: after every command
        fallback.create_router(),  # must stay last: unknown commands and callbacks
    ]
