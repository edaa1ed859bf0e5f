"""The client side of :mod:`bot.testing.zygote`: ``python -m bot ARGS`` forked from a process
that has imported the bot already, run to completion (:meth:`Zygote.run`, like
``subprocess.run``) or in the background (:meth:`Zygote.spawn`, like
``asyncio.create_subprocess_exec``).

One zygote per test process, started on first use and stopped at exit. ``BOT_TEST_FORK=0``
in the environment makes every command a fresh ``python -m bot`` instead (slower, the same
behaviour).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from bot.testing.settings import REPO


def forking() -> bool:
    return os.environ.get("BOT_TEST_FORK", "1") != "0"


class Child:
    """A forked ``python -m bot``: its pid, and its exit code once the zygote has reaped it."""

    def __init__(self, connection: socket.socket, pid: int) -> None:
        self.connection = connection
        self.pid = pid
        self.returncode: int | None = None
        self._buffer = b""

    def _parse(self) -> bool:
        if b"\n" not in self._buffer:
            return False
        line = self._buffer.split(b"\n", 1)[0].decode()
        self.returncode = int(line.removeprefix("exit "))
        self.connection.close()
        return True

    async def wait(self) -> int:
        loop = asyncio.get_running_loop()
        while self.returncode is None:
            chunk = await loop.sock_recv(self.connection, 64)
            if not chunk:
                raise RuntimeError("the test zygote went away")
            self._buffer += chunk
            self._parse()
        return self.returncode

    def wait_blocking(self, timeout: float | None) -> int:
        self.connection.setblocking(True)
        self.connection.settimeout(timeout)
        while self.returncode is None:
            chunk = self.connection.recv(64)  # socket.timeout (TimeoutError) past ``timeout``
            if not chunk:
                raise RuntimeError("the test zygote went away")
            self._buffer += chunk
            self._parse()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The zygote process of this test process (see :mod:`bot.testing.zygote`)."""

    _shared: ClassVar[Zygote | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="bot-zygote-")
        self.path = str(Path(self._dir.name) / "socket")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.testing.zygote", self.path],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline() != b"ready\n":
            raise RuntimeError(f"the test zygote did not start (exit {self.process.wait()})")

    @classmethod
    def shared(cls) -> Zygote:
        with cls._lock:
            if cls._shared is None or cls._shared.process.poll() is not None:
                cls._shared = cls()
                atexit.register(cls._shared.close)
            return cls._shared

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # the zygote's signal to exit
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._dir.cleanup()

    def _start(self, args: Sequence[str], env: Mapping[str, str], cwd: Path, fds: Sequence[int]) -> Child:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(self.path)
        request = json.dumps({"args": list(args), "env": dict(env), "cwd": str(cwd)}).encode()
        socket.send_fds(connection, [request], list(fds))
        line = b""
        while not line.endswith(b"\n"):
            chunk = connection.recv(1)
            if not chunk:
                raise RuntimeError("the test zygote went away")
            line += chunk
        child = Child(connection, int(line.decode().removeprefix("pid ")))
        connection.setblocking(False)
        return child

    def spawn(
        self, args: Sequence[str], env: Mapping[str, str], cwd: Path, stdin: int, stdout: int, stderr: int
    ) -> Child:
        """``python -m bot ARGS`` in the background, its streams on the given descriptors."""
        return self._start(args, env, cwd, [stdin, stdout, stderr])

    def run(
        self, args: Sequence[str], env: Mapping[str, str], cwd: Path, input: str | None, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """``python -m bot ARGS`` to completion, stdout and stderr captured apart."""
        with (
            tempfile.TemporaryFile() as given,
            tempfile.TemporaryFile() as out,
            tempfile.TemporaryFile() as err,
        ):
            given.write((input or "").encode())
            given.seek(0)
            child = self._start(args, env, cwd, [given.fileno(), out.fileno(), err.fileno()])
            try:
                code = child.wait_blocking(timeout)
            except TimeoutError:
                child.kill()
                child.wait_blocking(10)
                raise subprocess.TimeoutExpired(["python", "-m", "bot", *args], timeout) from None
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(
                ["python", "-m", "bot", *args],
                code,
                out.read().decode(errors="replace"),
                err.read().decode(errors="replace"),
            )
