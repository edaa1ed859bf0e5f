"""What the benchmarks measure a process with: memory and CPU time from ``/proc``, and the
code version they ran. The bot as a process, the seeded subscribers and the outbox are in
``bot.testing`` (shared with the tests).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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
