"""What Telegram can take, counted the way Telegram counts: text lengths in UTF-16 code units
(an emoji outside the Basic Multilingual Plane is two), ids within 52 bits.

One place for each limit: the views, the /publish checks and the dataset validation all read
them from here.
"""

from __future__ import annotations

# A message's text after entity parsing (the tags don't count, the characters do).
MESSAGE_LIMIT = 4096
# What views aim for, leaving room for a footer.
SAFE_LIMIT = 3900
# A published fact's own text: the heading and the notes around it take the rest.
FACT_TEXT_LIMIT = 3500
# A fact's source link (the link's text is its host, so the length is the address's own).
SOURCE_URL_LIMIT = 1024
# "At most 52 significant bits" (Bot API), for user and chat ids alike; SQLite could not even
# store one past 2^63.
TELEGRAM_ID_LIMIT = 2**52


def utf16_length(text: str) -> int:
    """The length Telegram sees: UTF-16 code units, not Python's code points."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
