"""/chart: turnover and exports as a picture, in the reader's language, in three parts.

- :mod:`.model`: what to draw, with every label in the reader's language (gettext, Babel);
  built in the event loop, where the reader's i18n context is set, for the caption as well.
- :mod:`.caption`: the caption under the photo (HTML) and its buttons.
- :mod:`.drawing`: the matplotlib picture of a model, rendered in a worker thread; it knows no
  gettext, so it is a pure function of the model.

The drawing's functions are not re-exported here: callers use ``drawing.render_png`` through
its module, so that one attribute is what a test or the bench replaces.
"""

from bot.views.chart.caption import render_chart_caption, render_no_chart
from bot.views.chart.model import TurnoverChart, turnover_chart

__all__ = ["TurnoverChart", "render_chart_caption", "render_no_chart", "turnover_chart"]
