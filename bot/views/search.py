"""Answers to free text: one topic's card, "I'm not sure" with the closest items, and the
cards of inline mode."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SearchCb
from bot.domain.models import Flow, Period
from bot.search.model import Intent, Target, TargetKind
from bot.views.common import (
    Rendered,
    button,
)
from bot.views.menu import main_menu
from bot.views.turnover import flow_title, short_period

BUTTON_LABEL_LIMIT = 48
_TAG_RE = re.compile(r"<[^>]+>")
_HEADING_RE = re.compile(r"(?:\S+ )?<b>[^<]*</b>")  # "<b>Trade turnover</b>", "🛒 <b>Food and retail</b>"
_CITATION_RE = re.compile(r"\s*(?:\[\d+\])+")


def _flows(intent: Intent) -> tuple[Flow, ...]:
    return {
        Intent.EXPORT: (Flow.EXPORT_BY_TO_KZ, Flow.EXPORT_KZ_TO_BY),
        Intent.EXPORT_BY_TO_KZ: (Flow.EXPORT_BY_TO_KZ,),
        Intent.EXPORT_KZ_TO_BY: (Flow.EXPORT_KZ_TO_BY,),
        Intent.BALANCE: (Flow.BALANCE,),
    }.get(intent, ())


def focus_flows(intent: Intent | None) -> tuple[Flow, ...]:
    """The flows a trade-figures answer puts first."""
    return _flows(intent) if intent is not None else ()


def _shorten(text: str, limit: int = BUTTON_LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def target_label(target: Target, names: dict[Target, str], locale: str) -> str:
    """A short plain-text label for ``target`` (a button, an inline result's title).

    ``names`` holds the titles of the items the store knows (sector names with their emoji,
    topic titles, source outlets).
    """
    intent = target.flow_intent
    if target.kind is TargetKind.INTENT and target.id == Intent.SOURCES:
        return _("📚 Sources")
    if intent is not None:
        titles = {
            Intent.TURNOVER: _("📊 Trade turnover"),
            Intent.EXPORT: _("📦 Exports both ways"),
            Intent.EXPORT_BY_TO_KZ: "📦 " + flow_title(Flow.EXPORT_BY_TO_KZ),
            Intent.EXPORT_KZ_TO_BY: "📦 " + flow_title(Flow.EXPORT_KZ_TO_BY),
            Intent.BALANCE: "⚖️ " + flow_title(Flow.BALANCE),
        }
        label = titles[intent]
        if target.period:
            label += " · " + short_period(Period.from_key(target.period), locale)
        return _shorten(label)
    if target.kind is TargetKind.PRODUCTS:
        return _("📦 Products")
    if target.kind is TargetKind.NEWS:
        return _("📰 Latest news")
    if target.kind is TargetKind.COMPARE:
        keys = target.id.split("+")
        return _shorten("⚖️ " + " → ".join(short_period(Period.from_key(k), locale) for k in sorted(keys)))
    name = names.get(target, target.id)
    if target.kind is TargetKind.SOURCE:
        return _shorten("📰 " + name)
    if target.kind in (TargetKind.TOPIC, TargetKind.FACT):
        return _shorten("▪️ " + name)
    return _shorten(name)


def render_not_sure(suggestions: Sequence[tuple[Target, str]]) -> Rendered:
    """The question matched nothing with confidence: say so; offer the closest items."""
    if not suggestions:
        return render_nothing_found()
    layout = [
        [button(label, SearchCb(kind=target.kind, item=target.id))] for target, label in suggestions[:3]
    ]
    text = "\n\n".join(
        [
            _("🤔 I'm not sure what you mean. Is it one of these?"),
            _("Or see /help for what I can answer."),
        ]
    )
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=layout))


def render_nothing_found() -> Rendered:
    return Rendered(
        _(
            "🤔 I'm not sure what you mean. I answer questions about trade between Belarus and "
            "Kazakhstan: turnover, exports, the balance, sectors and projects such as Magnum. "
            "See /help."
        ),
        main_menu(),
    )


def render_text_only() -> Rendered:
    """A sticker, a photo, a voice message: the bot reads text."""
    return Rendered(_("🙂 I read text only: type a question, or see /help."), main_menu())


@dataclass(frozen=True)
class InlineCard:
    """One inline-mode result: a card ready to send to any chat."""

    id: str
    title: str
    description: str
    text: str  # Telegram HTML
    deep_link: str | None  # the start payload that opens the same card in the bot


def description_lines(html: str) -> list[str]:
    """The card's lines as plain text, headings (lines all in bold) and citations left out."""
    found = []
    for line in html.splitlines():
        line = line.strip()
        if not line or _HEADING_RE.fullmatch(line):
            continue
        text = _CITATION_RE.sub("", unescape(_TAG_RE.sub("", line))).strip()
        if text:
            found.append(text)
    return found


def inline_card(card_id: str, title: str, screen: Rendered, deep_link: str | None) -> InlineCard:
    """``screen`` as an inline result, described by its first lines below the headings."""
    description = _shorten(" · ".join(description_lines(screen.text)[:3]), 120)
    return InlineCard(card_id[:64], _shorten(title, 64), description, screen.text, deep_link)


def open_in_bot_keyboard(url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("🤖 Open in the bot"), url=url)]]
    )
