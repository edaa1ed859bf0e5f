"""The message around the /chart picture: its caption (Telegram HTML) and buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MenuAction, MenuCb
from bot.views.chart.model import TurnoverChart, year_span
from bot.views.common import Rendered, bold, italic, quote

CAPTION_LIMIT = 1024  # Telegram's limit on a photo caption, after entity parsing


def chart_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📊 Turnover"), callback_data=MenuCb(action=MenuAction.TURNOVER))
    builder.button(text=_("📚 Sources"), callback_data=MenuCb(action=MenuAction.SOURCES))
    return builder.as_markup()


def render_chart_caption(chart: TurnoverChart) -> Rendered:
    """The caption under the photo (HTML, within Telegram's 1,024 characters) and its buttons."""
    lines = [f"📈 {bold(chart.texts.title)}"]
    lines.append(
        quote(
            _("Turnover and exports each way by year, {years}.").format(
                years=year_span(chart.first_year, chart.last_year)
            )
        )
    )
    if chart.growth_panels:
        periods = ", ".join(panel.title for panel in chart.growth_panels)
        lines.append(quote(_("Growth on the same months a year before: {periods}").format(periods=periods)))
    lines.append(
        italic(
            _(
                "Belarusian and Kazakh statistics are drawn separately. Hollow markers: the source "
                "says “over” or “about”. A year with no published figure is left blank."
            )
        )
    )
    lines.append("")
    outlets = ", ".join(chart.outlets)
    footer = _("Every publication with its link: /sources")
    lines.append(f"{bold(_('Sources'))}: {quote(outlets)}")
    lines.append(quote(footer))
    text = "\n".join(lines)
    if len(text) > CAPTION_LIMIT:  # a much larger dataset: the sources stay one tap away
        text = "\n".join([*lines[:-3], "", quote(footer)])
    return Rendered(text, chart_keyboard())


def render_no_chart() -> Rendered:
    return Rendered(_("No trade figures are loaded yet. Please try again later."))
