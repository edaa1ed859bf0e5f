"""The HTML checker used on every reply must itself catch what Telegram refuses."""

from __future__ import annotations

import pytest

from tests.telegram_html import html_problems


@pytest.mark.parametrize(
    "text",
    [
        '<b>bold</b> <i>it</i> <a href="https://x.y/?a=1&amp;b=2">link</a> &lt;3 &amp; &quot;',
        "<blockquote expandable>q</blockquote> <tg-spoiler>s</tg-spoiler> <code>c</code>",
        "x" * 4096,
        "🙂" * 2048,
    ],
)
def test_valid(text: str) -> None:
    assert html_problems(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "<div>x</div>",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "a < b",
        "R&D",
        "&nbsp;",
        "<a>no href</a>",
        "<br/>",
        "x" * 4097,
        "🙂" * 2049,
        "",
        "<b> </b>",
    ],
)
def test_invalid(text: str) -> None:
    assert html_problems(text)
