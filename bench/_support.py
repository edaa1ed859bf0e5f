"""What ``bench/delivery.py`` and ``tests/test_delivery_crash.py`` share: a seeded database, the
bot as a process (``python -m bot run``) against the Bot API stand-in, a read-only look at the
outbox, and the memory figures from ``/proc``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-delivery-token"
SECTOR = "food_retail"
LOCALES = ("ru", "en", "kk", "be")
PRIVATE_BASE = 10_000_000  # private chats: 10_000_000 + i
GROUP_BASE = -5_000_000  # basic groups: -5_000_000 - i (every GROUP_EVERY-th recipient)
GROUP_EVERY = 97
SUPERGROUP_BASE = -1_000_000_000_000  # where a migrated group lands: -100… like Telegram

UPDATE_TEXTS = {
    "ru": (
        "Magnum открыл в Алматы ещё три отдела белорусских продуктов; поставки молочной продукции "
        "выросли на 12 % за квартал. Подробности — в карточке сектора."
    ),
    "en": (
        "Magnum opened three more Belarusian food counters in Almaty; dairy deliveries grew 12% "
        "over the quarter. Details in the sector card."
    ),
}


# -- the database ----------------------------------------------------------------------------


@dataclass
class Population:
    """Who was seeded and who should get an update to ``SECTOR``."""

    recipients: list[int]  # active, following SECTOR or '*': each should get it exactly once
    bystanders: list[int]  # following other sectors only, or inactive: must get nothing
    groups: list[int]  # the recipients that are (basic) group chats

    @property
    def total(self) -> int:
        return len(self.recipients) + len(self.bystanders)


def chat_id_of(index: int, group_every: int = GROUP_EVERY) -> int:
    return GROUP_BASE - index if index % group_every == group_every - 1 else PRIVATE_BASE + index


def seed(
    db_path: Path, recipients: int, *, bystanders: bool = True, group_every: int = GROUP_EVERY
) -> Population:
    """Write ``recipients`` subscribers of SECTOR straight into a migrated database.

    Every ``group_every``-th is a group chat (a negative id), the rest private chats. Locales go
    round ru, en, kk, be (ru twice as often); one in 20 follows every sector ('*'), one in 10
    also follows agriculture (two subscriptions, still one message). With ``bystanders``, one
    more chat per 20 follows only industry and one per 50 is inactive (blocked earlier):
    neither should get anything.
    """
    locales = ("ru", "en", "ru", "kk", "be")
    subscribers: list[tuple[int, int | None, str, int]] = []
    subscriptions: list[tuple[int, str]] = []
    wanted: list[int] = []
    groups: list[int] = []
    for index in range(recipients):
        chat_id = chat_id_of(index, group_every)
        subscribers.append((chat_id, None if chat_id < 0 else chat_id, locales[index % len(locales)], 1))
        if index % 20 == 7:
            subscriptions.append((chat_id, "*"))
        else:
            subscriptions.append((chat_id, SECTOR))
            if index % 10 == 3:
                subscriptions.append((chat_id, "agriculture"))
        wanted.append(chat_id)
        if chat_id < 0:
            groups.append(chat_id)
    others: list[int] = []
    if bystanders:
        for extra in range(recipients // 20 + recipients // 50):
            chat_id = PRIVATE_BASE + recipients + extra
            active = 1 if extra < recipients // 20 else 0
            subscribers.append((chat_id, chat_id, locales[extra % len(locales)], active))
            subscriptions.append((chat_id, "industry" if active else SECTOR))
            others.append(chat_id)
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO subscribers (chat_id, user_id, locale, active, inactive_reason) "
            "VALUES (?, ?, ?, ?, CASE WHEN ? = 0 THEN 'blocked earlier' END)",
            [(*row, row[3]) for row in subscribers],
        )
        conn.executemany("INSERT INTO subscriptions (chat_id, sector_id) VALUES (?, ?)", subscriptions)
    return Population(recipients=wanted, bystanders=others, groups=groups)


def write_update_file(path: Path, sector: str = SECTOR, texts: Mapping[str, str] = UPDATE_TEXTS) -> Path:
    lines = [f'sector = "{sector}"', 'original = "ru"', "", "[text]"]
    lines += [f'{locale} = """{body}"""' for locale, body in texts.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Outbox:
    """The bot's database, read-only, from outside the bot."""

    path: Path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn = self._connect()
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def pending(self) -> int:
        return int(str(self._all("SELECT count(*) FROM deliveries WHERE state = 'pending'")[0][0]))

    def by_state(self) -> dict[str, int]:
        rows = self._all("SELECT state, count(*) FROM deliveries GROUP BY state")
        found = {str(state): int(str(count)) for state, count in rows}
        return {state: found.get(state, 0) for state in ("pending", "sent", "failed", "blocked")}

    def deliveries(self) -> dict[int, tuple[str, str | None, int]]:
        """chat id → (state, last_error, attempts) for every outbox row."""
        rows = self._all("SELECT chat_id, state, last_error, attempts FROM deliveries")
        return {int(str(c)): (str(s), None if e is None else str(e), int(str(a))) for c, s, e, a in rows}

    def subscribers(self) -> dict[int, tuple[int, str | None]]:
        """chat id → (active, inactive_reason)."""
        rows = self._all("SELECT chat_id, active, inactive_reason FROM subscribers")
        return {int(str(c)): (int(str(a)), None if r is None else str(r)) for c, a, r in rows}

    def subscriptions_of(self, chat_id: int) -> set[str]:
        return {
            str(r[0]) for r in self._all("SELECT sector_id FROM subscriptions WHERE chat_id = ?", (chat_id,))
        }


# -- the bot as a process --------------------------------------------------------------------


def bot_env(api_url: str, db_path: Path, rate: float, *, log_level: str = "WARNING") -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "BOT_API_URL": api_url,
            "DATABASE_PATH": str(db_path),
            "DATA_DIR": str(REPO / "data"),
            "ADMIN_IDS": "",
            "DEFAULT_LOCALE": "ru",
            "DELIVERY_RATE_LIMIT": str(rate),
            "LOG_LEVEL": log_level,
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    return env


async def run_cli(env: Mapping[str, str], *args: str, within: float = 60) -> str:
    """``python -m bot ARGS`` to completion (``within`` seconds); its stdout, or RuntimeError."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    text = output.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"python -m bot {' '.join(args)} exited with {process.returncode}:\n{text}")
    return text


def queued(output: str) -> tuple[int, int]:
    """(update id, recipients) from ``python -m bot publish``'s line."""
    match = re.search(r"#(\d+)\D+(\d+)", output)
    if match is None:
        raise RuntimeError(f"unexpected publish output: {output!r}")
    return int(match[1]), int(match[2])


@dataclass
class BotProcess:
    """One ``python -m bot run``; its output goes to ``log_path``."""

    process: asyncio.subprocess.Process
    log_path: Path
    log_file: IO[bytes]
    exited: asyncio.Future[int] = field(init=False)

    def __post_init__(self) -> None:
        self.exited = asyncio.ensure_future(self.process.wait())

    @classmethod
    async def start(cls, env: Mapping[str, str], log_path: Path) -> BotProcess:
        log_file = log_path.open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=REPO,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process, log_path, log_file)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def memory(self) -> Memory:
        return Memory.of(self.pid)

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit."""
        if self.running:
            self.process.kill()
        await self.process.wait()
        self.log_file.close()

    async def stop(self, grace: float = 15) -> int:
        """SIGTERM, then SIGKILL after ``grace`` seconds; the exit code."""
        if self.running:
            try:
                self.process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(asyncio.shield(self.exited), grace)
            except ProcessLookupError:
                pass
            except TimeoutError:
                self.process.kill()
        code = await self.process.wait()
        self.log_file.close()
        return code

    def log_tail(self, size: int = 3000) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return f"--- {self.log_path.name} (tail) ---\n{text[-size:]}"


async def wait_until_polling(api: object, bot: BotProcess, within: float = 30) -> None:
    """The first getUpdates after start-up (migrations, data, profile) — or why not."""
    from tests.botapi_standin import BotApiStandin

    assert isinstance(api, BotApiStandin)
    polling = asyncio.ensure_future(api.wait_for("getUpdates", timeout=within))
    await asyncio.wait({polling, bot.exited}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        polling.cancel()
        raise RuntimeError(f"the bot exited with {bot.exited.result()} before polling\n{bot.log_tail()}")
    try:
        polling.result()
    except TimeoutError:
        raise RuntimeError(f"the bot did not poll within {within} s\n{bot.log_tail()}") from None


async def wait_until_delivered(
    outbox: Outbox, bot: BotProcess, expected_rows: int, within: float, poll: float = 0.2
) -> None:
    """Until the outbox has ``expected_rows`` rows and none pending; RuntimeError if the bot
    exits or the time is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        states = outbox.by_state()
        if states["pending"] == 0 and sum(states.values()) >= expected_rows:
            return
        if not bot.running:
            raise RuntimeError(
                f"the bot exited with {bot.process.returncode} mid-broadcast\n{bot.log_tail()}"
            )
        if loop.time() > deadline:
            raise RuntimeError(f"still {states} after {within:.0f} s\n{bot.log_tail()}")
        await asyncio.sleep(poll)


# -- memory ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """Resident memory of a process in kB: now (VmRSS) and at its peak so far (VmHWM)."""

    rss_kb: int
    peak_kb: int

    @classmethod
    def of(cls, pid: int | str = "self") -> Memory:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return cls(0, 0)

        def field_kb(name: str) -> int:
            match = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
            return int(match[1]) if match else 0

        return cls(field_kb("VmRSS"), field_kb("VmHWM"))


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far (0.0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def code_version() -> str:
    """The commit the bot runs from, and whether bot/ has changes not committed yet."""
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}{' + uncommitted changes in bot/' if dirty else ''}"


def reset_own_peak() -> bool:
    """Start this process's VmHWM afresh (Linux: write 5 to clear_refs); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"
