"""Telegram's size limits, and the two measures they are counted in."""

from __future__ import annotations

from bot.domain.limits import utf16_length

MESSAGE_LIMIT = 4096  # characters of a message's text, after entities are parsed
CAPTION_LIMIT = 1024  # characters of a photo's caption
CALLBACK_DATA_LIMIT = 64  # bytes of a button's callback_data
CALLBACK_ANSWER_LIMIT = 200  # characters of an answerCallbackQuery text
INLINE_QUERY_LIMIT = 256  # characters of a switch_inline_query
INLINE_RESULTS_LIMIT = 50  # results in one answerInlineQuery

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header; None if ``data`` is no PNG."""
    if len(data) < 24 or not data.startswith(_PNG_MAGIC) or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


__all__ = ["png_size", "utf16_length"]  # utf16_length: the one in bot.domain.limits
