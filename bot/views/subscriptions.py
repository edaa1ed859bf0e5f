"""/subscribe, /unsubscribe, /subscriptions."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import FollowOfferCb, SettingsAction, SettingsCb, SubscribeCb
from bot.domain.models import ALL_SECTORS, FIGURES, Sector
from bot.views.common import Rendered, bold, button, quote, rows
from bot.views.facts import sector_label


def toggle_keyboard(sectors: Iterable[Sector], followed: frozenset[str]) -> InlineKeyboardMarkup:
    everything = ALL_SECTORS in followed  # the master switch: on, every sector is ticked
    toggles = [
        (f"{'✅' if everything or s.id in followed else '▫️'} {s.emoji} {s.name}", s.id) for s in sectors
    ]
    toggles.append((f"{'✅' if everything else '▫️'} {sector_label(None)}", ALL_SECTORS))
    toggles.append((f"{'✅' if FIGURES in followed else '▫️'} {figures_label()}", FIGURES))
    buttons = [button(text, SubscribeCb(sector_id=sector_id)) for text, sector_id in toggles]
    buttons.append(button(_("⚙️ Digests and quiet hours"), SettingsCb(action=SettingsAction.SHOW)))
    return InlineKeyboardMarkup(inline_keyboard=rows(buttons, 1))


def figures_label() -> str:
    return _("📊 New trade figures")


def subscription_label(sectors: Iterable[Sector], sector_id: str) -> str | None:
    """What a subscription is called: a sector, all sectors or the trade figures."""
    if sector_id == FIGURES:
        return figures_label()
    if sector_id == ALL_SECTORS:
        return sector_label(None)
    return next((f"{s.emoji} {s.name}" for s in sectors if s.id == sector_id), None)


def render_toggles(sectors: tuple[Sector, ...], followed: frozenset[str]) -> Rendered:
    text = "\n".join(
        [
            bold(_("🔔 Subscriptions")),
            _(
                "Tap a sector to follow it or to stop. New facts come to this chat as soon as they are published."
            ),
            _("Or have them gathered into a daily or weekly digest, with quiet hours: ⚙️ below."),
        ]
    )
    return Rendered(text, toggle_keyboard(sectors, followed))


def _names(sectors: tuple[Sector, ...], ids: Iterable[str]) -> list[str]:
    labels = [subscription_label(sectors, sector_id) for sector_id in ids]
    return [label for label in labels if label is not None]


def render_subscribed(sectors: tuple[Sector, ...], sector_id: str) -> Rendered:
    [name] = _names(sectors, [sector_id])
    if sector_id == FIGURES:
        text = _(
            "✅ Subscribed: {what}. When new or revised trade figures arrive, one message will come to this chat."
        ).format(what=bold(name))
    else:
        text = _("✅ Subscribed: {sector}. New facts will come to this chat.").format(sector=bold(name))
    text += "\n" + _("To stop, untick it in /subscribe.")
    return Rendered(text)


def _sector_names(sectors: tuple[Sector, ...], followed: frozenset[str]) -> str:
    return ", ".join(quote(f"{s.emoji} {s.name}") for s in sectors if s.id in followed)


def render_unsubscribed(
    sectors: tuple[Sector, ...],
    sector_id: str | None,
    changed: bool,
    *,
    all_was_on: bool = False,
    followed: frozenset[str] = frozenset(),
) -> Rendered:
    """After /unsubscribe: what stopped, and what still comes (``followed``: what the chat
    follows now)."""
    if sector_id is None:
        if not changed:
            return Rendered(_("You were not subscribed to anything. /subscribe to start."))
        return Rendered(_("🔕 Unsubscribed from everything. /subscribe to start again."))
    [name] = _names(sectors, [sector_id])
    still = _sector_names(sectors, followed)
    if not changed:
        text = _("You were not subscribed to {sector}.").format(sector=bold(name))
        if sector_id == ALL_SECTORS and still:
            text += "\n" + _(
                "News of {sectors} still comes here: you follow them one by one. "
                "/unsubscribe with no argument stops everything."
            ).format(sectors=still)
        return Rendered(text)
    text = _("🔕 Unsubscribed: {sector}.").format(sector=bold(name))
    if all_was_on and sector_id not in (ALL_SECTORS, FIGURES):
        text += "\n" + _("“All sectors” is off now; you still follow: {sectors}.").format(sectors=still)
    return Rendered(text)


def render_subscription_list(sectors: tuple[Sector, ...], followed: frozenset[str]) -> Rendered:
    if not followed:
        return Rendered(_("You don't follow any sector yet. /subscribe to choose."))
    ordered = [] if ALL_SECTORS in followed else [s.id for s in sectors if s.id in followed]
    ordered += [extra for extra in (ALL_SECTORS, FIGURES) if extra in followed]
    lines = [bold(_("🔔 You follow:"))] + [f"• {quote(name)}" for name in _names(sectors, ordered)]
    return Rendered("\n".join(lines), toggle_keyboard(sectors, followed))


def render_unknown_sector_argument(
    argument: str, sectors: tuple[Sector, ...], followed: frozenset[str]
) -> Rendered:
    names = ", ".join([quote(f"{s.emoji} {s.name}") for s in sectors])
    text = _("There is no sector “{sector}”. Sectors: {names}; or all of them, or the trade figures:").format(
        sector=quote(argument[:40]), names=names
    )
    return Rendered(text, toggle_keyboard(sectors, followed))


def render_subscribed_alert(now_on: bool, name: str | None) -> str:
    """The short notice after a toggle (a callback answer: plain text, ≤ 200 characters)."""
    label = name or sector_label(None)
    return (_("🔔 Subscribed: {sector}") if now_on else _("🔕 Unsubscribed: {sector}")).format(sector=label)


def with_follow_offer(screen: Rendered, item: str) -> Rendered:
    """``screen`` (a /turnover or sector card) with the one-time offer to follow ``item``
    (``figures`` or that sector): a button that says what following brings. A sector card's
    own subscribe button says it; under the trade figures it is a row of its own. The text is
    left as it is, so the card reads the same when shared."""
    own = screen.markup.inline_keyboard if screen.markup else []
    if item == FIGURES:
        offer = InlineKeyboardButton(
            text=_("🔔 Get new trade figures here"), callback_data=FollowOfferCb(item=item).pack()
        )
        return Rendered(screen.text, InlineKeyboardMarkup(inline_keyboard=[*own, [offer]]))
    subscribe = SubscribeCb(sector_id=item, card=True, on=True).pack()
    label = _("🔔 Subscribe: get this sector's news here")
    layout = [
        [b.model_copy(update={"text": label}) if b.callback_data == subscribe else b for b in row]
        for row in own
    ]
    return Rendered(screen.text, InlineKeyboardMarkup(inline_keyboard=layout))
