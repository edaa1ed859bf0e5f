"""How long the /chart picture takes to draw, and what a cached send costs.

    .venv/bin/python bench/charts.py [--repeat 9]

Prints, for the turnover chart in each locale:
- cold: the first render in this fresh process, matplotlib's import included;
- warm: the median of ``--repeat`` renders, and the ratio to a baseline measured in the same
  process (an empty figure of the Russian chart's size and resolution saved as PNG), so
  machines of different speed compare; the goal is a warm render under 300 ms;
- peak memory of one render (tracemalloc: Python and numpy allocations) and the process's
  maximum resident set size;
- a cached /chart through the real Dispatcher: the file_id is looked up and sent again, with no
  render (counted) and no upload; its time is given as a ratio to /turnover's.
Timings are medians of wall-clock time; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import screens  # noqa: E402
from bot.app import create_bot, create_dispatcher, create_i18n  # noqa: E402
from bot.domain.models import LOCALES  # noqa: E402
from bot.search.index import Indexer  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.testing.client import BotClient  # noqa: E402
from bot.testing.limits import png_size  # noqa: E402
from bot.testing.session import RecordingSession  # noqa: E402
from bot.testing.settings import offline_settings  # noqa: E402
from bot.views.chart import drawing  # noqa: E402
from bot.views.chart.model import TurnoverChart, signed  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def median_time_async(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()  # type: ignore[misc]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def empty_figure_png(width_in: float, height_in: float, dpi: float) -> bytes:
    """The baseline: a blank figure of the chart's size and resolution, saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def import_time() -> float:
    """matplotlib's import alone, in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); "
        "import matplotlib.figure, matplotlib.backends.backend_agg; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


async def main(repeat: int) -> None:
    assert "matplotlib" not in sys.modules, "the bot must not import matplotlib before the first chart"
    with tempfile.TemporaryDirectory() as tmp:
        settings = offline_settings(
            Path(tmp) / "bench.sqlite3",
            flood_limit=10**9,  # one client sends every request: flood control would drop them
        )
        store = await Store.open(settings.database_path, Indexer())
        try:
            await store.upgrade()
            await store.load_data(settings.data_dir)
            i18n = create_i18n(settings.default_locale)
            charts = {}
            for locale in LOCALES:
                with i18n.context(), i18n.use_locale(locale):
                    chart = await screens.chart_screen(store, locale)
                assert chart is not None
                charts[locale] = signed(chart, "bk_trade_bot")  # as the bot draws it

            rss_before = max_rss_mb()
            start = time.perf_counter()
            png = drawing.render_png(charts["ru"])
            cold = time.perf_counter() - start
            rss_cold = max_rss_mb()
            sized = drawing.build_figure(charts["ru"])
            width_in, height_in = (float(size) for size in sized.get_size_inches())
            size = (width_in, height_in, float(sized.dpi))
            print(
                f"turnover chart (ru), {width_in * 72:.0f}×{height_in * 72:.0f} pt at {sized.dpi / 72:.2f} px/pt: "
                f"{png_size(png)} px"
            )
            print(f"cold render (ru, import included) {ms(cold)}   PNG {len(png) / 1024:.0f} KB")
            print(f"  of which matplotlib's import    {ms(import_time())}   (fresh interpreter)")

            empty_figure_png(*size)  # its first call pays for nothing the chart has not paid already
            baseline = median_time(lambda: empty_figure_png(*size), repeat)
            print(f"baseline: empty figure → PNG       {ms(baseline)}   (median of {repeat})")
            print()
            print("locale   warm render     ×baseline   PNG")
            warm_all = []
            for locale, chart in charts.items():
                size = len(drawing.render_png(chart))
                warm = median_time(lambda chart=chart: drawing.render_png(chart), repeat)  # type: ignore[misc]
                warm_all.append(warm)
                goal = "ok" if warm < 0.3 else "OVER the 300 ms goal"
                print(f"{locale:6} {ms(warm)}   {warm / baseline:8.1f}×   {size / 1024:.0f} KB   {goal}")

            tracemalloc.start()
            drawing.render_png(charts["kk"])
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print()
            print(f"peak memory of one render (tracemalloc)        {peak / 2**20:6.1f} MB")
            print(f"max RSS: bot and data loaded, no chart yet     {rss_before:6.1f} MB")
            print(f"max RSS: after the first render (+matplotlib)  {rss_cold:6.1f} MB")
            rendered = f"after {len(charts) * (repeat + 1) + 1} renders"
            print(f"max RSS: {rendered:37} {max_rss_mb():6.1f} MB")

            # A cached send through the production Dispatcher, against /turnover as the baseline.
            renders = 0
            real_render = drawing.render_png

            def counting_render(chart: TurnoverChart) -> bytes:
                nonlocal renders
                renders += 1
                return real_render(chart)

            drawing.render_png = counting_render
            bot = create_bot(settings, session=RecordingSession())
            client = BotClient(create_dispatcher(settings, store, i18n), bot, language_code="ru")
            first = await client.send("/chart")
            assert isinstance(first.photos[0].photo, bytes) and renders == 1
            cached_sends = []

            async def cached_send() -> None:
                cached_sends.extend((await client.send("/chart")).photos)

            cached = await median_time_async(cached_send, repeat * 3)
            turnover = await median_time_async(lambda: client.send("/turnover"), repeat * 3)
            version = await store.version.current()
            lookup = await median_time_async(
                lambda: store.charts.file_id(drawing.CHART_ID, "ru", version), repeat * 3
            )
            sent_again = {reply.photo for reply in cached_sends}
            print()
            print(f"cached /chart (whole update)      {ms(cached)}   {cached / turnover:5.2f}× /turnover")
            print(f"  of which the file_id look-up    {ms(lookup)}")
            print(f"/turnover (baseline)              {ms(turnover)}")
            print(
                f"renders during {len(cached_sends)} cached sends: {renders - 1}; photos sent: {sent_again}"
            )
            print(
                f"warm render vs cached send: {statistics.median(warm_all) / cached:.0f}× "
                "(what the file_id cache saves, besides the upload)"
            )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9, help="renders per median (default 9)")
    asyncio.run(main(parser.parse_args().repeat))
