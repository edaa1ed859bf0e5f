"""Faults found by trying to break the bot (issue 14) that need the bot as a process:
``python -m bot run`` against the Bot API stand-in, its output read from a pipe.

The output goes to a pipe rather than a file because one way these tests make the database
unwritable is a file-size limit on the bot process, which would stop it writing a log file too.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import aiohttp
import pytest

from bot.testing.broadcast import TOKEN, Outbox, queued, seed, write_update_file
from bot.testing.broadcast import broadcast_env as bot_env
from bot.testing.process import ProcessLike, run_cli_async, start_piped
from bot.testing.settings import REPO
from bot.testing.standin import BotApiStandin


async def run_cli(env: dict[str, str], *args: str, within: float = 60) -> str:
    return await run_cli_async(*args, env=env, timeout=within)


pytestmark = pytest.mark.slow

SECRET_PART = TOKEN.split(":", 1)[1]
# Time limits are generous: on two busy cores the bot alone takes half a minute to start.
LONG = 240


class BotRun:
    """One ``python -m bot run`` with its stdout and stderr collected line by line."""

    def __init__(self, process: ProcessLike, stdout: asyncio.StreamReader) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.ensure_future(self._read(stdout))
        self.exited = asyncio.ensure_future(process.wait())

    @classmethod
    async def start(cls, env: Mapping[str, str]) -> BotRun:
        return cls(*await start_piped(env))

    async def _read(self, stdout: asyncio.StreamReader) -> None:
        async for line in stdout:
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def errors(self) -> list[str]:
        return [line for line in self.lines if "level=ERROR" in line]

    async def wait_for_line(self, text: str, within: float) -> None:
        async with asyncio.timeout(within):
            while not any(text in line for line in self.lines):
                if self.process.returncode is not None:
                    pytest.fail(f"the bot exited with {self.process.returncode}\n{self.tail()}")
                await asyncio.sleep(0.1)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def tail(self, size: int = 4000) -> str:
        return "--- bot output (tail) ---\n" + self.output[-size:]

    async def polling(self, api: BotApiStandin, within: float = 120) -> None:
        polled = asyncio.ensure_future(api.wait_for("getUpdates", timeout=within))
        await asyncio.wait({polled, self.exited}, return_when=asyncio.FIRST_COMPLETED)
        if not polled.done():
            polled.cancel()
            pytest.fail(f"the bot exited with {self.exited.result()} before polling\n{self.tail()}")
        polled.result()

    async def stop(self, grace: float = 15) -> int:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self.exited), grace)
            except TimeoutError:
                self.process.kill()
        code = await self.exited
        await self._reader
        return code


# -- 1. the database made unwritable mid-broadcast -------------------------------------------

RECIPIENTS = 100  # five seconds of sending at 20 a second: the outage comes mid-broadcast


@contextlib.contextmanager
def unwritable(how: str, pid: int, db_path: Path) -> Iterator[Callable[[], None]]:
    """Makes the running bot's database unwritable; yields the function that ends it (also
    called on the way out, whatever happens).

    - "disk full": a file-size limit on the bot process (RLIMIT_FSIZE through prlimit). Every
      write that would grow a file fails with EFBIG, which SQLite reports as it reports a full
      disk; it needs no privileges and leaves nothing behind. chmod would not do: the bot has
      the files open already (and as root it ignores modes anyway).
    - "immutable": ``chattr +i`` on the write-ahead log, where every commit goes first. It
      needs CAP_LINUX_IMMUTABLE (skipped without it). Only the log: the -shm file is mapped
      into memory, and making it immutable kills the process with SIGBUS rather than failing
      a write.
    """
    if how == "disk full":
        limits = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, limits[1]))

        def end() -> None:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, limits)

    else:
        wal = f"{db_path}-wal"
        if subprocess.run(["chattr", "+i", wal], capture_output=True, check=False).returncode != 0:
            pytest.skip("chattr +i is not permitted here")

        def end() -> None:
            subprocess.run(["chattr", "-i", wal], capture_output=True, check=False)

    try:
        yield end
    finally:
        end()


@pytest.mark.parametrize("how", ["disk full", "immutable"])
async def test_the_database_made_unwritable_mid_broadcast(tmp_path: Path, how: str) -> None:
    """While the store refuses writes, the chat whose message Telegram took is not sent it
    again and nobody else is sent anything; the log has one ERROR line per pause (1, 2, 4 s…);
    once the store is back, everyone has the update exactly once and the outbox says so."""
    db_path = tmp_path / "bot.sqlite3"
    await run_cli(bot_env("http://127.0.0.1:9", db_path, 20), "db", "upgrade", within=180)
    population = seed(db_path, RECIPIENTS, bystanders=False)
    async with BotApiStandin(record=False) as api:
        env = bot_env(api.base_url, db_path, 20, log_level="INFO")
        bot = await BotRun.start(env)
        try:
            async with asyncio.timeout(LONG):
                await bot.polling(api)
                _, recipients = queued(
                    await run_cli(env, "publish", str(write_update_file(tmp_path / "u.toml")), within=180)
                )
                assert recipients == RECIPIENTS
                await api.wait_until(lambda: api.counters.sent >= 8, timeout=60)
                with unwritable(how, bot.process.pid, db_path) as end:
                    at_break, errors_before = api.counters.sent, len(bot.errors())
                    broke_at = asyncio.get_running_loop().time()
                    await bot.wait_for_line("deliveries paused", within=60)
                    await asyncio.sleep(4)
                    during = api.counters.sent - at_break
                    paused = bot.errors()[errors_before:]
                    outage = asyncio.get_running_loop().time() - broke_at
                    end()
                await wait_until_all_sent(Outbox(db_path), bot, RECIPIENTS)
            assert await bot.stop() == 0, bot.tail()
        finally:
            if bot.process.returncode is None:
                bot.process.kill()
                await bot.exited
    assert during <= 1, f"{during} messages went out while the store refused writes"
    # Pauses of 1, 2, 4, 8… s: a handful of lines, however long the outage.
    assert 1 <= len(paused) <= 2 + math.log2(outage + 1), "\n".join(paused)
    assert all("deliveries paused" in line for line in paused), "\n".join(paused)
    assert sorted(api.counters.delivered) == sorted(population.recipients)
    assert api.counters.duplicates() == {}
    assert Outbox(db_path).by_state() == {"pending": 0, "sent": RECIPIENTS, "failed": 0, "blocked": 0}
    assert bot.output.count("Traceback") <= 1, bot.tail()


async def wait_until_all_sent(outbox: Outbox, bot: BotRun, rows: int, within: float = 90) -> None:
    async with asyncio.timeout(within):
        while True:
            states = outbox.by_state()
            if states["pending"] == 0 and sum(states.values()) >= rows:
                return
            if bot.process.returncode is not None:
                pytest.fail(f"the bot exited mid-broadcast\n{bot.tail()}")
            await asyncio.sleep(0.2)


# -- 2. one bad answer at start-up -----------------------------------------------------------

BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
GARBLED = '{"ok": true, "result": tr'


async def say(api: BotApiStandin, bot: BotRun, text: str, user_id: int = 3001) -> str:
    api.push_message(text, user_id=user_id, language_code="en")
    call = await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == user_id, timeout=60)
    return str(call.params["text"])


async def test_bad_answers_at_start_up_are_retried_and_the_bot_answers(tmp_path: Path) -> None:
    async with BotApiStandin() as api:
        api.fail_next_raw("deleteWebhook", 502, BAD_GATEWAY)
        api.fail_next_raw("getMe", 200, GARBLED, "application/json")
        api.fail_next_raw("setMyCommands", 502, BAD_GATEWAY)
        api.fail_next_raw("setMyDescription", 200, GARBLED, "application/json")
        api.fail_next_raw("setMyShortDescription", 502, BAD_GATEWAY)
        bot = await BotRun.start(bot_env(api.base_url, tmp_path / "bot.sqlite3", 20, log_level="INFO"))
        try:
            async with asyncio.timeout(LONG):
                await bot.polling(api)
                assert "/turnover" in await say(api, bot, "/help")
                # The menus are set beside polling, each failed call once more after a second;
                # the short description in Belarusian comes last.
                last = await api.wait_for(
                    "setMyShortDescription", lambda c: c.params.get("language_code") == "be", timeout=60
                )
                assert last.ok
        finally:
            code = await bot.stop()
    assert code == 0, bot.tail()
    assert {key[1] for key, commands in api.commands.items() if commands} == {"", "ru", "en", "kk", "be"}
    assert set(api.descriptions) == set(api.short_descriptions) == {"", "ru", "en", "kk", "be"}
    for method in ("deleteWebhook", "getMe", "setMyCommands (default)", "setMyDescription (default)"):
        assert f"{method} failed (ClientDecodeError" in bot.output, bot.tail()
    assert "Traceback" not in bot.output, bot.tail()
    assert "level=ERROR" not in bot.output, bot.tail()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_survives_a_bad_set_webhook_answer_and_forged_requests(tmp_path: Path) -> None:
    """setWebhook answered once with an HTML page; then 200 requests with a non-ASCII secret
    header and bodies that are not updates: 401 and 400, and not one traceback."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with BotApiStandin() as api:
        api.fail_next_raw("setWebhook", 502, BAD_GATEWAY)
        env = bot_env(api.base_url, tmp_path / "bot.sqlite3", 20, log_level="INFO")
        env.update({
            "WEBHOOK_BASE_URL": "https://bot.example.org", "WEBHOOK_SECRET": "hook-Secret_42",
            "WEB_SERVER_HOST": "127.0.0.1", "WEB_SERVER_PORT": str(port),
        })  # fmt: skip
        bot = await BotRun.start(env)
        statuses: dict[int, int] = {}
        try:
            async with asyncio.timeout(LONG), aiohttp.ClientSession() as http:
                while True:
                    if bot.process.returncode is not None:
                        pytest.fail(f"the bot exited with {bot.process.returncode}\n{bot.tail()}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(f"{base}/healthz") as response:
                            if response.status == 200:
                                break
                    await asyncio.sleep(0.2)
                assert [c.ok for c in api.calls_of("setWebhook")] == [False, True]
                forged = "Секрет".encode().decode("latin-1")
                for n in range(200):
                    headers = {"X-Telegram-Bot-Api-Secret-Token": forged if n % 2 else "hook-Secret_42"}
                    body = b"not json" if n % 4 == 0 else b'{"update_id": "x"}'
                    async with http.post(f"{base}/webhook", data=body, headers=headers) as response:
                        statuses[response.status] = statuses.get(response.status, 0) + 1
        finally:
            code = await bot.stop()
    assert statuses == {401: 100, 400: 100}
    assert code == 0, bot.tail()
    assert "Traceback" not in bot.output, bot.tail()
    assert "level=ERROR" not in bot.output, bot.tail()
    assert len(bot.output) < 60_000, "a log line per forged request is fine, a traceback each is not"


# -- 3. the token never reaches the output ---------------------------------------------------

ECHO_PAGE = "<html><body><h1>404 Not Found</h1><p>No route for {path}</p></body></html>"


async def test_error_pages_that_echo_the_token_never_reach_the_output(tmp_path: Path) -> None:
    async with BotApiStandin() as api:
        for method in ("deleteWebhook", "getMe", "setMyCommands", "setMyDescription"):
            api.fail_next_raw(method, 404, ECHO_PAGE)
        bot = await BotRun.start(bot_env(api.base_url, tmp_path / "bot.sqlite3", 20, log_level="DEBUG"))
        try:
            async with asyncio.timeout(LONG):
                await bot.polling(api)
                assert "/turnover" in await say(api, bot, "/help")
        finally:
            code = await bot.stop()
    assert code == 0, bot.tail()
    assert "ClientDecodeError" in bot.output
    assert SECRET_PART not in bot.output, bot.tail()


async def test_a_refused_token_stops_the_bot_with_one_line_and_no_token(tmp_path: Path) -> None:
    """Telegram's 401, whose description repeats the path: before, an uncaught traceback with
    the token in it; now one line, the token starred out."""
    async with BotApiStandin() as api:
        body = '{"ok": false, "error_code": 401, "description": "Unauthorized: no bot at {path}"}'
        api.fail_next_raw("getMe", 401, body, "application/json")
        bot = await BotRun.start(bot_env(api.base_url, tmp_path / "bot.sqlite3", 20, log_level="INFO"))
        async with asyncio.timeout(LONG):
            code = await bot.exited
        await bot.stop()
    assert code == 1, bot.tail()
    assert SECRET_PART not in bot.output, bot.tail()
    assert "Traceback" not in bot.output, bot.tail()
    [line] = [line for line in bot.lines if "level=CRITICAL" in line]
    assert "could not start: Telegram refused the token" in line
    assert "/bot***/getMe" in line


UNCAUGHT = f"""
import asyncio, threading
from pydantic import SecretStr
from bot.logs import configure_logging, log_loop_exception
configure_logging("INFO", SecretStr("{TOKEN}"))

def fail(where):
    raise RuntimeError(f"{{where}}: GET https://api.telegram.org/bot{TOKEN}/getMe")

thread = threading.Thread(target=fail, args=("thread",))
thread.start(); thread.join()

async def main():
    asyncio.get_running_loop().set_exception_handler(log_loop_exception)
    task = asyncio.ensure_future(asyncio.sleep(0))
    asyncio.ensure_future(asyncio.to_thread(fail, "task"))
    await asyncio.sleep(0.2)
    import gc; gc.collect()

asyncio.run(main())
import gc; gc.collect()
fail("main")
"""


def test_uncaught_errors_go_through_the_redacting_logger() -> None:
    done = subprocess.run(
        [sys.executable, "-c", UNCAUGHT], cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert SECRET_PART not in output, output
    for where in ("thread", "main"):
        assert f"{where}: GET https://api.telegram.org/bot***/getMe" in output, output
    assert output.count("stopped by an unexpected error") == 2, output


# -- 6. ADMIN_IDS out of range ---------------------------------------------------------------


@pytest.mark.parametrize("admin_ids", [str(2**63), "1," + "9" * 20, "-5"])
def test_admin_ids_out_of_range_stop_start_up_with_one_line(tmp_path: Path, admin_ids: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    env.update({"BOT_TOKEN": TOKEN, "ADMIN_IDS": admin_ids, "DATABASE_PATH": str(tmp_path / "s.sqlite3")})
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True, timeout=180,
        check=False, env={**env, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: invalid setting ADMIN_IDS: Value error, a Telegram user id is a positive number below 2^52, "
        "e.g. 123,456"
    ]
