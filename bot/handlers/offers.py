"""The one-time offer to follow: on a reader's first /turnover (the trade figures) or sector
card (that sector), in a private chat, unless they follow it already."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Chat, User

from bot.domain.models import ALL_SECTORS, FIGURES
from bot.screencache import cached
from bot.search.model import Decision, TargetKind
from bot.store import Store
from bot.views.common import Rendered
from bot.views.subscriptions import with_follow_offer


async def with_offer(
    screen: Rendered, store: Store, locale: str, chat: Chat | None, user: User | None, item: str
) -> Rendered:
    """``screen``, with the offer to follow ``item`` (``figures`` or a sector id) the first time."""
    if chat is None or chat.type != ChatType.PRIVATE or user is None or store.offers.known(user.id):
        return screen
    followed = await store.subscriptions.sectors_of(chat.id)
    if item in followed or (item != FIGURES and ALL_SECTORS in followed):
        return screen
    if item != FIGURES and not await store.sectors.exists(item):
        return screen  # no such sector: the screen is the list of sectors
    if not await store.offers.claim(user.id, item):
        return screen
    return await _offered(store, screen, item, locale)


async def _offered(store: Store, screen: Rendered, item: str, locale: str) -> Rendered:
    """``screen`` with the offer, built once per screen (a burst of new readers shares it): the
    screens are cached objects, so their identity names them; the entry keeps the screen alive,
    and the identity is checked, so a reused id never serves another screen's keyboard."""

    async def render() -> tuple[Rendered, Rendered]:
        return screen, with_follow_offer(screen, item)

    shown, offered = await cached(store, ("offer", item, id(screen), locale), render)
    return offered if shown is screen else with_follow_offer(screen, item)


def offered_item(decision: Decision) -> str | None:
    """What a free-text answer shows that can be followed: the trade figures or a sector."""
    target = decision.target
    if target is None:
        return None
    if target.flow_intent is not None:
        return FIGURES
    return target.id if target.kind is TargetKind.SECTOR else None
