"""The Redis-backed bot state on a real redis-server: two clients stand for two replicas.

What the replica test (tests/test_bot_replicas.py) shows end to end is checked here
piece by piece and fast: one sliding window, buttons taken once, conversations that
expire with their idle time, a lock across clients, and Redis out of reach failing in
one line within the deadline, then working again once it is back.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.settings import load_settings
from bot.telegram.app import SECRET_NEEDED, run_bot
from bot.telegram.shared_state import DEADLINE, RedisState, StateUnavailable, check_redis, shown_url
from index.errors import NewsqaError
from tests.redis_server import RedisServer, free_port

pytest_plugins = ("tests.conftest_redis",)


def pair(url: str, per_minute: int = 3, idle_seconds: float = 600) -> tuple[RedisState, RedisState]:
    return (RedisState(url, "42", per_minute, idle_seconds), RedisState(url, "42", per_minute, idle_seconds))


async def test_two_replicas_count_one_sliding_window(redis_url: str) -> None:
    a, b = pair(redis_url)
    verdicts = [await x.check_rate(7) for x in (a, b, a, b, a)]
    other = await b.check_rate(8)
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert [v.warn for v in verdicts[3:]] == [True, False]  # warned once, whoever blocks next
    assert 55 < verdicts[3].retry_in <= 60
    assert other.allowed
    elsewhere = RedisState(redis_url, "43", 3, 600)  # another bot on the same Redis
    assert (await elsewhere.check_rate(7)).allowed
    for x in (a, b, elsewhere):
        await x.aclose()


async def test_a_button_is_taken_once_by_either_replica(redis_url: str) -> None:
    a, b = pair(redis_url)
    key = await a.remember("What is involution?")
    assert len(f"more:{key}".encode()) <= 64
    assert await b.has(key)
    taken = await asyncio.gather(a.take(key), b.take(key))  # pressed on both at once
    assert set(taken) == {"What is involution?", None}
    assert not await a.has(key)
    await a.aclose()
    await b.aclose()


async def test_a_conversation_is_shared_and_expires_with_its_idle_time(
    redis_url: str, redis_server: RedisServer
) -> None:
    a, b = pair(redis_url, idle_seconds=600)
    data = {"turns": [{"question": "q", "resolved": "q"}], "updated": 1.5}
    await a.save_conversation(5, "conversation", data)
    assert await b.load_conversation(5, "conversation") == data
    assert await b.load_conversation(5, "17") is None  # a group member's own conversation
    with redis_server.client() as client:
        key = "newsqa:42:conversation:5:conversation"
        assert 600 < client.ttl(key) <= 660
        client.set(key, "not json{")
    assert await a.load_conversation(5, "conversation") is None  # damaged: a fresh one
    await b.drop_conversation(5, "conversation")
    forever = RedisState(redis_url, "42", 3, 0)  # idle 0: never forgotten
    await forever.save_conversation(6, "conversation", data)
    with redis_server.client() as client:
        assert client.ttl("newsqa:42:conversation:6:conversation") == -1
    for x in (a, b, forever):
        await x.aclose()


async def test_one_conversation_is_locked_across_replicas(redis_url: str) -> None:
    a, b = pair(redis_url)
    order: list[str] = []

    async def turn(state: RedisState, name: str, hold: float) -> None:
        async with state.lock(9, "conversation"):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(turn(a, "a", 0.4))
    await asyncio.sleep(0.1)
    await asyncio.gather(first, turn(b, "b", 0))
    assert order == ["a in", "a out", "b in", "b out"]
    async with a.lock(9, "17"), b.lock(9, "conversation"):  # another conversation is not held up
        pass
    await a.aclose()
    await b.aclose()


async def test_redis_gone_is_one_line_fast_and_back_once_it_is(redis_url: str, redis_server: RedisServer) -> None:
    a, _ = pair(redis_url)
    assert (await a.check_rate(1)).allowed  # a pooled connection, then the server goes
    redis_server.stop()
    for call in (lambda: a.check_rate(1), lambda: a.remember("q"), lambda: a.load_conversation(1, "c")):
        started = time.monotonic()
        with pytest.raises(StateUnavailable, match=r"^Redis at redis://127\.0\.0\.1:\d+/0 did not answer"):
            await call()
        assert time.monotonic() - started < DEADLINE + 1
    redis_server.start()
    assert (await a.check_rate(1)).allowed  # the next call reconnects by itself
    await a.aclose()


async def test_a_silent_server_is_cut_off_at_the_deadline() -> None:
    """A port that accepts and never answers (a hung Redis, a wrong service)."""
    hold = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hold.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    state = RedisState(f"redis://127.0.0.1:{port}/0", "42", 3, 600)
    started = time.monotonic()
    with pytest.raises(StateUnavailable, match=rf"within {DEADLINE:g} s"):
        await state.check_rate(1)
    assert time.monotonic() - started < DEADLINE + 1
    hold.set()
    await state.aclose()
    server.close()
    await server.wait_closed()


def test_unreachable_at_start_is_one_line_without_the_password() -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with pytest.raises(NewsqaError) as info:
        check_redis(url)
    line = str(info.value)
    assert "\n" not in line and "hunter2" not in line
    assert line.startswith("Redis at redis://:***@127.0.0.1:") and line.endswith("unset NEWSQA_REDIS_URL")


def test_the_redis_url_setting() -> None:
    assert load_settings(_env_file=None, redis_url="").redis_url is None
    assert load_settings(_env_file=None).redis_url is None
    assert load_settings(_env_file=None, redis_url=" redis://r:6379/1 ").redis_url == "redis://r:6379/1"
    with pytest.raises(NewsqaError, match=r"^bad setting redis_url: .*redis://host:port/db"):
        load_settings(_env_file=None, redis_url="http://r:6379")
    assert shown_url("redis://user:pw@r:6379/0") == "redis://user:***@r:6379/0"
    assert shown_url("redis://r:6379/0") == "redis://r:6379/0"


def test_replicas_in_webhook_mode_need_one_secret() -> None:
    """A secret each replica makes up for itself would lock out all but the last one."""
    settings = load_settings(_env_file=None, TELEGRAM_BOT_TOKEN="123456789:AAFtest-token_abcdefghijklmnopqrstu",
                             redis_url="redis://127.0.0.1:1/0", webhook_url="https://bot.example/hook")
    with pytest.raises(NewsqaError, match=r"^set NEWSQA_WEBHOOK_SECRET") as info:
        run_bot(settings)
    assert str(info.value) == SECRET_NEEDED
