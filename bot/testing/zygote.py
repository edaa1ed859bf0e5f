"""``python -m bot ARGS`` as a real process, without paying aiogram's import each time.

Importing aiogram builds several hundred pydantic models: seconds of CPU on a small machine, in
every ``python -m bot run`` a test starts. A zygote imports the bot (aiogram, aiohttp, matplotlib
and all) once, then forks a child per command: a real process with its own pid, environment,
working directory and standard streams, that a test can SIGTERM or SIGKILL like any other; the
zygote reaps it and reports its exit code (``-N`` for signal N, as asyncio and subprocess do).

The protocol, one Unix-socket connection per child: the client sends one JSON line
(``{"args": [...], "env": {...}, "cwd": "..."}``) with the child's stdin, stdout and stderr
attached as file descriptors (SCM_RIGHTS); the zygote answers ``pid N`` and, when the child
ends, ``exit CODE``. The zygote exits when its stdin (a pipe from the client process) closes.

Only tests and benchmarks use it (:mod:`bot.testing.process`); what it can't show — that a
settings error fails before aiogram is imported — is tested with a plain ``subprocess.run``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import sys
import traceback

READY = b"ready\n"


def _preload() -> None:
    """Everything ``run``, ``chat``, ``publish`` and ``data`` import, so a child imports nothing."""
    import matplotlib

    matplotlib.use("Agg")
    import bot.__main__
    import bot.app
    import bot.chat
    import bot.views.chart.drawing  # noqa: F401

    gc.collect()
    gc.freeze()  # the children share these pages instead of copying them on the first collection


def _child(request: dict[str, object], fds: list[int]) -> int:
    """In the forked child: become ``python -m bot ARGS`` with the given streams and environment."""
    for number, fd in enumerate(fds[:3]):
        os.dup2(fd, number)
    for fd in fds:
        os.close(fd)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 (the process's own streams)
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    env = request["env"]
    assert isinstance(env, dict)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in env.items()})
    os.chdir(str(request["cwd"]))
    args = [str(arg) for arg in request["args"]]  # type: ignore[attr-defined]
    sys.argv = ["python -m bot", *args]
    from bot.__main__ import main

    try:
        return main(args)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1


def _serve(listener: socket.socket) -> None:
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin.buffer, selectors.EVENT_READ, "parent")
    children: dict[int, socket.socket] = {}
    while True:
        for key, _ in selector.select(timeout=0.02):
            if key.data == "parent" and not os.read(sys.stdin.fileno(), 1):
                return  # the client process is gone
            if key.data == "accept":
                connection, _address = listener.accept()
                connection.setblocking(True)
                message, fds, _flags, _addr = socket.recv_fds(connection, 1 << 20, 3)
                request = json.loads(message)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in children.values():
                        other.close()
                    connection.close()
                    code = _child(request, fds)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code if 0 <= code < 256 else 1)
                for fd in fds:
                    os.close(fd)
                connection.sendall(f"pid {pid}\n".encode())
                children[pid] = connection
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            connection = children.pop(pid)
            with contextlib.suppress(OSError):
                connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            connection.close()


def main(path: str) -> None:
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    _serve(listener)


if __name__ == "__main__":
    main(sys.argv[1])
