"""Each distinct /chart picture drawn once per test process, for tests that only look at it.

A render costs most of a second and the tests ask for the same few charts (one per locale over
the checkout's data) again and again. The drawing is a pure function of its model, plain frozen
data whose repr says everything drawn, so the one render of a model serves every test that asks
for that model: the bot still calls ``drawing.render_png`` each time (tests count the calls),
and gets the PNG of the bot's own ``render_png``.
"""

from __future__ import annotations

import warnings
import weakref
from dataclasses import dataclass

import pytest
from matplotlib.figure import Figure

from bot.views.chart import drawing
from bot.views.chart.model import TurnoverChart

_render_png, build_figure = drawing.render_png, drawing.build_figure


@dataclass
class Render:
    """One chart drawn: its figure, its PNG and the warnings matplotlib gave while drawing it."""

    figure: Figure
    png: bytes
    warnings: list[str]


_RENDERED: dict[str, Render] = {}  # by the repr of the chart's model
#: Figures already drawn: their texts are laid out, their tick labels formatted.
_DRAWN: weakref.WeakSet[Figure] = weakref.WeakSet()


def laid_out(figure: Figure) -> Figure:
    """``figure`` drawn, as a test needs it to read its texts and where they are: the renders
    here were drawn by ``render_png``'s own ``savefig``, and drawing again changes nothing."""
    if figure not in _DRAWN:
        figure.canvas.draw()
        _DRAWN.add(figure)
    return figure


def shared_render(chart: TurnoverChart) -> Render:
    """``chart`` rendered by the bot's own ``render_png``, once per test process."""
    key = repr(chart)
    if key not in _RENDERED:
        built: list[Figure] = []

        def keep(model: TurnoverChart) -> Figure:
            built.append(build_figure(model))
            return built[-1]

        with warnings.catch_warnings(record=True) as caught, pytest.MonkeyPatch.context() as patch:
            warnings.simplefilter("always")
            patch.setattr(drawing, "build_figure", keep)
            png = _render_png(chart)
        [figure] = built
        _DRAWN.add(figure)
        _RENDERED[key] = Render(figure, png, [str(w.message) for w in caught])
    return _RENDERED[key]


def share_renders(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Make the bot's renders shared ones (:func:`shared_render`) for a test: returns every
    figure the bot asks ``render_png`` for, in order."""
    drawn: list[Figure] = []

    def render(chart: TurnoverChart) -> bytes:
        done = shared_render(chart)
        drawn.append(done.figure)
        return done.png

    monkeypatch.setattr(drawing, "render_png", render)
    return drawn
