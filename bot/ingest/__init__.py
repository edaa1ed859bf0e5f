"""Official statistics: Belarus–Kazakhstan trade from UN Comtrade, and its mapping to figures.

No aiogram, no SQL.
"""

from bot.ingest.comtrade import ComtradeClient, ComtradeError, ComtradeQuery, plan_queries
from bot.ingest.hs_chapters import ChapterName, HsChaptersError, load_hs_chapters
from bot.ingest.rows import ComtradeRow

__all__ = [
    "ChapterName",
    "ComtradeClient",
    "ComtradeError",
    "ComtradeQuery",
    "ComtradeRow",
    "HsChaptersError",
    "load_hs_chapters",
    "plan_queries",
]
