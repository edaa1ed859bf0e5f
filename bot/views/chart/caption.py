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


def _years(years: list[int]) -> str:
    """``[2019, 2020, 2021, 2023]`` → "2019–2021, 2023": runs of three or more as a span."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(year_span(r[0], r[-1]) if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def usd_gaps(chart: TurnoverChart) -> list[tuple[str, str]]:
    """What has no value in US dollars in our sources: (flow, its years) for each annual line
    with blank years, and (period, "") for each period known by its growth rates only."""
    gaps = []
    for panel in chart.value_panels:
        found = {point.year for series in panel.series for point in series.points}
        missing = [year for year in range(chart.first_year, chart.last_year + 1) if year not in found]
        if missing:
            gaps.append((panel.title, _years(missing)))
    gaps += [(period.title, "") for period in chart.growth_periods if not period.usd_found]
    return gaps


def render_chart_caption(chart: TurnoverChart) -> Rendered:
    """The caption under the photo (HTML, within Telegram's 1,024 characters) and its buttons.

    Where a value in US dollars is missing it says so: not found in our sources (which is all
    the bot can know; never "not published"). A long list of gaps shortens to the flows and
    periods, and the outlets give way to the /sources link, before the caption would overflow.
    """
    head = [f"📈 {bold(chart.texts.title)}"]
    head.append(
        quote(
            _("Turnover and exports each way by year, {years}.").format(
                years=year_span(chart.first_year, chart.last_year)
            )
        )
    )
    if chart.growth_periods:
        periods = ", ".join(period.title for period in chart.growth_periods)
        head.append(quote(_("Growth on the same months a year before: {periods}").format(periods=periods)))
    head.append(
        italic(
            _(
                "Belarusian and Kazakh statistics are drawn separately. Hollow markers: the source "
                "says “over” or “about”. A year with no figure in our sources is left blank."
            )
        )
    )
    gaps = usd_gaps(chart)
    heading = [quote(_("Values in US dollars not found in our sources:"))] if gaps else []
    full = [quote(f"• {what}: {years}" if years else f"• {what}") for what, years in gaps]
    short = [quote(f"• {what}") for what, _years in gaps]
    link = quote(_("Every publication with its link: /sources"))
    outlets = [f"{bold(_('Sources'))}: {quote(', '.join(chart.outlets))}"]
    for missing, sources in ((full, outlets), (short, outlets), (full, []), (short, [])):
        blocks = (head, [*heading, *missing], [*sources, link])
        text = "\n\n".join("\n".join(block) for block in blocks if block)
        if len(text) <= CAPTION_LIMIT:  # the tags counted here outweigh the emoji's two units
            break
    return Rendered(text, chart_keyboard())


def render_no_chart() -> Rendered:
    return Rendered(_("No trade figures are loaded yet. Please try again later."))
