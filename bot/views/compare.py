"""Two periods side by side: each flow, each reporter's figure in both, and the change where
it can honestly be computed.

A change is computed only between exact values in US dollars of the same statistics
(Belarusian with Belarusian, Kazakh with Kazakh); a row whose values the sources qualify
("over $1.2B") or whose statistics are not named says why it has no change.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import ChartCb, TurnoverCb
from bot.domain.models import Bound, Flow, PeriodReport, Reporter, TradeFigure
from bot.domain.trade import FLOW_ORDER
from bot.views import format as fmt
from bot.views.common import (
    Rendered,
    bold,
    button,
    cite,
    country,
    italic,
    numbering,
    quote,
    reporter_label,
    rows,
    sources_block,
)
from bot.views.turnover import flow_title, short_period

NO_FIGURE = "—"
_REPORTERS: tuple[Reporter | None, ...] = (Reporter.BELARUS, Reporter.KAZAKHSTAN, None)


def _value(figure: TradeFigure | None, locale: str) -> str:
    if figure is None:
        return NO_FIGURE
    parts = []
    if figure.value_usd is not None:
        parts.append(fmt.bounded(fmt.money(figure.value_usd, locale), figure.value_bound))
    if figure.growth_pct is not None:
        growth = fmt.bounded(fmt.percent(figure.growth_pct, locale), figure.growth_bound)
        parts.append(_("{growth} year on year").format(growth=growth))
    if figure.flow is Flow.BALANCE and figure.favours is not None:
        parts.append(country(figure.favours))
    return ", ".join(parts) or NO_FIGURE


def _change(old: TradeFigure | None, new: TradeFigure | None, locale: str) -> str | None:
    """The change from ``old`` to ``new``, or why there is none (None: nothing to say)."""
    if old is None or new is None or old.value_usd is None or new.value_usd is None:
        return None
    if old.reporter is None:
        return _("no change computed: whose statistics these are is not stated")
    if old.value_bound is not Bound.EXACT or new.value_bound is not Bound.EXACT:
        return _("no change computed: the sources give approximate values")
    if old.flow is Flow.BALANCE and old.favours != new.favours:
        return _("no change computed: the balance changed sides")
    if old.value_usd == 0:
        return None
    change = (new.value_usd - old.value_usd) / old.value_usd * 100
    return _("change: {change}").format(change=fmt.percent(round(change, 1), locale))


def _first(report: PeriodReport, flow: Flow, reporter: Reporter | None) -> TradeFigure | None:
    return next((f for f in report.figures if f.flow is flow and f.reporter == reporter), None)


def _row(old: TradeFigure | None, new: TradeFigure | None, numbers: dict[str, int], locale: str) -> str:
    either = old or new
    reporter = either.reporter if either is not None else None
    cited_old = f" {cite(old.source_ids, numbers)}" if old else ""
    cited_new = f" {cite(new.source_ids, numbers)}" if new else ""
    line = (
        f"{quote(reporter_label(reporter))}: {bold(_value(old, locale))}{cited_old}"
        f" → {bold(_value(new, locale))}{cited_new}"
    )
    change = _change(old, new, locale)
    if change:
        line += f"\n    {italic(change)}"
    return line


def render_compare(old: PeriodReport, new: PeriodReport, locale: str) -> Rendered:
    """``old`` and ``new`` (the earlier period first) side by side, per flow and reporter."""
    sources = tuple({s.id: s for s in (*old.sources, *new.sources)}.values())
    numbers = numbering(sources)
    heading = f"{fmt.period(old.period, locale)} → {fmt.period(new.period, locale)}"
    lines = [bold(_("⚖️ Belarus–Kazakhstan trade: periods compared")), bold(heading)]
    for flow in FLOW_ORDER:
        pairs = [(_first(old, flow, reporter), _first(new, flow, reporter)) for reporter in _REPORTERS]
        shown = [(a, b) for a, b in pairs if a is not None or b is not None]
        if not shown:
            continue
        lines += ["", bold(flow_title(flow))]
        lines += [_row(a, b, numbers, locale) for a, b in shown]
    lines += [
        "",
        italic(
            _(
                "A change is computed only between exact values in US dollars of the same "
                "statistics: Belarusian and Kazakh figures are never mixed."
            )
        ),
    ]
    if sources:
        lines += ["", sources_block(sources, locale)]
    periods = [button(short_period(p.period, locale), TurnoverCb(period=p.period.key)) for p in (old, new)]
    keyboard = [*rows(periods, 2), [button(_("📈 Chart"), ChartCb())]]
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=keyboard))
