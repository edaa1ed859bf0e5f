"""A broadcast to many subscribers, set up from outside the bot: subscribers written straight
into a migrated database, an update file for ``python -m bot publish``, and a read-only look
at the outbox while the bot (a process) delivers. Shared by ``tests/test_delivery_crash.py``
and ``bench/delivery.py``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.testing.process import BotProcess, bot_env

TOKEN = "123456:BENCH-delivery-token"
SECTOR = "food_retail"
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


SOURCE_URL = "https://www.zakon.kz/ekonomika/magnum-belarus.html"


def write_update_file(
    path: Path, sector: str = SECTOR, texts: Mapping[str, str] = UPDATE_TEXTS, source: str = SOURCE_URL
) -> Path:
    lines = [f'sector = "{sector}"', 'original = "ru"', f'source = "{source}"', "", "[text]"]
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


def broadcast_env(api_url: str, db_path: Path, rate: float, *, log_level: str = "WARNING") -> dict[str, str]:
    """The bot process's environment: the stand-in at ``api_url``, ``rate`` messages a second."""
    return bot_env(
        db_path,
        BOT_TOKEN=TOKEN,
        BOT_API_URL=api_url,
        DELIVERY_RATE_LIMIT=str(rate),
        LOG_LEVEL=log_level,
    )


def queued(output: str) -> tuple[int, int]:
    """(update id, recipients) from ``python -m bot publish``'s line."""
    match = re.search(r"#(\d+)\D+(\d+)", output)
    if match is None:
        raise RuntimeError(f"unexpected publish output: {output!r}")
    return int(match[1]), int(match[2])


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
