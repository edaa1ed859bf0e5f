"""The period a question names: "оборот за 2024", "turnover 2025-01..08", "2025-08"."""

from __future__ import annotations

import re

from bot.domain.trade import parse_period

_PERIOD_RES = (
    re.compile(r"(?<!\d)(\d{4}-\d{1,2}\.\.\d{1,2})(?![\d.])"),  # 2025-01..08
    re.compile(r"(?<![\d.-])(\d{4}[-/.]\d{1,2})(?![\d.-])"),  # 2025-08, 2025/8
    re.compile(r"(?<![\d.-])(\d{1,2}[./]\d{4})(?![\d.])"),  # 08.2025
    re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)"),  # 2024, 2024г
)


def find_period(text: str) -> str | None:
    """The key of the first period ``text`` names (``2024``, ``2025-01..08``), or None."""
    for pattern in _PERIOD_RES:
        for match in pattern.finditer(text):
            try:
                return parse_period(match.group(1)).key
            except ValueError:
                continue
    return None
