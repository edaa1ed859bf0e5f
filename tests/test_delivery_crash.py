"""Broadcasts through the real bot process (``python -m bot run``) and the Bot API stand-in.

- kill -9 mid-broadcast, restart on the same database: everyone gets the update, at most one
  chat twice (the message in flight when the process died), and the outbox ends all 'sent';
- each fault class, from one broadcast that meets them all: 429 past the stand-in's limit,
  5xx, connections closed without an answer, 403 blocked, 400 chat not found, a group that
  became a supergroup, and a 502 that is an HTML page rather than JSON.

The subscribers are written straight into the database (``bot/testing/broadcast.py``, as the
delivery bench does) and the update is queued with ``python -m bot publish FILE``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.testing.broadcast import (
    SUPERGROUP_BASE,
    Outbox,
    Population,
    broadcast_env,
    queued,
    seed,
    wait_until_delivered,
    write_update_file,
)
from bot.testing.process import BotProcess, run_cli_async
from bot.testing.standin import BotApiStandin, FaultPlan, SendCounters

pytestmark = pytest.mark.slow  # bot processes

RATE = 100.0  # DELIVERY_RATE_LIMIT for the bot


async def prepare(tmp_path: Path, recipients: int, group_every: int = 97) -> tuple[Path, Population]:
    db_path = tmp_path / "bot.sqlite3"
    await run_cli_async("db", "upgrade", env=broadcast_env("http://127.0.0.1:9", db_path, RATE))
    return db_path, seed(db_path, recipients, group_every=group_every)


async def publish(env: dict[str, str], tmp_path: Path) -> int:
    update_file = write_update_file(tmp_path / "update.toml")
    _, recipients = queued(await run_cli_async("publish", str(update_file), env=env))
    return recipients


# -- kill -9 ---------------------------------------------------------------------------------


async def test_kill_9_mid_broadcast_resumes_with_nothing_lost(tmp_path: Path) -> None:
    db_path, population = await prepare(tmp_path, 300)
    outbox = Outbox(db_path)
    processes: list[BotProcess] = []
    async with BotApiStandin(per_chat_limit=1) as api:
        env = broadcast_env(api.base_url, db_path, RATE, log_level="INFO")
        try:
            async with asyncio.timeout(150):  # a hang detector: two start-ups on a busy machine
                processes.append(await BotProcess.start(env, tmp_path / "bot-1.log"))
                await processes[0].wait_until_polling(api)
                assert await publish(env, tmp_path) == 300

                await api.wait_until(lambda: api.counters.sent >= 100, timeout=20)
                await processes[0].kill()
                sent_at_kill = api.counters.sent
                pending_at_kill = outbox.pending()

                api.consume_all()
                # A restart forked from the test zygote is instant; a real one takes longer than the
                # second Telegram wants between two messages to one chat (the one in flight is resent).
                await asyncio.sleep(1.1)
                processes.append(await BotProcess.start(env, tmp_path / "bot-2.log"))
                await processes[1].wait_until_polling(api)
                await wait_until_delivered(outbox, processes[1], 300, within=30)
                exit_code = await processes[1].stop()
        finally:
            for process in processes:
                await process.kill()
    counters = api.counters

    assert 100 <= sent_at_kill < 300, "not killed mid-broadcast"
    assert pending_at_kill > 0
    missing = set(population.recipients) - set(counters.delivered)
    assert not missing, f"{len(missing)} subscribers never got the update, e.g. {sorted(missing)[:5]}"
    duplicates = counters.duplicates()
    assert len(duplicates) <= 1, f"more than the one message in flight was sent twice: {duplicates}"
    assert all(count == 2 for count in duplicates.values())
    assert not set(counters.delivered) & set(population.bystanders), "sent to someone who follows no match"
    assert outbox.by_state() == {"pending": 0, "sent": 300, "failed": 0, "blocked": 0}
    assert counters.too_many_requests == 0
    assert exit_code == 0, processes[1].log_tail()


# -- fault classes ---------------------------------------------------------------------------


@dataclass
class FaultRun:
    """One broadcast to 80 chats that meets every fault class, and what came of it."""

    population: Population
    plan: FaultPlan
    counters: SendCounters
    deliveries: dict[int, tuple[str, str | None, int]]  # chat → (state, last error, attempts)
    subscribers: dict[int, tuple[int, str | None]]  # chat → (active, inactive reason)
    outbox: Outbox
    log: str
    exit_code: int
    # the chats each fault was aimed at
    blocked: list[int]
    not_found: int
    group: int
    supergroup: int
    server_errors: dict[int, int]
    no_answer: dict[int, int]
    html_502: int

    @property
    def untouched(self) -> set[int]:
        """The recipients no fault was aimed at (429s apart)."""
        aimed = {
            *self.blocked,
            self.not_found,
            self.group,
            *self.server_errors,
            *self.no_answer,
            self.html_502,
        }
        return set(self.population.recipients) - aimed


async def broadcast_with_faults(tmp_path: Path) -> FaultRun:
    db_path, population = await prepare(tmp_path, 80, group_every=20)
    private = [chat for chat in population.recipients if chat > 0]
    group = population.groups[0]
    supergroup = SUPERGROUP_BASE + group
    blocked, not_found = private[1:4], private[5]
    server_errors = {private[10]: 2, private[11]: 1, private[12]: 1}
    no_answer = {private[20]: 1, private[21]: 2}
    html_502 = private[30]
    plan = FaultPlan(
        blocked=set(blocked),
        not_found={not_found},
        migrate={group: supergroup},
        server_errors=dict(server_errors),
        timeouts=dict(no_answer),
        bad_gateways_html={html_502: 1},
    )
    # The stand-in allows 30 a second, the bot tries 100: 429s, with retry_after 1.
    async with BotApiStandin(send_limit=30, per_chat_limit=1, faults=plan) as api:
        env = broadcast_env(api.base_url, db_path, RATE, log_level="INFO")
        bot = await BotProcess.start(env, tmp_path / "bot.log")
        try:
            async with asyncio.timeout(120):  # a hang detector, not a speed test
                await bot.wait_until_polling(api)
                assert await publish(env, tmp_path) == 80
                await wait_until_delivered(Outbox(db_path), bot, 80, within=40)
                exit_code = await bot.stop()
        finally:
            await bot.kill()
    outbox = Outbox(db_path)
    return FaultRun(
        population=population,
        plan=plan,
        counters=api.counters,
        deliveries=outbox.deliveries(),
        subscribers=outbox.subscribers(),
        outbox=outbox,
        log=bot.log_path.read_text(encoding="utf-8", errors="replace"),
        exit_code=exit_code,
        blocked=blocked,
        not_found=not_found,
        group=group,
        supergroup=supergroup,
        server_errors=server_errors,
        no_answer=no_answer,
        html_502=html_502,
    )


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    """Run once for the module's tests (a bot process is a few seconds)."""
    return asyncio.run(broadcast_with_faults(tmp_path_factory.mktemp("faults")))


def test_429s_pause_and_everything_still_arrives(faults: FaultRun) -> None:
    assert faults.counters.too_many_requests >= 1
    missing = faults.untouched - set(faults.counters.delivered)
    assert not missing
    states = {faults.deliveries[chat][0] for chat in faults.untouched}
    assert states == {"sent"}
    # a 429 is not an attempt: a row refused only with 429s ends with the one attempt that went through
    assert {faults.deliveries[chat][2] for chat in faults.untouched} == {1}


def test_5xx_are_retried_and_delivered(faults: FaultRun) -> None:
    assert faults.counters.faults["server_error"] == sum(faults.server_errors.values())
    for chat, failures in faults.server_errors.items():
        assert faults.counters.delivered.get(chat) == 1, chat
        state, error, attempts = faults.deliveries[chat]
        assert (state, error, attempts) == ("sent", None, failures + 1)


def test_no_answer_is_retried_and_delivered(faults: FaultRun) -> None:
    assert faults.counters.faults["timeout"] == sum(faults.no_answer.values())
    for chat, failures in faults.no_answer.items():
        assert faults.counters.delivered.get(chat) == 1, chat
        assert faults.deliveries[chat] == ("sent", None, failures + 1)


def test_blocked_chats_are_deactivated_and_not_retried(faults: FaultRun) -> None:
    for chat in faults.blocked:
        assert chat not in faults.counters.delivered
        state, error, _ = faults.deliveries[chat]
        assert state == "blocked"
        assert error is not None and "blocked by the user" in error
        active, reason = faults.subscribers[chat]
        assert active == 0
        assert reason is not None and "blocked by the user" in reason
    assert faults.counters.faults["blocked"] == len(faults.blocked), "a blocked chat was asked again"


def test_chat_not_found_is_deactivated(faults: FaultRun) -> None:
    chat = faults.not_found
    assert chat not in faults.counters.delivered
    assert faults.deliveries[chat][0] == "blocked"
    active, reason = faults.subscribers[chat]
    assert active == 0
    assert reason is not None and "chat not found" in reason
    assert faults.counters.faults["chat_not_found"] == 1


def test_a_migrated_group_is_followed(faults: FaultRun) -> None:
    assert faults.counters.faults["migrate"] == 1
    assert faults.group not in faults.counters.delivered
    assert faults.counters.delivered.get(faults.supergroup) == 1
    assert faults.group not in faults.subscribers
    assert faults.subscribers[faults.supergroup] == (1, None)
    assert faults.outbox.subscriptions_of(faults.supergroup) == {"food_retail"}
    assert faults.group not in faults.deliveries
    assert faults.deliveries[faults.supergroup][0] == "sent"


def test_the_broadcast_as_a_whole(faults: FaultRun) -> None:
    counters = faults.counters
    gone = {*faults.blocked, faults.not_found}
    expected = {faults.supergroup if chat == faults.group else chat for chat in faults.population.recipients}
    assert set(counters.delivered) == expected - gone
    assert counters.duplicates() == {}
    assert faults.outbox.by_state() == {
        "pending": 0,
        "sent": 80 - len(gone),
        "failed": 0,
        "blocked": len(gone),
    }
    assert faults.exit_code == 0
    # The HTML 502 aside (see the next test), the bot meets every fault without a traceback.
    tracebacks = [
        line for line in faults.log.splitlines() if "Traceback" in line and "ClientDecodeError" not in line
    ]
    assert not tracebacks, tracebacks[0][-3000:]


def test_a_502_html_page_is_retried(faults: FaultRun) -> None:
    """Telegram's front end can answer 502 with an HTML page: aiogram raises ClientDecodeError,
    which is not a TelegramAPIError. It must still be delivered (it is)."""
    assert faults.counters.faults["bad_gateway_html"] == 1
    assert faults.counters.delivered.get(faults.html_502) == 1
    assert faults.deliveries[faults.html_502][0] == "sent"


def test_a_502_html_page_is_an_ordinary_retry(faults: FaultRun) -> None:
    assert faults.deliveries[faults.html_502] == ("sent", None, 2)
    assert "delivery batch failed" not in faults.log
