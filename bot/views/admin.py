"""What admins see: the publishing flow, delivery progress and /stats."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import PublishAction, PublishCb
from bot.domain.limits import FACT_TEXT_LIMIT
from bot.domain.models import ALL_SECTORS, DeliveryState, Sector
from bot.views import format as fmt
from bot.views.common import Rendered, bold, italic, quote
from bot.views.facts import language_name, sector_label


def render_refusal() -> Rendered:
    return Rendered(_("Sorry, only the bot's editors can do this."))


def render_choose_sector(sectors: tuple[Sector, ...]) -> Rendered:
    builder = InlineKeyboardBuilder()
    for sector in sectors:
        builder.button(
            text=sector_label(sector),
            callback_data=PublishCb(action=PublishAction.SECTOR, sector_id=sector.id),
        )
    builder.button(
        text=sector_label(None), callback_data=PublishCb(action=PublishAction.SECTOR, sector_id=ALL_SECTORS)
    )
    builder.button(text=_("✖️ Cancel"), callback_data=PublishCb(action=PublishAction.CANCEL))
    builder.adjust(1)
    return Rendered(bold(_("📣 New update: choose the sector")), builder.as_markup())


def render_ask_text(sector: Sector | None) -> Rendered:
    text = _("📣 {sector}: send the text of the update (up to {limit} characters), or /cancel.").format(
        sector=bold(sector_label(sector)), limit=fmt.number(FACT_TEXT_LIMIT)
    )
    return Rendered(text)


def render_confirm(recipients: int) -> Rendered:
    text = ngettext(
        "Above is the update exactly as subscribers will see it. Send it to {n} chat now?",
        "Above is the update exactly as subscribers will see it. Send it to {n} chats now?",
        recipients,
    ).format(n=fmt.number(recipients))
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Publish"), callback_data=PublishCb(action=PublishAction.CONFIRM))
    builder.button(text=_("✖️ Cancel"), callback_data=PublishCb(action=PublishAction.CANCEL))
    return Rendered(text, builder.as_markup())


def render_cancelled() -> Rendered:
    return Rendered(_("Cancelled: nothing was published."))


def render_already_published() -> Rendered:
    """A second tap on "✅ Publish" (a double tap, or the button pressed again)."""
    return Rendered(_("Already published."))


def render_ask_source() -> Rendered:
    return Rendered(
        _("🔗 Now send the link to the source of this update (an http or https address), or /cancel.")
    )


def render_bad_source(source: str | None) -> Rendered:
    """``source`` None: there was no link at all."""
    if source is None:
        text = _(
            "Every update needs its source: put the link at the end, e.g. "
            "/publish food_retail New stores open in Astana https://example.kz/news/1"
        )
    else:
        text = _(
            "“{link}” is not a valid source link: it must be an http or https address with a host, "
            "e.g. https://example.kz/news/1"
        ).format(link=quote(source[:200]))
    return Rendered(text)


def render_publish_usage(sectors: tuple[Sector, ...]) -> Rendered:
    ids = ", ".join([s.id for s in sectors] + ["all"])
    text = _(
        "Write /publish, a sector, the text and the source link, e.g. "
        "/publish food_retail New stores open in Astana https://example.kz/news/1; "
        "or /publish alone for a guided flow. Sectors: {ids}."
    )
    return Rendered(text.format(ids=quote(ids)))


def render_text_too_long(length: int) -> Rendered:
    return Rendered(
        _("The text has {length} characters; the limit is {limit}. Please shorten it.").format(
            length=fmt.number(length), limit=fmt.number(FACT_TEXT_LIMIT)
        )
    )


def render_stats(
    sectors: tuple[Sector, ...],
    by_sector: Mapping[str, int],
    by_locale: Mapping[str, int],
    deliveries: Mapping[DeliveryState, int],
    failures: list[tuple[str, int]],
    reader_locale: str,
) -> Rendered:
    lines = [bold(_("📊 Subscribers by sector"))]
    for sector in (*sectors, None):
        sector_id = sector.id if sector else ALL_SECTORS
        lines.append(f"{quote(sector_label(sector))}: {fmt.number(by_sector.get(sector_id, 0))}")
    lines += ["", bold(_("🌐 Subscribers by language"))]
    for locale, count in sorted(by_locale.items(), key=lambda item: -item[1]):
        lines.append(f"{quote(language_name(locale, reader_locale))}: {fmt.number(count)}")
    if not by_locale:
        lines.append(italic(_("No subscribers yet.")))
    lines += [
        "",
        bold(_("📬 Deliveries")),
        _("✅ delivered: {n}").format(n=fmt.number(deliveries.get(DeliveryState.SENT, 0))),
        _("⏳ pending: {n}").format(n=fmt.number(deliveries.get(DeliveryState.PENDING, 0))),
        _("🚫 blocked the bot: {n}").format(n=fmt.number(deliveries.get(DeliveryState.BLOCKED, 0))),
        _("❌ failed: {n}").format(n=fmt.number(deliveries.get(DeliveryState.FAILED, 0))),
    ]
    if failures:
        lines += ["", bold(_("Why deliveries failed"))]
        lines += [f"• {quote(reason)}: {fmt.number(count)}" for reason, count in failures]
    return Rendered("\n".join(lines))
