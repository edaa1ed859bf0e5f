"""The /chart picture drawn with matplotlib: a pure function of the model, for a worker thread.

:func:`render_png` is CPU-bound (a few hundred milliseconds) and is called through
``asyncio.to_thread``, so the bot keeps answering meanwhile. It uses no gettext: every word
comes ready in the :class:`~bot.views.chart.model.TurnoverChart`. It draws on a private
``Figure`` with the Agg canvas, never pyplot's global state, so renders in several threads
cannot mix. matplotlib is imported on the first render, not when the bot starts.

The picture is one column 390 pt wide, for a phone (:mod:`bot.views.chart.phone` says how the
sizes follow): the title, the legend, the annual values as lines, the growth rates of the latest
periods as horizontal bars (a period with a single rate as a line of text), and a footer with
the bot's @username and the date of the newest source. Each part is a block that knows its
height in points before the figure exists, so the figure is exactly as tall as its content.

Belarusian, Kazakh and unattributed statistics are told apart by colour, marker, line style and
bar hatching, so they read in grey and for colour-blind readers; a qualified value is hollow.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.views.chart import panels
from bot.views.chart.model import GrowthPanel, TurnoverChart
from bot.views.chart.phone import (
    BODY_PT,
    HEADING_PT,
    INNER_PT,
    MARGIN_PT,
    PHONE_WIDTH_PT,
    TITLE_PT,
    pixels_per_point,
    text_height,
    text_width,
    wrap,
)
from bot.views.chart.styles import MUTED, STYLES, TEXT, Page, reporter_key

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Names the picture in the file_id cache; bump the suffix when the drawing changes, so that
#: pictures of the old look already uploaded to Telegram are not reused.
CHART_ID = "turnover-v2"

TOP_PT, BOTTOM_PT = 6.0, 6.0


class TextBlock:
    """Wrapped text across the column."""

    def __init__(
        self,
        text: str,
        size: float = BODY_PT,
        *,
        bold: bool = False,
        color: str = TEXT,
        gap: float = 8.0,
        gid: str | None = None,
    ) -> None:
        self.text = wrap(text, INNER_PT, size, bold)
        self.size, self.bold, self.color, self.gid = size, bold, color, gid
        self.height = text_height(self.text, size) + gap

    def draw(self, page: Page, top: float) -> None:
        x, y = page.point(MARGIN_PT, top)
        weight = "bold" if self.bold else "normal"
        page.fig.text(
            x,
            y,
            self.text,
            ha="left",
            va="top",
            fontsize=self.size,
            fontweight=weight,
            color=self.color,
            gid=self.gid,
            parse_math=False,
        )


class LegendBlock:
    """One entry a line: a line with its marker and a bar swatch, then whose statistics."""

    HANDLE_PT = 54.0  # line, marker and swatch end at 51 pt

    def __init__(self, chart: TurnoverChart) -> None:
        entries: list[tuple[str | None, str]] = [
            (reporter_key(r), chart.texts.reporters[reporter_key(r)]) for r in chart.reporters
        ]
        if chart.has_bounded:
            entries.append((None, chart.texts.hollow))
        self.entries = [(key, wrap(label, INNER_PT - self.HANDLE_PT, BODY_PT)) for key, label in entries]
        self.height = sum(text_height(label, BODY_PT) for _key, label in self.entries) + 4.0

    def draw(self, page: Page, top: float) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle

        for key, label in self.entries:
            middle = top + BODY_PT * 0.55
            style = STYLES[key] if key is not None else None
            color = style.color if style else MUTED
            (x0, y), (x1, _y) = page.point(MARGIN_PT, middle), page.point(MARGIN_PT + 30, middle)
            line = Line2D(
                [x0, x1],
                [y, y],
                transform=page.fig.transFigure,
                color=color,
                linewidth=2,
                linestyle=style.linestyle if style else "none",
            )
            page.fig.add_artist(line)
            mx, _my = page.point(MARGIN_PT + 15, middle)
            page.fig.add_artist(
                Line2D(
                    [mx],
                    [y],
                    transform=page.fig.transFigure,
                    marker=style.marker if style else "o",
                    markersize=9,
                    markeredgewidth=2,
                    color=color,
                    markerfacecolor=color if style else "white",
                )
            )
            rx, ry = page.point(MARGIN_PT + 36, middle + 8)
            width, height = page.size(15, 16)
            page.fig.add_artist(
                Rectangle(
                    (rx, ry),
                    width,
                    height,
                    transform=page.fig.transFigure,
                    facecolor=color if style else "white",
                    edgecolor=color,
                    linewidth=1.4,
                    hatch=style.hatch if style else None,
                    hatchcolor="white",
                )
            )
            tx, ty = page.point(MARGIN_PT + self.HANDLE_PT, top)
            page.fig.text(tx, ty, label, ha="left", va="top", fontsize=BODY_PT, color=TEXT, parse_math=False)
            top += text_height(label, BODY_PT)


Block = TextBlock | LegendBlock | panels.ValueBlock | panels.GrowthBlock


def _note(title: str, text: str, gid: str) -> list[Block]:
    return [TextBlock(title, BODY_PT, bold=True, gap=2), TextBlock(text, gap=6, gid=gid)]


def _blocks(chart: TurnoverChart) -> list[Block]:
    texts = chart.texts
    blocks: list[Block] = [
        TextBlock(texts.title, TITLE_PT, bold=True, gap=2),
        TextBlock(texts.subtitle, color=MUTED, gap=6),
        LegendBlock(chart),
    ]
    for index, panel in enumerate(chart.value_panels):
        if panel.note:
            blocks += _note(panel.title, panel.note, f"note:{panel.flow.value}")
        else:
            blocks.append(panels.ValueBlock(panel, chart, tall=index == 0))
    if chart.growth_periods:
        blocks.append(TextBlock(texts.growth_heading, HEADING_PT, bold=True, gap=4))
        scale = panels.GrowthScale(chart.growth_panels)
        for period in chart.growth_periods:
            if isinstance(period, GrowthPanel):
                blocks.append(panels.GrowthBlock(period, scale))
            else:
                blocks.append(TextBlock(period.title, bold=True, gap=2))
                blocks.append(TextBlock(period.text, gap=6, gid=f"note:{period.period_key}"))
    if chart.footer:  # the @username and the date each on a line of its own, if not on one
        footer = chart.footer
        if text_width(footer, BODY_PT) > INNER_PT:
            footer = footer.replace(" · ", "\n")
        blocks.append(TextBlock(footer, color=MUTED, gap=0, gid="footer"))
    return blocks


def build_figure(chart: TurnoverChart) -> Figure:
    """The matplotlib Figure of ``chart`` (not yet rendered; tests look at its texts).

    The layout is computed, not left to matplotlib's automatic layout, which would cost as much
    again as drawing the picture: every block measures its text first, the figure gets the sum.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    blocks = _blocks(chart)
    height = TOP_PT + sum(block.height for block in blocks) + BOTTOM_PT
    fig = Figure(
        figsize=(PHONE_WIDTH_PT / 72, height / 72), dpi=72 * pixels_per_point(height), facecolor="white"
    )
    FigureCanvasAgg(fig)
    page = Page(fig, height)
    top = TOP_PT
    for block in blocks:
        block.draw(page, top)
        top += block.height
    return fig


def render_png(chart: TurnoverChart) -> bytes:
    """The PNG of ``chart``: CPU-bound, call it in a worker thread."""
    fig = build_figure(chart)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buffer.getvalue()
