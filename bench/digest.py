"""Digest bench: the real bot process sends an instant broadcast to N subscribers, then, the
same subscribers having chosen a daily digest, the digest of three facts to each of them, in
one run, through the local Bot API stand-in (rate limit and faults as in bench/delivery.py).

    .venv/bin/python -m bench.digest                        # 20,000 subscribers at 25/s (~30 min)
    .venv/bin/python -m bench.digest --rate 100 --subscribers 1500
    .venv/bin/python -m bench.digest --no-faults

The path is the production one: ``python -m bot publish FILE`` queues each fact, and
``python -m bot run`` delivers. The digest phase writes ``chat_settings`` (daily, at an hour
hours away) for every active subscriber, publishes three facts (their rows wait for that
hour), then makes the hour come: the bench sets the rows' not-before time to now, as the
clock would. It prints both phases, the digest's figures as ratios to the instant broadcast's,
and PASS/MISS per goal (≥ 0.95 of the rate limit, 0 lost, every chat's three facts in one
message). It always exits 0 (2 when it could not run at all).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench` and `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import code_version, cpu_seconds
from bench.delivery import fault_plan
from bot.testing.broadcast import broadcast_env, queued, seed, write_update_file
from bot.testing.process import BotProcess, run_cli_async
from bot.testing.standin import BotApiStandin
from bot.testing.standin.model import SendCounters

ITEMS = (
    {"ru": "Magnum открыл ещё три отдела белорусских продуктов.", "en": "Magnum opened three more counters."},
    {"ru": "Поставки молочной продукции выросли на 12 %.", "en": "Dairy deliveries grew 12%."},
    {
        "ru": "В Костанае собран 1000-й трактор МТЗ.",
        "en": "The 1,000th MTZ tractor was assembled in Kostanay.",
    },
)


@dataclass
class Phase:
    label: str
    facts: list[int]
    rows: int = 0
    chats: int = 0
    ok_sends: int = 0
    requests: int = 0
    seconds: float = 0.0  # first to last ok send
    cpu: float = 0.0  # the bot's CPU seconds over the phase
    lost: int = 0
    duplicates: int = 0
    split: int = 0  # chats whose rows of this phase went out in more than one message
    states: str = ""

    @property
    def rate(self) -> float:
        return (self.ok_sends - 1) / self.seconds if self.seconds > 0 and self.ok_sends > 1 else 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000, help="recipients (20000)")
    parser.add_argument("--rate", type=float, default=25.0, help="DELIVERY_RATE_LIMIT, messages/s (25)")
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument(
        "--faults", dest="faults", action="store_true", default=True, help="inject faults (on)"
    )
    faults.add_argument("--no-faults", dest="faults", action="store_false", help="no injected faults")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    # What bench.delivery's fault plan reads: its defaults.
    args.server_error_rate, args.timeout_rate, args.timeout_delay = 0.01, 0.005, 0.0
    args.blocked_share, args.not_found, args.html_502_rate, args.lost_answer_rate = 0.01, 5, 0.0, 0.0
    return args


def _db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _pending(path: Path, facts: list[int]) -> int:
    with _db(path) as conn:
        sql = f"SELECT count(*) FROM deliveries WHERE state = 'pending' AND fact_id IN ({', '.join('?' * len(facts))})"
        return int(conn.execute(sql, facts).fetchone()[0])


def phase_rows(path: Path, facts: list[int]) -> int:
    with _db(path) as conn:
        sql = f"SELECT count(*) FROM deliveries WHERE fact_id IN ({', '.join('?' * len(facts))})"
        return int(conn.execute(sql, facts).fetchone()[0])


def _choose_digests(path: Path) -> int:
    """Every active subscriber: a daily digest, at an hour (UTC) at least two hours away."""
    hour = (time.gmtime().tm_hour + 3) % 24
    with _db(path) as conn:
        conn.execute(
            "INSERT INTO chat_settings (chat_id, delivery, digest_hour, time_zone) "
            "SELECT chat_id, 'daily', ?, 'UTC' FROM subscribers WHERE active = 1",
            (hour,),
        )
        return int(conn.execute("SELECT count(*) FROM chat_settings").fetchone()[0])


def _the_hour_comes(path: Path, facts: list[int]) -> tuple[int, int]:
    """(rows that waited for the hour, rows due early): then they are due."""
    marks = ", ".join("?" * len(facts))
    with _db(path) as conn:
        waiting = conn.execute(
            f"SELECT count(*) FROM deliveries WHERE fact_id IN ({marks}) AND state = 'pending' "
            "AND digest = 1 AND next_attempt_at > ?",
            (*facts, time.time() + 3600),
        ).fetchone()[0]
        early = conn.execute(
            f"SELECT count(*) FROM deliveries WHERE fact_id IN ({marks}) AND state != 'pending'",
            facts,
        ).fetchone()[0]
        conn.execute(
            f"UPDATE deliveries SET next_attempt_at = 0 WHERE fact_id IN ({marks}) AND state = 'pending'",
            facts,
        )
    return int(waiting), int(early)


def _account(path: Path, phase: Phase, counters: SendCounters) -> None:
    marks = ", ".join("?" * len(phase.facts))
    with _db(path) as conn:
        rows = conn.execute(
            f"SELECT chat_id, state, last_error, message_id FROM deliveries WHERE fact_id IN ({marks})",
            phase.facts,
        ).fetchall()
    by_chat: dict[int, list[tuple[str, str | None, int | None]]] = {}
    states: dict[str, int] = {}
    for chat_id, state, error, message_id in rows:
        by_chat.setdefault(chat_id, []).append((state, error, message_id))
        states[state] = states.get(state, 0) + 1
    phase.rows, phase.chats = len(rows), len(by_chat)
    phase.states = ", ".join(f"{state} {count:,}" for state, count in sorted(states.items()))
    delivered = counters.delivered
    for chat_id, chat_rows in by_chat.items():
        sent = [message for state, _error, message in chat_rows if state == "sent"]
        unaccounted = any(
            state == "pending" or (state == "failed" and not error) for state, error, _ in chat_rows
        )
        if unaccounted or (sent and chat_id not in delivered):
            phase.lost += 1
        if len(set(sent)) > 1:
            phase.split += 1
    phase.duplicates = sum(1 for count in delivered.values() if count > 1)
    phase.ok_sends, phase.requests, phase.seconds = counters.sent, counters.requests, counters.sending_time


async def _phase(
    label: str,
    files: list[Path],
    env: dict[str, str],
    db_path: Path,
    api: BotApiStandin,
    bot: BotProcess,
    *,
    digest: bool,
) -> Phase:
    api.counters.__init__()  # type: ignore[misc]  # in place: the stand-in holds this object
    facts = []
    for file in files:
        fact_id, recipients = queued(await run_cli_async("publish", str(file), env=env, timeout=600))
        facts.append(fact_id)
        print(f"{label}: fact #{fact_id} queued for {recipients:,} chats", file=sys.stderr)
    phase = Phase(label, facts)
    if digest:
        await asyncio.sleep(2)  # the bot sees the rows: none may go before the hour
        waiting, early = _the_hour_comes(db_path, facts)
        print(
            f"{label}: {waiting:,} rows waited for the hour, {early} went early; the hour comes",
            file=sys.stderr,
        )
    cpu_start = cpu_seconds(bot.pid)
    deadline = time.monotonic() + 600 + 3 * phase_rows(db_path, facts) / float(env["DELIVERY_RATE_LIMIT"])
    while _pending(db_path, facts):
        if not bot.running:
            raise RuntimeError(f"the bot exited\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{label}: still pending at the deadline\n{bot.log_tail()}")
        await asyncio.sleep(0.2)
    phase.cpu = cpu_seconds(bot.pid) - cpu_start
    _account(db_path, phase, api.counters)
    return phase


async def bench(args: argparse.Namespace, workdir: Path) -> tuple[Phase, Phase]:
    db_path = workdir / "bot.sqlite3"
    env = broadcast_env("http://127.0.0.1:9", db_path, args.rate)
    await run_cli_async("db", "upgrade", env=env, timeout=300)
    population = seed(db_path, args.subscribers)
    plan, _migrated = fault_plan(args, population)
    files = [write_update_file(workdir / f"fact-{n}.toml", texts=texts) for n, texts in enumerate(ITEMS)]
    api = BotApiStandin(
        send_limit=args.rate * 1.2, per_chat_limit=1.0, faults=plan, record=False, seed=args.seed
    )
    await api.start()
    env = broadcast_env(api.base_url, db_path, args.rate)
    bot = await BotProcess.start(env, workdir / "bot.log")
    try:
        await bot.wait_until_polling(api)
        instant = await _phase("instant", files[:1], env, db_path, api, bot, digest=False)
        print(f"daily digests chosen by {_choose_digests(db_path):,} chats", file=sys.stderr)
        digest = await _phase("digest", files, env, db_path, api, bot, digest=True)
        await bot.stop()
    finally:
        if bot.running:
            await bot.kill()
        await api.stop()
    return instant, digest


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(args: argparse.Namespace, instant: Phase, digest: Phase) -> None:
    def line(phase: Phase) -> list[str]:
        ratio = phase.rate / args.rate
        return [
            f"{phase.label:<8} {len(phase.facts)} fact(s) → {phase.rows:,} outbox rows for {phase.chats:,} chats; "
            f"{phase.ok_sends:,} messages in {phase.seconds:.1f} s",
            f"  rate      {phase.rate:.1f}/s = {ratio:.3f} of the limit   {verdict(ratio >= 0.95)} (goal ≥ 0.95)",
            f"  requests  {phase.requests:,} sendMessage calls (ok + refused + faulted)",
            f"  lost      {phase.lost}   {verdict(phase.lost == 0)} (goal 0);  DB by state: {phase.states}",
            f"  twice     {phase.duplicates} chats got more than one message   {verdict(phase.duplicates == 0)}",
            f"  CPU       {phase.cpu:.1f} s of the bot = {1000 * phase.cpu / max(phase.ok_sends, 1):.2f} ms a message",
        ]

    per_message = (digest.cpu / max(digest.ok_sends, 1)) / max(instant.cpu / max(instant.ok_sends, 1), 1e-9)
    lines = [
        "",
        "== digest bench ==",
        f"code          {code_version()}",
        f"subscribers   {args.subscribers:,}; limit {args.rate:g}/s (stand-in {args.rate * 1.2:g}/s + 1/s per chat); "
        f"faults {'on (5xx 1%, no answer 0.5%, 1% blocked, 5 gone, a group migrated)' if args.faults else 'off'}",
        "",
        *line(instant),
        *line(digest),
        f"  gathered  {digest.rows:,} rows in {digest.ok_sends:,} messages "
        f"({digest.rows / max(digest.ok_sends, 1):.2f} facts a message); chats whose facts came apart: "
        f"{digest.split}   {verdict(digest.split == 0)}",
        "",
        "digest / instant, same run, same process:",
        f"  rate           {digest.rate / max(instant.rate, 1e-9):.3f}×",
        f"  time           {digest.seconds / max(instant.seconds, 1e-9):.3f}× for {len(digest.facts)}× the facts",
        f"  CPU a message  {per_message:.2f}×",
    ]
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as name:
        try:
            instant, digest = asyncio.run(bench(args, Path(name)))
        except (RuntimeError, subprocess.SubprocessError) as exc:
            print(f"the bench could not finish: {exc}", file=sys.stderr)
            return 2
    report(args, instant, digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
