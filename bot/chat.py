"""``python -m bot chat``: the real Dispatcher, middlewares and store in a terminal.

Type messages or /commands; the replies are printed as readable text with numbered buttons,
and typing a button's number presses it.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from html import unescape
from pathlib import Path

from pydantic import SecretStr

from bot.app import create_bot, create_dispatcher, open_store
from bot.config import Settings
from bot.testing.client import BotClient, Reply
from bot.testing.session import RecordingSession

_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_BOLD_RE = re.compile(r"<(b|strong)>(.*?)</\1>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def html_to_text(html: str, *, ansi: bool = False) -> str:
    """Telegram HTML as terminal text: bold in ANSI where the terminal has it, links as
    ``text (url)``, entities decoded."""
    text = _LINK_RE.sub(lambda m: f"{m[2]} ({unescape(m[1])})", html)
    if ansi:
        text = _BOLD_RE.sub(lambda m: f"\033[1m{m[2]}\033[0m", text)
    return unescape(_TAG_RE.sub("", text))


def render_reply(reply: Reply, *, first_number: int, ansi: bool) -> tuple[str, int]:
    """The reply's text and its buttons numbered from ``first_number``."""
    lines = [html_to_text(reply.text, ansi=ansi)]
    number = first_number
    if reply.markup:
        for row in reply.markup.inline_keyboard:
            cells = []
            for button in row:
                cells.append(f"[{number}] {button.text}")
                number += 1
            lines.append("   ".join(cells))
    return "\n".join(lines), number


def _save_photo(photo: bytes | str) -> str:
    """Where to look at a photo the bot sent: a PNG file, or the file_id it sent again."""
    if isinstance(photo, str):
        return f"file_id {photo}"
    with tempfile.NamedTemporaryFile(prefix="bk-trade-", suffix=".png", delete=False) as file:
        file.write(photo)
    return str(Path(file.name))


async def chat(settings: Settings, lang: str, *, user_id: int = 1) -> None:
    offline = settings.model_copy(update={"bot_token": SecretStr("42:OFFLINE-CHAT")})
    store = await open_store(offline)
    bot = create_bot(offline, session=RecordingSession())
    client = BotClient(create_dispatcher(offline, store), bot, user_id=user_id, language_code=lang)
    ansi = sys.stdout.isatty()
    buttons: list[tuple[Reply, str]] = []
    print(
        f"Chat with the bot ({lang}). Type /start, /turnover, a question, a button's number, "
        "@query for inline mode; /quit or Ctrl-D ends."
    )
    try:
        while True:
            try:
                line = (await asyncio.to_thread(input, "you> ")).strip()
            except EOFError:
                break
            if line in {"/quit", "/exit"}:
                break
            if not line:
                continue
            if line.startswith("@"):
                # Inline mode, as if typed after @bot in some chat: the cards it would offer.
                answer = await client.inline(line[1:])
                print(f"bot (inline)> {len(answer.results)} result(s)")
                for number, result in enumerate(answer.results, 1):
                    title, description = getattr(result, "title", ""), getattr(result, "description", "")
                    print(f"  {number}. {title}\n     {description}")
                print()
                continue
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                reply, label = buttons[int(line) - 1]
                replies = await client.click(reply, label)
            else:
                replies = await client.send(line)
            alerts = [getattr(r.method, "text", None) for r in replies.of("answerCallbackQuery")]
            for alert in filter(None, alerts):
                print(f"bot (alert)> {alert}")
            buttons = []
            for reply in replies.messages:
                shown, _next = render_reply(reply, first_number=len(buttons) + 1, ansi=ansi)
                buttons += [(reply, button.text) for button in reply.buttons]
                label = "bot (edited)" if reply.method.__api_method__ == "editMessageText" else "bot"
                if reply.photo is not None:
                    label = f"bot (photo {_save_photo(reply.photo)})"
                print(f"{label}> {shown}\n")
    finally:
        await store.close()
