"""The first three lines of a /turnover card, which answer "how is trade going?": the
direction and growth of the turnover per reporter, the latest known level in US dollars with
its year, and the balance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiogram.utils.i18n import gettext as _

from bot.domain.models import Flow, PeriodReport, Reporter, TradeFigure
from bot.domain.trade import derived_balances
from bot.views import format as fmt
from bot.views.common import cite, country, quote


def short_reporter(reporter: Reporter | None) -> str:
    """Whose figure, in a few words: the summary's form of the reporter labels."""
    if reporter is Reporter.BELARUS:
        return _("🇧🇾 Belarusian data")
    if reporter is Reporter.KAZAKHSTAN:
        return _("🇰🇿 Kazakh data")
    return _("🗣 as stated")


def _value(figure: TradeFigure, locale: str, *, growth: bool) -> str:
    if growth and figure.growth_pct is not None:
        return fmt.bounded(fmt.percent(figure.growth_pct, locale), figure.growth_bound)
    if figure.value_usd is not None:
        return fmt.bounded(fmt.money(figure.value_usd, locale), figure.value_bound)
    return ""


def _each(
    figures: Sequence[TradeFigure],
    numbers: dict[str, int],
    urls: Mapping[str, str],
    locale: str,
    *,
    growth: bool,
) -> str:
    """ "+17 % (🗣 as stated) [1], +20 % (🇰🇿 Kazakh data) [2]"."""
    return ", ".join(
        f"{quote(_value(f, locale, growth=growth))} ({quote(short_reporter(f.reporter))}) {cite(f.source_ids, numbers, urls)}"
        for f in figures
    )


def _direction(report: PeriodReport, numbers: dict[str, int], urls: Mapping[str, str], locale: str) -> str:
    turnover = [f for f in report.figures if f.flow is Flow.TURNOVER]
    growing = [f for f in turnover if f.growth_pct is not None]
    if growing:
        rates = [f.growth_pct or 0.0 for f in growing]
        if all(rate > 0 for rate in rates):
            head = _("📈 Turnover is growing: {rates}")
        elif all(rate < 0 for rate in rates):
            head = _("📉 Turnover is falling: {rates}")
        else:
            head = _("↕️ Turnover change: {rates}")
        return head.format(rates=_each(growing, numbers, urls, locale, growth=True))
    valued = [f for f in turnover if f.value_usd is not None]
    if valued:
        line = _("📊 Turnover: {values}; our sources give no growth rate for it")
        return line.format(values=_each(valued, numbers, urls, locale, growth=False))
    return _("📊 Turnover: our sources give no figure for this period")


def _level(report: PeriodReport, numbers: dict[str, int], urls: Mapping[str, str], locale: str) -> str:
    if not report.level:
        return _("💵 Level in US dollars: not found in our sources")
    period = fmt.period(report.level[0].period, locale)
    line = _("💵 Latest known level, {period}: {values}")
    return line.format(values=_each(report.level, numbers, urls, locale, growth=False), period=quote(period))


def _balance(report: PeriodReport, numbers: dict[str, int], urls: Mapping[str, str], locale: str) -> str:
    stated = [f for f in report.figures if f.flow is Flow.BALANCE]
    derived = derived_balances(report.figures) if not stated else ()
    if not stated and not derived:
        return _("⚖️ Balance: not in our sources for this period")
    parts = []
    for figure in [*stated, *derived]:
        text = " ".join(
            part
            for part in (
                quote(_value(figure, locale, growth=False)),
                quote(country(figure.favours)) if figure.favours else "",
            )
            if part
        )
        who = short_reporter(figure.reporter)
        if figure in derived:
            who = _("{statistics}, calculated").format(statistics=who)
        parts.append(f"{text} ({quote(who)}) {cite(figure.source_ids, numbers, urls)}")
    return _("⚖️ Balance: {balances}").format(balances=", ".join(parts))


def summary_lines(
    report: PeriodReport, numbers: dict[str, int], urls: Mapping[str, str], locale: str
) -> list[str]:
    """The three lines, HTML, with citations into the card's numbered sources."""
    return [
        _direction(report, numbers, urls, locale),
        _level(report, numbers, urls, locale),
        _balance(report, numbers, urls, locale),
    ]
