"""Official statistics: Belarus–Kazakhstan trade from UN Comtrade, and its mapping to figures.

No aiogram, no SQL: the client (``comtrade``) and the file reader (``files``) produce
:class:`~bot.ingest.rows.ComtradeRow` lists, ``mapping`` turns them into figures with their
sources and compares them with what is stored, ``hs_chapters`` reads the chapter names.

The pieces for ``python -m bot data fetch``::

    client = ComtradeClient(settings.comtrade_api_url, settings.comtrade_api_key)
    rows = await client.fetch_all(plan_queries(years, monthly=monthly, preview=client.preview))
    # or, offline: rows = read_comtrade_file(path)
    stats = map_rows(rows, retrieved=datetime.date.today())
    changes = diff(stored_figures, stats.figures)  # new / revised / unchanged

Every failure is one exception with a one-line message (``ComtradeError``,
``ComtradeFileError``, ``MappingError``, ``HsChaptersError``), raised before anything is stored.
"""

from bot.ingest.comtrade import ComtradeClient, ComtradeError, ComtradeQuery, plan_queries
from bot.ingest.files import ComtradeFileError, read_comtrade_file
from bot.ingest.hs_chapters import ChapterName, HsChaptersError, load_hs_chapters
from bot.ingest.mapping import (
    ChapterFigure,
    Diff,
    MappingError,
    OfficialFigure,
    OfficialSource,
    OfficialStatistics,
    diff,
    map_rows,
)
from bot.ingest.rows import ComtradeRow

__all__ = [
    "ChapterFigure",
    "ChapterName",
    "ComtradeClient",
    "ComtradeError",
    "ComtradeFileError",
    "ComtradeQuery",
    "ComtradeRow",
    "Diff",
    "HsChaptersError",
    "MappingError",
    "OfficialFigure",
    "OfficialSource",
    "OfficialStatistics",
    "diff",
    "load_hs_chapters",
    "map_rows",
    "plan_queries",
    "read_comtrade_file",
]
