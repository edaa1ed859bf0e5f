"""``python -m bot ...`` as a process: its environment, a command run to completion, and the bot
itself (``run``) in the background with its log in a file.

Commands are forked from a zygote that has imported the bot once (:mod:`bot.testing.launcher`):
real processes, without aiogram's import (seconds of CPU) in each. Benchmarks start a fresh
interpreter instead (``fork=False``), as production does. Tests that start one are marked ``slow``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

from bot.config import Settings
from bot.testing.launcher import Zygote, forking
from bot.testing.settings import DATA, REPO

if TYPE_CHECKING:
    from bot.testing.standin import BotApiStandin

T = TypeVar("T")

_LOCAL = "127.0.0.1,localhost"


def bot_env(database_path: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any of the bot's own settings (so what a test sees
    does not depend on the shell it runs in), then ``DATABASE_PATH``, ``DATA_DIR`` (the
    checkout's ``data/``) and ``settings`` by variable name: ``bot_env(db, BOT_TOKEN=...,
    BOT_API_URL=api.base_url, LOG_LEVEL="INFO")``. Local addresses bypass any proxy."""
    own = {name.upper() for name in Settings.model_fields}
    env = {name: value for name, value in os.environ.items() if name not in own}
    python_path = [str(REPO), *filter(None, [env.get("PYTHONPATH")])]
    env.update(
        {
            "DATABASE_PATH": str(database_path),
            "DATA_DIR": str(DATA),
            "PYTHONPATH": os.pathsep.join(python_path),  # this checkout's bot, from any cwd
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": _LOCAL,
            "no_proxy": _LOCAL,
        }
    )
    env.update(settings)
    return env


def bot_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def run_cli(
    *args: str,
    env: Mapping[str, str],
    cwd: Path = REPO,
    input: str | None = None,
    timeout: float = 60,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` to completion, stdout and stderr captured apart. With ``check``,
    a non-zero exit raises RuntimeError carrying both."""
    if forking():
        done = Zygote.shared().run(args, env, cwd, input, timeout)
    else:
        done = _exec(args, env, cwd, input, timeout)
    if check and done.returncode != 0:
        raise RuntimeError(
            f"python -m bot {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done


def _exec(
    args: tuple[str, ...], env: Mapping[str, str], cwd: Path, input: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        bot_command(*args),
        cwd=cwd,
        env=dict(env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


async def run_cli_async(*args: str, env: Mapping[str, str], timeout: float = 60) -> str:
    """:func:`run_cli` with ``check`` from a coroutine (in a thread); its stdout."""
    done = await asyncio.to_thread(run_cli, *args, env=env, timeout=timeout, check=True)
    return done.stdout


class ProcessLike(Protocol):
    """What :class:`BotProcess` needs of a process: asyncio's, or a :class:`~bot.testing.launcher.Child`."""

    @property
    def pid(self) -> int: ...
    @property
    def returncode(self) -> int | None: ...
    async def wait(self) -> int: ...
    def kill(self) -> None: ...
    def send_signal(self, signum: int) -> None: ...


async def start_piped(env: Mapping[str, str]) -> tuple[ProcessLike, asyncio.StreamReader]:
    """``python -m bot run`` with stdout and stderr on one pipe (not a file: a test that limits the
    bot's file sizes still reads its log), forked from the zygote unless ``BOT_TEST_FORK=0``."""
    if not forking():
        process = await asyncio.create_subprocess_exec(
            *bot_command("run"), cwd=REPO, env=dict(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, limit=2**24,  # DEBUG lines can be long
        )  # fmt: skip
        assert process.stdout is not None
        return process, process.stdout
    zygote = await asyncio.to_thread(Zygote.shared)
    read_end, write_end = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        child = zygote.spawn(["run"], env, REPO, devnull, write_end, write_end)
    finally:
        os.close(devnull)
        os.close(write_end)
    reader = asyncio.StreamReader(limit=2**24)
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_end, "rb", 0))
    return child, reader


@dataclass
class BotProcess:
    """One ``python -m bot run`` in the background; stdout and stderr go to ``log_path``."""

    process: ProcessLike
    log_path: Path
    log_file: IO[bytes]
    exited: asyncio.Future[int] = field(init=False)

    def __post_init__(self) -> None:
        self.exited = asyncio.ensure_future(self.process.wait())

    @classmethod
    async def start(cls, env: Mapping[str, str], log_path: Path, *, fork: bool = True) -> BotProcess:
        """``fork``: from the zygote (tests); ``False``: a fresh interpreter (benchmarks)."""
        log_file = log_path.open("wb")
        if fork and forking():
            zygote = await asyncio.to_thread(Zygote.shared)  # its first start takes seconds
            devnull = os.open(os.devnull, os.O_RDONLY)
            try:
                child = zygote.spawn(["run"], env, REPO, devnull, log_file.fileno(), log_file.fileno())
            finally:
                os.close(devnull)
            return cls(child, log_path, log_file)
        process = await asyncio.create_subprocess_exec(
            *bot_command("run"),
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

    async def outlive(self, awaitable: Awaitable[T], what: str) -> T:
        """``awaitable``'s result, unless the bot exits first (RuntimeError with the log's tail).
        A TimeoutError from ``awaitable`` becomes a RuntimeError with the log's tail too."""
        waiter = asyncio.ensure_future(awaitable)
        racing: set[asyncio.Future[Any]] = {waiter, self.exited}
        await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            raise RuntimeError(f"the bot exited with {self.exited.result()} while {what}\n{self.log_tail()}")
        try:
            return waiter.result()
        except TimeoutError as exc:
            raise RuntimeError(f"{what}: {exc}\n{self.log_tail()}") from None

    async def wait_until_polling(self, api: BotApiStandin, within: float = 60) -> None:
        """Until the first getUpdates: start-up (migrations, data, the bot's profile) is over."""
        await self.outlive(api.wait_for("getUpdates", timeout=within), f"starting (within {within} s)")

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

    def log(self) -> str:
        """Everything the bot wrote so far (or in all, once it is stopped)."""
        if not self.log_file.closed:
            self.log_file.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, size: int = 3000) -> str:
        return f"--- {self.log_path.name} (tail) ---\n{self.log()[-size:]}"
