"""The screen cache: one render per key, shared by concurrent first requests, bounded; the data
version noticed at most once per interval and at once after this process's own change."""

from __future__ import annotations

import asyncio

import pytest

from bot.screencache import DataVersion, ScreenCache


async def test_concurrent_first_requests_share_one_render() -> None:
    cache = ScreenCache()
    renders = 0
    gate = asyncio.Event()

    async def render() -> str:
        nonlocal renders
        renders += 1
        await gate.wait()
        return "card"

    waiting = [asyncio.create_task(cache.get(("turnover", "v1", "ru"), render)) for _ in range(50)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiting) == ["card"] * 50
    assert renders == 1
    assert await cache.get(("turnover", "v1", "ru"), render) == "card"
    assert renders == 1
    assert await cache.get(("turnover", "v2", "ru"), render) == "card"  # a new version renders anew
    assert renders == 2


async def test_a_failed_render_is_not_kept_and_its_waiters_try_themselves() -> None:
    cache = ScreenCache()
    calls = 0
    gate = asyncio.Event()

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            await gate.wait()
            raise RuntimeError("database gone")
        return "card"

    first = asyncio.create_task(cache.get("k", flaky))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.get("k", flaky))
    await asyncio.sleep(0)
    gate.set()
    with pytest.raises(RuntimeError):
        await first
    assert await second == "card"
    assert await cache.get("k", flaky) == "card"
    assert calls == 2


async def test_the_cache_is_bounded() -> None:
    cache = ScreenCache(maxsize=10)

    async def render() -> int:
        return 1

    for key in range(1000):
        await cache.get(key, render)
    assert len(cache._done) == 10


async def test_the_stored_version_is_read_at_most_once_per_interval() -> None:
    now = 0.0
    stored = "a"
    reads = 0

    async def read() -> str:
        nonlocal reads
        reads += 1
        return stored

    version = DataVersion(read, interval=1.0, clock=lambda: now)
    assert await version.current() == "a"
    stored = "b"  # another process loaded data
    now = 0.5
    assert await version.current() == "a"
    now = 1.0
    assert await version.current() == "b"
    assert reads == 2
    version.bump("c")  # this process published: seen at once, no read
    assert await version.current() == "c"
    assert reads == 2
