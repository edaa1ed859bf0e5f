"""Deep links: every link the bot makes opens what it was made for, and /start opens it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.deeplinks import DeepLink, LinkKind, decode, for_target
from bot.search.model import Intent, Target, TargetKind
from bot.testing.client import BotClient


@pytest.mark.parametrize(
    "link",
    [
        DeepLink(LinkKind.SECTOR, "food_retail"),
        DeepLink(LinkKind.TURNOVER),
        DeepLink(LinkKind.TURNOVER, "2024"),
        DeepLink(LinkKind.TURNOVER, "2025-08"),
        DeepLink(LinkKind.SECTORS),
        DeepLink(LinkKind.SOURCES),
    ],
)
def test_every_link_decodes_to_itself(link: DeepLink) -> None:
    assert decode(link.payload) == link


@pytest.mark.parametrize("payload", ["", "sector_", "sector", "sources_x", "nonsense", "inline", "SECTOR_it"])
def test_payloads_the_bot_never_made_decode_to_nothing(payload: str) -> None:
    assert decode(payload) is None


@pytest.mark.parametrize(
    ("target", "sector", "payload"),
    [
        (Target.figures("2024", Intent.TURNOVER), None, "turnover_2024"),
        (Target.figures("2025-01..08", Intent.BALANCE), None, "turnover_2025-08"),
        (Target.figures("2025-03..08", Intent.BALANCE), None, "turnover"),
        (Target.intent(Intent.EXPORT), None, "turnover"),
        (Target(TargetKind.SECTOR, "it"), None, "sector_it"),
        (Target(TargetKind.TOPIC, "magnum-collaboration"), "food_retail", "sector_food_retail"),
        (Target(TargetKind.SOURCE, "zakon-2025-11-04"), None, "sources"),
        (Target(TargetKind.FACT, "7"), None, None),
    ],
)
def test_a_card_links_to_the_screen_that_shows_it(
    target: Target, sector: str | None, payload: str | None
) -> None:
    link = for_target(target, sector)
    assert (link.payload if link else None) == payload


async def test_start_with_a_made_link_opens_the_same_card(make_client: Callable[..., BotClient]) -> None:
    client = make_client("en")
    by_command = (await client.send("/turnover 2024")).last
    link = for_target(Target.figures("2024", Intent.TURNOVER))
    assert link is not None
    by_link = (await client.send(f"/start {link.payload}")).last
    assert by_link.text == by_command.text
    assert "2024" in by_link.text
