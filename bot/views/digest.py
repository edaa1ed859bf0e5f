"""A digest: what arrived for a reader since their last one, in one message.

The items are the messages the reader would have got one by one (facts, figures and topics
alerts, each with its source), under one heading, their buttons merged into one keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import ngettext

from bot.callbacks import ManageSubscriptionsCb
from bot.views.common import Rendered, bold

MESSAGE_LIMIT = 4096  # Telegram's, in UTF-16 units; counted on the HTML, which is never shorter
MAX_BUTTONS = 8
SEPARATOR = "\n\n〰️〰️〰️\n\n"


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def merged_keyboard(items: Sequence[Rendered], limit: int = MAX_BUTTONS) -> InlineKeyboardMarkup | None:
    """Every item's buttons once (same callback, same button), the "My subscriptions" one last."""
    manage = ManageSubscriptionsCb().pack()
    seen: set[str] = set()
    found: list[InlineKeyboardButton] = []
    tail: list[InlineKeyboardButton] = []
    for item in items:
        for row in item.markup.inline_keyboard if item.markup else ():
            for button in row:
                key = button.callback_data or button.url or button.text
                if key in seen:
                    continue
                seen.add(key)
                (tail if button.callback_data == manage else found).append(button)
    chosen = found[: limit - len(tail)] + tail
    return InlineKeyboardMarkup(inline_keyboard=[[b] for b in chosen]) if chosen else None


def _heading(count: int) -> str:
    return bold(
        ngettext("🗞 Your digest: {count} update", "🗞 Your digest: {count} updates", count).format(count=count)
    )


def render_digest(items: Sequence[Rendered]) -> tuple[Rendered, int]:
    """The digest of ``items`` (oldest first) and how many of them it holds: as many as fit in
    one message; the rest go in the next one."""
    length = utf16_length(_heading(len(items)))  # the longest the heading can be
    taken = 0
    for item in items:
        length += utf16_length(SEPARATOR + item.text)
        if length > MESSAGE_LIMIT:
            break
        taken += 1
    if taken == 0:  # one item too long for a heading beside it: as it would come alone
        return items[0], 1
    text = SEPARATOR.join([_heading(taken), *(item.text for item in items[:taken])])
    return Rendered(text, merged_keyboard(items[:taken])), taken
