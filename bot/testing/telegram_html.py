"""What Telegram accepts with parse_mode=HTML, checked strictly: the one checker that the
tests run on every reply and the Bot API stand-in runs on every request.

https://core.telegram.org/bots/api#html-style: only these tags, properly nested; every
``<``, ``>`` and ``&`` that is not part of a tag or entity escaped; only the named entities
``&lt; &gt; &amp; &quot;`` and numeric ones; at most 4,096 characters after parsing.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from bot.testing.limits import MESSAGE_LIMIT, utf16_length

ALLOWED: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
    "tg-time": {"unix", "format"},
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
_ANY_TAG_RE = re.compile(r"<[^<>]*>")

__all__ = ["html_problems", "markup_problems", "plain_text", "utf16_length"]


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}> is not allowed")
            return
        for name, _value in attrs:
            if name not in ALLOWED[tag]:
                self.problems.append(f"attribute {name!r} not allowed on <{tag}>")
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.problems.append(f"unescaped {char!r} in text near {data[:40]!r}")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.problems.append(f"entity &{name}; is not supported")
        self.visible.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.problems.append("comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declarations are not allowed")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declarations are not allowed")


def _parse(text: str) -> tuple[list[str], str]:
    """The markup's problems and the text a client would show."""
    checker = _Checker()
    # A bare "&" followed by something that is not an entity would be taken as text by
    # HTMLParser; Telegram refuses it, so look for it first.
    for match in re.finditer(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)", text):
        checker.problems.append(f"bare '&' at {match.start()}")
    checker.feed(text)
    checker.close()
    if checker.rawdata:
        checker.problems.append(f"unparsed trailing text {checker.rawdata[:40]!r}")
    if checker.stack:
        checker.problems.append(f"unclosed tags: {checker.stack}")
    return checker.problems, "".join(checker.visible)


def markup_problems(text: str) -> list[str]:
    """Why Telegram's HTML parser would refuse ``text`` ("can't parse entities"); empty if it
    parses. Says nothing of its length or emptiness."""
    return _parse(text)[0]


def html_problems(text: str) -> list[str]:
    """Every reason Telegram would refuse ``text`` as a message; empty when it is valid."""
    problems, visible = _parse(text)
    if not visible.strip():
        problems.append("empty text")
    if utf16_length(visible) > MESSAGE_LIMIT:
        problems.append(f"{utf16_length(visible)} characters, over {MESSAGE_LIMIT}")
    return problems


def plain_text(text: str, parse_mode: str | None = "HTML") -> str:
    """What a client would display: for HTML, the text without tags and with entities resolved."""
    if parse_mode is None or parse_mode.lower() != "html":
        return text
    return unescape(_ANY_TAG_RE.sub("", text))
