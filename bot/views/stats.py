"""The parts of /stats that tell the editor what to do next: which chats follow the bot, what
the last data load and statistics fetch brought, and the questions the bot was not sure about
(so the editor knows which words to add to the data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiogram.utils.i18n import gettext as _

from bot.domain.insights import UNSURE_DAYS, DataRun
from bot.views import format as fmt
from bot.views.common import bold, italic, quote


def _when(run: DataRun, locale: str) -> str:
    return f"{fmt.date(run.at[:10], locale)} {run.at[11:16]} UTC"


def _load_line(run: DataRun | None, locale: str) -> str:
    if run is None:
        return _("📥 Last data load: none recorded yet")
    return _("📥 Last data load: {when}: {sources} sources, {figures} figures, {topics} topics").format(
        when=_when(run, locale),
        sources=fmt.number(run.brought.get("sources", 0)),
        figures=fmt.number(run.brought.get("figures", 0)),
        topics=fmt.number(run.brought.get("topics", 0)),
    )


def _fetch_line(run: DataRun | None, locale: str) -> str:
    if run is None:
        return _("🌐 Last UN Comtrade fetch: none recorded yet")
    return _(
        "🌐 Last UN Comtrade fetch: {when}: {rows} rows, {new} new figures, {revised} revised, "
        "{chapters} new or revised HS chapter figures"
    ).format(
        when=_when(run, locale),
        rows=fmt.number(run.brought.get("rows", 0)),
        new=fmt.number(run.brought.get("figures_new", 0)),
        revised=fmt.number(run.brought.get("figures_revised", 0)),
        chapters=fmt.number(run.brought.get("chapters_new", 0) + run.brought.get("chapters_revised", 0)),
    )


def render_insights(
    chat_kinds: tuple[int, int, int],
    runs: Mapping[str, DataRun],
    unsure: Sequence[tuple[str, int]],
    locale: str,
) -> str:
    private, groups, channels = chat_kinds
    lines = [
        bold(_("👥 Subscribed chats")),
        _("private chats: {n}").format(n=fmt.number(private)),
        _("groups: {n}").format(n=fmt.number(groups)),
        _("channels: {n}").format(n=fmt.number(channels)),
        "",
        bold(_("🔄 Data")),
        _load_line(runs.get("load"), locale),
        _fetch_line(runs.get("fetch"), locale),
        "",
        bold(_("❓ Questions the bot was not sure about ({days} days)").format(days=UNSURE_DAYS)),
    ]
    lines += [f"• {quote(text)}: {fmt.number(count)}" for text, count in unsure]
    if not unsure:
        lines.append(italic(_("None: every question found its answer.")))
    return "\n".join(lines)
