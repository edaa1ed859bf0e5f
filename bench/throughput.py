"""Throughput bench: the real bot against a bare aiogram bot, same stand-in, same machine, same run.

    .venv/bin/python bench/throughput.py [--rounds 5] [--users 1000]

Both run as processes long-polling the local Bot API stand-in (bot/testing/standin) on
127.0.0.1. The bare bot is a tiny aiogram 3 script written to a temporary directory: any text
gets a fixed ~1,200-character Cyrillic HTML reply with a 10-button inline keyboard, any button
press an answer and an edit. Rounds alternate bare/bot; each round starts a fresh process
(cold start = process start to its first getUpdates), then pushes two bursts of ``--users``
updates, each from a distinct user, all at once:

- /turnover: every user sends /turnover;
- mixed: /turnover with a period, /sectors, a free-text question (each a different one of the
  labelled questions in tests/questions/, in its language), a period button press (TurnoverCb)
  — a quarter each.

Every update should get exactly one reply (sendMessage, or editMessageText for a button); a
burst's time runs from the push to the last reply the stand-in records. Per burst: replies/s
and the process's CPU ms per update (/proc/<pid>/stat); per round: peak RSS (VmHWM). Printed:
medians per side and the ratio bot/bare, against the goals of issue 13.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench`, `bot` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import Memory, code_version, cpu_seconds, mb
from bench.search import labelled_questions
from bot.callbacks import TurnoverCb
from bot.testing.broadcast import TOKEN
from bot.testing.broadcast import broadcast_env as bot_env
from bot.testing.process import BotProcess, run_cli_async
from bot.testing.standin import BotApiStandin, SendCounters

USER_BASE = 20_000_000  # users of round r, burst b: USER_BASE + r * 100_000 + b * 10_000 ... + i
PERIODS = ("2024", "2023", "2025-01..08", "2018")
# The labelled questions of tests/questions/ (four languages, nonsense included): each burst's
# 250 questions are all different, and each round is a fresh process, so none is a repeat the
# search remembers.
QUESTIONS = labelled_questions()
BURST_TIMEOUT = 180.0
BOT_ID = int(TOKEN.split(":", 1)[0])
OLD_SCREEN = "Товарооборот (старый экран)"

GOALS: dict[str, tuple[str, float]] = {  # figure → (">=" or "<=", the ratio bot/bare)
    "replies/s, /turnover": (">=", 0.8),
    "replies/s, mixed": (">=", 0.6),
    "CPU ms/update, /turnover": ("", 0.0),
    "CPU ms/update, mixed": ("", 0.0),
    "stand-in CPU ms/update, /turnover": ("", 0.0),  # this process: is the stand-in the limit?
    "stand-in CPU ms/update, mixed": ("", 0.0),
    "peak RSS, MB": ("<=", 1.3),
    "cold start, s": ("<=", 1.2),
}

BARE_BOT = '''"""The bare bot of bench/throughput.py: one text handler, one button handler."""

import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

PARAGRAPH = (
    "<b>Товарооборот Беларуси и Казахстана</b> за январь–август 2025 года составил "
    "<b>812,4 млн долларов</b>, что на 7,3 % больше, чем годом ранее. Экспорт из Беларуси — "
    "<i>598,1 млн</i>, импорт из Казахстана — <i>214,3 млн</i>. "
)
TEXT = (PARAGRAPH * 4)[:1150] + "\\n\\n<a href=\\"https://example.org\\">Источник: Белстат</a>"
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text=f"Кнопка {row * 2 + col + 1}", callback_data=f"b{row * 2 + col}")
         for col in range(2)]
        for row in range(5)
    ]
)


async def reply(message: Message) -> None:
    await message.answer(TEXT, reply_markup=KEYBOARD)


async def press(callback: CallbackQuery) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(TEXT, reply_markup=KEYBOARD)


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BOT_API_URL"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = Dispatcher()
    dispatcher.message.register(reply, F.text)
    dispatcher.callback_query.register(press)
    await dispatcher.start_polling(bot, allowed_updates=["message", "callback_query"])


asyncio.run(main())
'''


# -- the processes ---------------------------------------------------------------------------


class BareProcess(BotProcess):
    """``python bare_bot.py``: the same start/stop/kill as the real bot's process."""

    @classmethod
    async def start_script(cls, script: Path, env: Mapping[str, str], log_path: Path) -> BareProcess:
        log_file = log_path.open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            cwd=script.parent,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process, log_path, log_file)


@dataclass
class Round:
    side: str  # "bare" or "bot"
    figures: dict[str, float] = field(default_factory=dict)
    edited: int = 0  # button presses in the mixed burst answered by editing their message
    pressed: int = 0


@dataclass
class Workspace:
    workdir: Path
    api: BotApiStandin
    template_db: Path
    script: Path
    users: int
    env_extra: dict[str, str]


# -- the bursts ------------------------------------------------------------------------------


def _callback_message(api: BotApiStandin, user_id: int) -> dict[str, object]:
    """A /turnover screen the bot 'sent' earlier, for a period button press to edit."""
    return {
        "message_id": 1,
        "date": int(time.time()) - 60,
        "chat": {"id": user_id, "type": "private", "first_name": "Читатель"},
        "from": {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": api.chats.bot_first_name,
            "username": api.chats.bot_username,
        },
        "text": OLD_SCREEN,
        "reply_markup": {
            "inline_keyboard": [[{"text": p, "callback_data": TurnoverCb(period=p).pack()} for p in PERIODS]]
        },
    }


def presses_edited(api: BotApiStandin, first_user: int, count: int) -> tuple[int, int]:
    """(button presses whose message was edited, button presses) of a mixed burst."""
    pressed = [first_user + index for index in range(count) if index % 4 == 3]
    edited = sum(1 for user_id in pressed if api.messages[(user_id, 1)].get("text") != OLD_SCREEN)
    return edited, len(pressed)


def push_turnover(api: BotApiStandin, first_user: int, count: int) -> None:
    for index in range(count):
        api.push_message("/turnover", user_id=first_user + index, language_code="ru")


def push_mixed(api: BotApiStandin, first_user: int, count: int) -> None:
    for index in range(count):
        user_id = first_user + index
        kind, nth = index % 4, index // 4
        if kind == 0:
            api.push_message(f"/turnover {PERIODS[nth % len(PERIODS)]}", user_id=user_id, language_code="ru")
        elif kind == 1:
            api.push_message("/sectors", user_id=user_id, language_code="ru")
        elif kind == 2:
            ui, question, _label = QUESTIONS[nth % len(QUESTIONS)]
            api.push_message(question, user_id=user_id, language_code=ui)
        else:
            message = _callback_message(api, user_id)
            data = TurnoverCb(period=PERIODS[nth % len(PERIODS)]).pack()
            api.push_callback(message, data, user_id=user_id, language_code="ru")  # type: ignore[arg-type]


async def burst(
    api: BotApiStandin,
    process: BotProcess,
    count: int,
    push: Callable[[BotApiStandin, int, int], None],
    first_user: int,
) -> tuple[float, float, float]:
    """Push ``count`` updates at once; (replies/s, the process's CPU ms per update, this
    process's — the stand-in's — CPU ms per update) once all are answered."""
    api.counters = SendCounters()
    cpu_before, own_before = cpu_seconds(process.pid), time.process_time()
    started = time.monotonic()
    push(api, first_user, count)
    done = asyncio.ensure_future(api.wait_until(lambda: api.counters.sent >= count, timeout=BURST_TIMEOUT))
    await asyncio.wait({done, process.exited}, return_when=asyncio.FIRST_COMPLETED)
    if not done.done():
        done.cancel()
        raise RuntimeError(f"{process.log_path.stem} exited mid-burst\n{process.log_tail()}")
    try:
        done.result()
    except TimeoutError:
        raise RuntimeError(
            f"{process.log_path.stem}: {api.counters.sent} of {count} replies after {BURST_TIMEOUT:.0f} s, "
            f"{api.counters.requests - api.counters.sent} refused\n{process.log_tail()}"
        ) from None
    cpu, own = cpu_seconds(process.pid) - cpu_before, time.process_time() - own_before
    last = api.counters.last_sent_at or time.monotonic()
    await _until_confirmed(api)
    return count / max(last - started, 1e-9), cpu * 1000 / count, own * 1000 / count


async def _until_confirmed(api: BotApiStandin, within: float = 10) -> None:
    """Until the process has confirmed every update (its next getUpdates offset), so the next
    process does not get them again."""
    for _ in range(round(within / 0.05)):
        if not api.pending_updates:
            return
        await asyncio.sleep(0.05)


# -- a round ---------------------------------------------------------------------------------


async def one_round(space: Workspace, side: str, number: int) -> Round:
    api = space.api
    api.consume_all()  # the next getUpdates is this process's
    log_path = space.workdir / f"{side}-{number}.log"
    started = time.monotonic()
    if side == "bare":
        env = bot_env(api.base_url, space.workdir / "unused.sqlite3", 30)
        process: BotProcess = await BareProcess.start_script(space.script, env, log_path)
    else:
        db_path = space.workdir / f"bot-{number}.sqlite3"
        shutil.copyfile(space.template_db, db_path)
        env = {**bot_env(api.base_url, db_path, 30), **space.env_extra}
        process = await BotProcess.start(env, log_path, fork=False)
    result = Round(side)
    try:
        await process.wait_until_polling(api, within=60)
        result.figures["cold start, s"] = time.monotonic() - started
        first = USER_BASE + number * 100_000
        for name, push, users in (("/turnover", push_turnover, first), ("mixed", push_mixed, first + 50_000)):
            rate, cpu, own = await burst(api, process, space.users, push, users)
            result.figures[f"replies/s, {name}"], result.figures[f"CPU ms/update, {name}"] = rate, cpu
            result.figures[f"stand-in CPU ms/update, {name}"] = own
        result.edited, result.pressed = presses_edited(api, first + 50_000, space.users)
        result.figures["peak RSS, MB"] = Memory.of(process.pid).peak_kb / 1024
    finally:
        await process.stop()
    return result


async def prepare(workdir: Path, env_extra: dict[str, str]) -> Path:
    """A migrated database with the shipped data loaded: what a restarted bot finds."""
    db_path = workdir / "template.sqlite3"
    env = {**bot_env("http://127.0.0.1:9", db_path, 30), **env_extra}
    await run_cli_async("db", "upgrade", env=env, timeout=120)
    async with BotApiStandin() as api:
        process = await BotProcess.start(
            {**bot_env(api.base_url, db_path, 30), **env_extra}, workdir / "prepare.log"
        )
        try:
            await process.wait_until_polling(api, within=120)
        finally:
            await process.stop()
    return db_path  # stopped cleanly: no -wal file left to copy along


async def bench(args: argparse.Namespace, workdir: Path) -> list[Round]:
    env_extra = {"FLOOD_LIMIT": "1000000", "FLOOD_WINDOW": "1"}
    template = await prepare(workdir, env_extra)
    script = workdir / "bare_bot.py"
    script.write_text(BARE_BOT, encoding="utf-8")
    rounds: list[Round] = []
    api = BotApiStandin(record=False, limited_methods=("sendMessage", "editMessageText"))
    await api.start()
    try:
        space = Workspace(workdir, api, template, script, args.users, env_extra)
        for number in range(args.rounds):
            for side in ("bare", "bot"):
                print(f"round {number + 1}/{args.rounds}: {side}", file=sys.stderr)
                rounds.append(await one_round(space, side, number))
                print(f"  {_figures_text(rounds[-1].figures)}", file=sys.stderr)
    finally:
        await api.stop()
    return rounds


# -- the report ------------------------------------------------------------------------------


def _figures_text(figures: dict[str, float]) -> str:
    return "; ".join(f"{name} {value:.2f}" for name, value in figures.items())


def report(args: argparse.Namespace, rounds: list[Round], wall: float) -> str:
    lines = [
        "",
        "== throughput bench: the bot against a bare aiogram bot ==",
        f"code                  {code_version()}",
        f"bursts                {args.users:,} updates from {args.users:,} distinct users, pushed at once; "
        f"{args.rounds} rounds each side, alternating; medians",
        f"{'':<34}{'bare':>10}{'bot':>10}{'bot/bare':>10}  goal",
    ]
    for name, (sense, goal) in GOALS.items():
        bare = statistics.median(r.figures[name] for r in rounds if r.side == "bare")
        ours = statistics.median(r.figures[name] for r in rounds if r.side == "bot")
        ratio = ours / bare if bare else float("nan")
        if sense == ">=":
            verdict = f"≥ {goal:g}×  {'PASS' if ratio >= goal else 'MISS'}"
        elif sense == "<=":
            verdict = f"≤ {goal:g}×  {'PASS' if ratio <= goal else 'MISS'}"
        else:
            verdict = "(no goal)"
        lines.append(f"{name:<34}{bare:>10.2f}{ours:>10.2f}{ratio:>9.2f}×  {verdict}")
    for side in ("bare", "bot"):
        edits = [f"{r.edited}/{r.pressed}" for r in rounds if r.side == side]
        lines.append(f"button presses edited {side}: {', '.join(edits)} (per round; all should be)")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines.append(f"machine               {os.cpu_count()} CPUs, load average {load} at the end (shared)")
    lines.append(f"stand-in and bench    peak RSS {mb(Memory.of().peak_kb)} (this process)")
    lines.append(f"wall time             {wall:.1f} s in all")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (5)")
    parser.add_argument("--users", type=int, default=1_000, help="updates per burst, one per user (1000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (and say where)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.users < 4:
        parser.error("--rounds must be at least 1 and --users at least 4")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep:
        workdir = Path(tempfile.mkdtemp(prefix="throughput-bench-"))
        print(f"working in {workdir}", file=sys.stderr)
        return _run(args, workdir)
    with tempfile.TemporaryDirectory(prefix="throughput-bench-") as name:
        return _run(args, Path(name))


def _run(args: argparse.Namespace, workdir: Path) -> int:
    started = time.monotonic()
    try:
        rounds = asyncio.run(bench(args, workdir))
    except RuntimeError as exc:
        print(f"the bench could not finish: {exc}", file=sys.stderr)
        return 2
    print(report(args, rounds, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
