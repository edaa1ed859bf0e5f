"""Official statistics: Belarus–Kazakhstan trade from UN Comtrade, and its mapping to figures.

No aiogram, no SQL.
"""

from bot.ingest.hs_chapters import ChapterName, HsChaptersError, load_hs_chapters

__all__ = ["ChapterName", "HsChaptersError", "load_hs_chapters"]
