"""/turnover: growth, exports each way and the balance for one period, with sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_interval

from bot.callbacks import ChartCb, MenuAction, MenuCb, ProductsCb, TurnoverCb, TurnoverDetailsCb
from bot.domain.models import Bound, Flow, Period, PeriodReport, Reporter, TradeFigure
from bot.domain.trade import by_flow, derived_balances, mirror_gap
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    as_of,
    bold,
    button,
    cite,
    country,
    italic,
    numbering,
    quote,
    reporter_label,
    rows,
    share_button,
    sources_block,
    urls_of,
)
from bot.views.turnover_summary import summary_lines


def flow_title(flow: Flow) -> str:
    titles = {
        Flow.TURNOVER: _("Trade turnover"),
        Flow.EXPORT_BY_TO_KZ: _("Exports Belarus → Kazakhstan"),
        Flow.EXPORT_KZ_TO_BY: _("Exports Kazakhstan → Belarus"),
        Flow.BALANCE: _("Balance"),
    }
    return titles[flow]


def _figure_value(figure: TradeFigure, locale: str) -> str:
    parts = []
    if figure.value_usd is not None:
        parts.append(fmt.bounded(fmt.money(figure.value_usd, locale), figure.value_bound))
    if figure.growth_pct is not None:
        growth = fmt.bounded(fmt.percent(figure.growth_pct, locale), figure.growth_bound)
        parts.append(_("{growth} year on year").format(growth=growth))
    text = ", ".join(parts)
    if figure.flow is Flow.BALANCE and figure.favours is not None:
        text = f"{text} {country(figure.favours)}" if text else country(figure.favours)
    return text


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def footnote_mark(number: int) -> str:
    return str(number).translate(_SUPERSCRIPTS)


def _figure_line(
    figure: TradeFigure,
    numbers: dict[str, int],
    urls: dict[str, str],
    locale: str,
    *,
    derived: bool,
    notes: dict[str, int] | None,
) -> str:
    """One figure on one line; with ``notes`` (the detailed card) its notes become numbered
    footnotes (each text numbered once, however many rows share it)."""
    line = f"{quote(reporter_label(figure.reporter))}: {bold(_figure_value(figure, locale))}"
    if derived:
        line += " " + italic(_("(calculated from the two export figures)"))
    elif figure.computed:
        line += " " + italic(computed_label(figure))
    line += f" {cite(figure.source_ids, numbers, urls)}"
    if notes is not None and figure.note:
        line += footnote_mark(notes.setdefault(figure.note, len(notes) + 1))
    if figure.mirror and not derived:  # what the figure means, not who said it: on every card
        line += f"\n    {italic(mirror_label(figure))}"
    return line


def mirror_label(figure: TradeFigure) -> str:
    """Says whose view an official export figure is when it was measured as imports."""
    if figure.reporter is Reporter.KAZAKHSTAN:
        return _("Kazakhstan's imports from Belarus: the Kazakh side's view of Belarusian exports")
    return _("Belarus's imports from Kazakhstan: the Belarusian side's view of Kazakh exports")


def computed_label(figure: TradeFigure) -> str:
    if figure.flow is Flow.TURNOVER:
        return _("(computed: exports plus imports)")
    return _("(computed: the sum of the monthly figures)")


@lru_cache(maxsize=256)
def short_period(period: Period, locale: str) -> str:
    """A button label: "2024", "Jan – Aug 2025"."""
    if period.is_full_year:
        return str(period.year)
    start, end = dt.date(period.year, period.start, 1), dt.date(period.year, period.end, 1)
    return format_interval(start, end, "yMMM", locale=locale)


def share_query(period: Period | None) -> str:
    """What the Share button types after @bot: "turnover 2024" in the reader's language."""
    if period is None:
        return _("turnover")
    return _("turnover {period}").format(period=period.key)


def period_keyboard(
    periods: tuple[Period, ...], current: Period | None, locale: str, *, details: bool | None = None
) -> InlineKeyboardMarkup:
    """The period switches and the other screens; ``details`` False adds the "Details" button,
    True the Back to the summary card."""
    labels = [(period, short_period(period, locale)) for period in periods]
    switches = [
        button(f"• {label} •" if period == current else label, TurnoverCb(period=period.key))
        for period, label in labels
    ]
    more = [
        button(_("📈 Chart"), ChartCb()),
        button(_("📦 Products"), ProductsCb()),
        button(_("🏭 Sectors"), MenuCb(action=MenuAction.SECTORS)),
        button(_("📚 Sources"), MenuCb(action=MenuAction.SOURCES)),
    ]
    layout = [*rows(switches, 3), more, [share_button(share_query(current))]]
    if current is not None and details is False:
        layout.insert(0, [button(_("🔎 Details and notes"), TurnoverDetailsCb(period=current.key))])
    elif current is not None and details:
        layout = [[button(_("◀️ Back to the summary"), TurnoverCb(period=current.key))], more, layout[-1]]
    return InlineKeyboardMarkup(inline_keyboard=layout)


def render_turnover(
    report: PeriodReport, locale: str, focus: Sequence[Flow] = (), *, details: bool = False
) -> Rendered:
    """The card for one period: three lines that answer "how is trade going?", then each flow
    (those in ``focus``, what the reader asked about, first), then the sources. The detailed
    card (``details``) adds who stated each figure and our inferences as numbered footnotes."""
    numbers = numbering(report.sources)
    urls = urls_of(report.sources)
    lines = [
        bold(_("📊 Belarus–Kazakhstan trade")),
        bold(fmt.period(report.period, locale)),
        *summary_lines(report, numbers, urls, locale),
    ]
    dated = as_of(report.sources, locale)
    if dated:
        lines.append(dated)
    grouped = by_flow(report.figures)
    computed = derived_balances(report.figures)
    if computed and Flow.BALANCE not in grouped:
        grouped[Flow.BALANCE] = []
    if focus:
        missing = [flow for flow in focus if flow not in grouped]
        if missing:
            asked = ", ".join(flow_title(flow) for flow in missing)
            note = _("The sources give no figure for “{flow}” in this period; here is what they do give.")
            lines += ["", italic(note.format(flow=asked))]
        first = [flow for flow in focus if flow in grouped]
        grouped = {flow: grouped[flow] for flow in [*first, *(f for f in grouped if f not in first)]}
    notes: dict[str, int] | None = {} if details else None
    lines.append("")  # one blank line before the flows: their bold titles part them
    for flow, figures in grouped.items():
        lines.append(bold(flow_title(flow)))
        lines += [_figure_line(f, numbers, urls, locale, derived=False, notes=notes) for f in figures]
        if flow is Flow.BALANCE:
            lines += [_figure_line(f, numbers, urls, locale, derived=True, notes=notes) for f in computed]
    if notes:
        lines += ["", bold(_("Notes"))]
        lines += [f"{footnote_mark(number)} {italic(text)}" for text, number in notes.items()]
    caveats = []
    if mirror_gap(report.figures):
        caveats.append(_("Belarusian and Kazakh statistics differ (mirror statistics), so both are shown."))
    if details and all(f.value_usd is None or f.flow is Flow.BALANCE for f in report.figures):
        caveats.append(_("Our sources give growth rates only, no totals in US dollars."))
    if details and any(
        f.value_bound is not Bound.EXACT or f.growth_bound is not Bound.EXACT for f in report.figures
    ):
        caveats.append(_("“over” and “about” are the sources' own words."))
    if caveats:
        lines += ["", *(italic(caveat) for caveat in caveats)]
    lines += ["", sources_block(report.sources, locale)]
    keyboard = period_keyboard(report.periods, report.period, locale, details=details)
    return Rendered("\n".join(lines), keyboard)


def render_unknown_period(query: str, periods: tuple[Period, ...], locale: str, *, parsed: bool) -> Rendered:
    """``/turnover 1850`` (a period with no data) or ``/turnover abc`` (not a period)."""
    shown = quote(query[:40] + ("…" if len(query) > 40 else ""))
    if parsed:
        head = _("I have no trade figures for {period}.").format(period=bold(shown))
    else:
        head = _("“{text}” is not a period I understand.").format(text=shown)
    available = ", ".join(quote(fmt.period(p, locale)) for p in periods)
    body = _("Periods with data: {periods}.").format(periods=available.rstrip("."))
    example = next((p.key for p in periods if p.is_full_year), periods[0].key if periods else "2024")
    hint = _("Type, for example, /turnover {example} or choose below.").format(example=example)
    return Rendered(f"{head}\n{body}\n{hint}", period_keyboard(periods, None, locale))


def render_no_data() -> Rendered:
    return Rendered(_("No trade figures are loaded yet. Please try again later."))
