"""Delivery bench: the real bot process broadcasting one update to N subscribers through the
local Bot API stand-in, which enforces a rate limit and injects faults.

    .venv/bin/python -m bench.delivery --rate 1000                 # 20,000 subscribers, faults on
    .venv/bin/python -m bench.delivery --rate 25 --scaled          # 1,500 subscribers (~60 s)
    .venv/bin/python -m bench.delivery --rate 1000 --kill          # kill -9 once mid-way, restart
    .venv/bin/python -m bench.delivery --rate 100 --subscribers 3000 --no-faults

The path is the production one: ``python -m bot db upgrade``, subscribers written straight into
that database (sqlite3, for speed), ``python -m bot publish FILE`` queues the update, and
``python -m bot run`` (DELIVERY_RATE_LIMIT=rate) delivers it, polling the stand-in on 127.0.0.1.
The stand-in runs in this process; its counters say who got what. The bench waits until no
delivery is pending, then prints the figures and PASS/MISS per goal. It always exits 0 (2 when
it could not run at all).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench` and `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import Memory, code_version, cpu_seconds, mb, reset_own_peak
from bot.testing.broadcast import (
    SUPERGROUP_BASE,
    Outbox,
    Population,
    broadcast_env,
    queued,
    seed,
    write_update_file,
)
from bot.testing.process import BotProcess, run_cli_async
from bot.testing.standin import BotApiStandin, FaultPlan

SCALED_SUBSCRIBERS = 1_500
FULL_SUBSCRIBERS = 20_000


@dataclass
class Run:
    """One bot process: its memory when idle before the broadcast and at its peak."""

    label: str
    idle_kb: int = 0
    peak_kb: int = 0
    exit: str = ""
    cpu_start: float = 0.0
    cpu_end: float = 0.0


@dataclass
class Outcome:
    args: argparse.Namespace
    recipients: int
    population: Population
    plan: FaultPlan
    migrated: dict[int, int]
    runs: list[Run] = field(default_factory=list)
    standin_before_kb: int = 0
    standin_peak_kb: int = 0
    standin_peak_reset: bool = False
    standin_cpu: float = 0.0
    ninety_nine_at: float | None = None  # time.monotonic() when 99% of the ok sends were in
    wall: float = 0.0
    bot_log: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=None, help="recipients (default 20000)")
    parser.add_argument("--rate", type=float, default=25.0, help="DELIVERY_RATE_LIMIT, messages/s (25)")
    parser.add_argument(
        "--scaled",
        action="store_true",
        help=f"the scaled test: {SCALED_SUBSCRIBERS:,} recipients unless --subscribers says otherwise",
    )
    parser.add_argument("--stand-in-limit", type=float, default=None, help="the stand-in's limit (rate*1.2)")
    parser.add_argument(
        "--per-chat-limit", type=float, default=1.0, help="the stand-in's per-chat limit (1/s)"
    )
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument(
        "--faults", dest="faults", action="store_true", default=True, help="inject faults (on)"
    )
    faults.add_argument("--no-faults", dest="faults", action="store_false", help="no injected faults")
    parser.add_argument("--server-error-rate", type=float, default=0.01, help="500/502 chance (0.01)")
    parser.add_argument("--timeout-rate", type=float, default=0.005, help="no-answer chance (0.005)")
    parser.add_argument(
        "--timeout-delay",
        type=float,
        default=0.0,
        help="seconds before a no-answer request's connection is closed (0: at once)",
    )
    parser.add_argument("--blocked-share", type=float, default=0.01, help="recipients who blocked the bot")
    parser.add_argument("--not-found", type=int, default=5, help="recipients whose chat is gone (5)")
    parser.add_argument("--html-502-rate", type=float, default=0.0, help="502 with an HTML page (0)")
    parser.add_argument(
        "--lost-answer-rate",
        type=float,
        default=0.0,
        help="delivered, but the connection closes before the answer (0): a retry duplicates it",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds each sendMessage takes to answer, a round trip (0)",
    )
    parser.add_argument("--kill", action="store_true", help="kill -9 the bot once mid-way and restart it")
    parser.add_argument("--seed", type=int, default=1, help="for the fault choices (1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (and say where)")
    args = parser.parse_args(argv)
    if args.subscribers is None:
        args.subscribers = SCALED_SUBSCRIBERS if args.scaled else FULL_SUBSCRIBERS
    if args.stand_in_limit is None:
        args.stand_in_limit = args.rate * 1.2
    return args


def fault_plan(args: argparse.Namespace, population: Population) -> tuple[FaultPlan, dict[int, int]]:
    """--no-faults turns off the default faults; --html-502-rate and --lost-answer-rate still apply."""
    plan = FaultPlan(
        bad_gateway_html_rate=args.html_502_rate,
        lost_answer_rate=args.lost_answer_rate,
        timeout_delay=args.timeout_delay,
    )
    if not args.faults:
        return plan, {}
    rng = random.Random(args.seed)
    private = [chat for chat in population.recipients if chat > 0]
    blocked = rng.sample(private, min(len(private), round(len(population.recipients) * args.blocked_share)))
    rest = sorted(set(private) - set(blocked))
    migrated = {group: SUPERGROUP_BASE + group for group in population.groups[:1]}
    plan.server_error_rate = args.server_error_rate
    plan.timeout_rate = args.timeout_rate
    plan.blocked = set(blocked)
    plan.not_found = set(rng.sample(rest, min(args.not_found, len(rest))))
    plan.migrate = dict(migrated)
    return plan, migrated


async def bench(args: argparse.Namespace, workdir: Path) -> Outcome:
    started = time.monotonic()
    db_path = workdir / "bot.sqlite3"
    env = broadcast_env("http://127.0.0.1:9", db_path, args.rate)
    await run_cli_async("db", "upgrade", env=env)
    population = seed(db_path, args.subscribers)
    plan, migrated = fault_plan(args, population)
    outcome = Outcome(args, 0, population, plan, migrated)
    update_file = write_update_file(workdir / "update.toml")

    outcome.standin_peak_reset = reset_own_peak()
    outcome.standin_before_kb = Memory.of().rss_kb
    api = BotApiStandin(
        send_limit=args.stand_in_limit,
        per_chat_limit=args.per_chat_limit,
        faults=plan,
        record=False,
        latency=args.latency,
        seed=args.seed,
    )
    await api.start()
    env = broadcast_env(api.base_url, db_path, args.rate)
    outbox = Outbox(db_path)
    bot: BotProcess | None = None
    marker: asyncio.Future[None] | None = None
    logs: list[Path] = []
    try:
        bot = await BotProcess.start(env, workdir / "bot-1.log", fork=False)
        logs.append(bot.log_path)
        await bot.wait_until_polling(api)
        run = Run("bot")
        run.idle_kb = Memory.of(bot.pid).rss_kb
        outcome.runs.append(run)

        update_id, outcome.recipients = queued(await run_cli_async("publish", str(update_file), env=env))
        run.cpu_start = cpu_seconds(bot.pid)
        own_cpu_start = cpu_seconds()
        goal = 0.99 * (outcome.recipients - len(plan.blocked) - len(plan.not_found))
        marker = asyncio.ensure_future(api.wait_until(lambda: api.counters.sent >= goal, timeout=1e6))
        marker.add_done_callback(lambda done: _mark(outcome, done))
        print(f"fact #{update_id} queued for {outcome.recipients:,} chats", file=sys.stderr)
        timeout = outcome.recipients / args.rate * 3 + 120
        deadline = time.monotonic() + timeout
        killed = False
        next_report = time.monotonic() + 10
        while True:
            states = outbox.by_state()
            if states["pending"] == 0 and sum(states.values()) >= outcome.recipients:
                break
            if args.kill and not killed and api.counters.sent >= outcome.recipients // 2:
                run.peak_kb = Memory.of(bot.pid).peak_kb
                run.cpu_end = cpu_seconds(bot.pid)
                await bot.kill()
                run.exit = "SIGKILL"
                killed = True
                print(f"kill -9 after {api.counters.sent:,} sends; restarting", file=sys.stderr)
                api.consume_all()  # the next getUpdates is the new process's
                bot = await BotProcess.start(env, workdir / "bot-2.log", fork=False)
                logs.append(bot.log_path)
                await bot.wait_until_polling(api)
                run = Run("bot after the restart")
                run.idle_kb = Memory.of(bot.pid).rss_kb
                run.cpu_start = cpu_seconds(bot.pid)
                outcome.runs.append(run)
                continue
            if not bot.running:
                raise RuntimeError(f"the bot exited with {bot.process.returncode}\n{bot.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"still {states} after {timeout:.0f} s\n{bot.log_tail()}")
            if time.monotonic() >= next_report:
                next_report += 10
                counters = api.counters
                print(
                    f"  … {counters.sent:,} sent, {states['pending']:,} pending, "
                    f"{counters.sent / max(counters.sending_time, 1e-9):.1f}/s so far",
                    file=sys.stderr,
                )
            await asyncio.sleep(0.2)
        run.peak_kb = Memory.of(bot.pid).peak_kb
        run.cpu_end = cpu_seconds(bot.pid)
        outcome.standin_cpu = cpu_seconds() - own_cpu_start
        code = await bot.stop()
        run.exit = f"exit code {code} on SIGTERM"
    finally:
        if bot is not None and bot.running:
            await bot.kill()
        await api.stop()
        if marker is not None:
            marker.cancel()
    outcome.standin_peak_kb = Memory.of().peak_kb
    outcome.wall = time.monotonic() - started
    outcome.bot_log = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in logs)
    report(outcome, api, outbox)
    return outcome


def _mark(outcome: Outcome, done: asyncio.Future[None]) -> None:
    if not done.cancelled() and done.exception() is None:
        outcome.ninety_nine_at = time.monotonic()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(outcome: Outcome, api: BotApiStandin, outbox: Outbox) -> None:
    args = outcome.args
    counters = api.counters
    population = outcome.population
    rows = outbox.deliveries()
    states = outbox.by_state()
    subscribers = outbox.subscribers()

    expected = {outcome.migrated.get(chat, chat) for chat in population.recipients}
    delivered = set(counters.delivered)
    refused = set(counters.refused)
    failed_with_reason = {chat for chat, (state, error, _) in rows.items() if state == "failed" and error}
    sent_in_db = {chat for chat, (state, _, _) in rows.items() if state == "sent"}
    blocked_in_db = {chat for chat, (state, _, _) in rows.items() if state == "blocked"}
    lost = (expected - delivered - refused - failed_with_reason) | (sent_in_db - delivered)
    not_blocked_nor_failed = {
        chat for chat, (state, _, _) in rows.items() if state not in ("blocked", "failed")
    }
    missing = not_blocked_nor_failed - delivered
    unexpected = delivered - expected
    wrongly_blocked = blocked_in_db - refused
    not_deactivated = {chat for chat in refused if subscribers.get(chat, (1, None))[0] != 0}
    duplicates = counters.duplicates()
    moved_ok = all(
        new in subscribers and old not in subscribers and new in delivered
        for old, new in outcome.migrated.items()
    )

    sending = counters.sending_time
    achieved = (counters.sent - 1) / sending if sending > 0 and counters.sent > 1 else 0.0
    ratio = achieved / args.rate
    active_time = sending - counters.longest_gap if args.kill else sending
    achieved_active = (counters.sent - 1) / active_time if active_time > 0 and counters.sent > 1 else 0.0
    attempts_rate = counters.requests / sending if sending > 0 else 0.0
    dup_goal = 1 if args.kill else 0

    scaled = args.subscribers != FULL_SUBSCRIBERS
    lines = [
        "",
        "== delivery bench ==",
        f"code                  {code_version()}",
        f"subscribers           {outcome.recipients:,} recipients of the update "
        f"(+{len(population.bystanders):,} seeded who must get nothing)"
        + (
            f"  [SCALED TEST: {args.subscribers:,} instead of {FULL_SUBSCRIBERS:,}, "
            f"ideal {args.subscribers / args.rate:.0f} s at {args.rate:g}/s]"
            if scaled
            else ""
        ),
        f"configured limit      {args.rate:g}/s (DELIVERY_RATE_LIMIT); stand-in limit {args.stand_in_limit:g}/s "
        f"sliding 1 s window + {args.per_chat_limit:g}/s per chat",
        f"faults                {_plan_text(args, outcome)}",
        f"latency               {args.latency * 1000:g} ms per sendMessage round trip at the stand-in",
        f"kill -9               {'once, at ~50% of the sends, then restarted' if args.kill else 'no'}",
        "",
        f"achieved rate         {achieved:.1f}/s = {ratio:.3f} of the limit "
        f"({counters.sent:,} ok sends in {sending:.1f} s, first to last)   "
        f"{verdict(ratio >= 0.95)} (goal ≥ 0.95)",
    ]
    if args.kill:
        lines.append(
            f"  without the restart {achieved_active:.1f}/s = {achieved_active / args.rate:.3f} of the limit "
            f"(the longest pause, {counters.longest_gap:.1f} s, left out)   "
            f"{verdict(achieved_active / args.rate >= 0.95)} (goal ≥ 0.95)"
        )
    else:
        lines.append(f"  longest pause       {counters.longest_gap:.2f} s between two ok sends")
    if outcome.ninety_nine_at is not None and counters.first_sent_at is not None:
        main_pass = outcome.ninety_nine_at - counters.first_sent_at
        tail = (counters.last_sent_at or 0) - outcome.ninety_nine_at
        if main_pass > 0:
            rate_99 = 0.99 * counters.sent / main_pass
            lines.append(
                f"  first 99%           {rate_99:.1f}/s = {rate_99 / args.rate:.3f} of the limit in {main_pass:.1f} s; "
                f"the last 1% took {tail:.1f} s more (retries waiting out their back-off)"
            )
    lines += [
        f"  requests            {counters.requests:,} sendMessage calls = {attempts_rate:.1f}/s "
        f"= {attempts_rate / args.rate:.3f} of the limit (ok + refused + faulted)",
        f"lost deliveries       {len(lost)}   {verdict(not lost)} (goal 0)",
        f"  not blocked/failed but never got it: {len(missing)}; DB 'sent' but never arrived: "
        f"{len(sent_in_db - delivered)}; recipients without an outbox row: {len(expected - set(rows))}",
        f"  failed with a recorded reason: {len(failed_with_reason)}",
        f"duplicates            {len(duplicates)} chats got it more than once"
        + (f" {dict(list(duplicates.items())[:5])}" if duplicates else "")
        + f"   {verdict(len(duplicates) <= dup_goal)} (goal ≤ {dup_goal})",
        f"unexpected            {len(unexpected)} chats that should have got nothing got it   "
        f"{verdict(not unexpected)} (goal 0)",
        f"429s provoked         {counters.too_many_requests:,} (of which per-chat {counters.per_chat_limited:,})",
        f"faults injected       {_faults(counters.faults)}",
        f"  refused chats       {len(refused):,}: deactivated in the DB {len(refused) - len(not_deactivated):,}, "
        f"rows 'blocked' {len(blocked_in_db):,}, blocked without a refusal {len(wrongly_blocked)}"
        f"   {verdict(not not_deactivated and not wrongly_blocked)}",
        f"  migrated chat       {'followed: the row moved, the new id got it' if moved_ok else 'NOT followed'}"
        f"   {verdict(moved_ok)}"
        if outcome.migrated
        else "  migrated chat       none",
        f"DB by state           {', '.join(f'{state} {count:,}' for state, count in states.items())}",
    ]
    for run in outcome.runs:
        ratio_text = (
            f" = {run.peak_kb / run.idle_kb:.2f}× its idle RSS {mb(run.idle_kb)}" if run.idle_kb else ""
        )
        lines.append(f"peak RSS, {run.label:<11} {mb(run.peak_kb)} (VmHWM){ratio_text}; {run.exit}")
    lines.append(
        f"peak RSS, stand-in    {mb(outcome.standin_peak_kb)} (this process, VmHWM"
        + (" reset before it started" if outcome.standin_peak_reset else ", since this process started")
        + f") = {outcome.standin_peak_kb / max(outcome.standin_before_kb, 1):.2f}× "
        f"{mb(outcome.standin_before_kb)} before it started"
    )
    log = outcome.bot_log
    warnings = len(re.findall(r'level=WARNING|"level": ?"WARNING"', log))
    errors = len(re.findall(r'level=(?:ERROR|CRITICAL)|"level": ?"(?:ERROR|CRITICAL)"', log))
    batch_failures = log.count("delivery batch failed")
    lines.append(
        f"bot log               {warnings} warnings, {errors} errors, {log.count('Traceback')} tracebacks"
        + (f" ({batch_failures} × 'delivery batch failed')" if batch_failures else "")
    )
    bot_cpu = sum(run.cpu_end - run.cpu_start for run in outcome.runs)
    if counters.requests:
        per_request = 1000 / counters.requests
        lines.append(
            f"CPU per sendMessage   bot {bot_cpu * per_request:.2f} ms, stand-in and bench "
            f"{outcome.standin_cpu * per_request:.2f} ms (all CPU from the publish to the end, idle "
            f"polling included; {1000 / achieved if achieved else 0:.2f} ms between ok sends on average)"
        )
    lines.append(f"wall time             {outcome.wall:.1f} s in all")
    print("\n".join(lines))


def _plan_text(args: argparse.Namespace, outcome: Outcome) -> str:
    plan = outcome.plan
    parts = []
    if plan.server_error_rate:
        parts.append(f"5xx {plan.server_error_rate:.1%}")
    if plan.timeout_rate:
        parts.append(f"no answer {plan.timeout_rate:.1%} (connection closed after {plan.timeout_delay:g} s)")
    if plan.bad_gateway_html_rate:
        parts.append(f"502 HTML page {plan.bad_gateway_html_rate:.1%}")
    if plan.lost_answer_rate:
        parts.append(f"delivered but answer lost {plan.lost_answer_rate:.1%}")
    if plan.blocked:
        parts.append(f"blocked the bot {len(plan.blocked):,} chats")
    if plan.not_found:
        parts.append(f"chat not found {len(plan.not_found)}")
    if outcome.migrated:
        parts.append(f"group migrated {len(outcome.migrated)}")
    return ", ".join(parts) if parts else "none"


def _faults(faults: dict[str, int]) -> str:
    if not faults:
        return "none"
    return ", ".join(f"{name} {count:,}" for name, count in sorted(faults.items()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep:
        workdir = Path(tempfile.mkdtemp(prefix="delivery-bench-"))
        print(f"working in {workdir}", file=sys.stderr)
        return _run(args, workdir)
    with tempfile.TemporaryDirectory(prefix="delivery-bench-") as name:
        return _run(args, Path(name))


def _run(args: argparse.Namespace, workdir: Path) -> int:
    try:
        asyncio.run(bench(args, workdir))
    except RuntimeError as exc:
        print(f"the bench could not finish: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
