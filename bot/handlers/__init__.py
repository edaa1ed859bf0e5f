"""The routers, and the order their handlers are asked in.

Each feature module registers its handlers with ``register(router)``. They share three routers
rather than having one each: every router aiogram asks costs a visit (its middlewares wrapped,
its observers' filters checked), and building one costs milliseconds (aiogram inspects a
callback per update type), paid for every Dispatcher a test builds. Shaped for the common
updates:

1. the editors' router, which everyone else passes at one check (its filter): /stats,
   /publish's guided flow (it takes the editor's next message), the edit and withdraw buttons;
2. commands and their buttons, the most asked first, which free text passes at one check
   (its message filter: nothing starting with "/");
3. the rest, in order: channels (a forwarded channel post connects the channel, so before the
   search), free-text search in private chats, groups (mentions, replies, the bot's
   membership), inline queries, the fallback for unknown commands and callbacks, the errors.
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
from bot.handlers.filters import CommandLike, IsAdmin


def routers() -> list[Router]:
    editors = Router(name="editors")
    editors.message.filter(IsAdmin())
    editors.callback_query.filter(IsAdmin())
    admin.register(editors)

    commands = Router(name="commands")
    commands.message.filter(CommandLike())
    for module in (turnover, sectors, start, sources, chart, products, subscriptions, language, settings):
        module.register(commands)
    admin.register_refusals(commands)  # /publish and /stats from anyone but an editor

    rest = Router(name="rest")
    for module in (channels, search, groups, inline, fallback, errors):
        module.register(rest)
    return [editors, commands, rest]
