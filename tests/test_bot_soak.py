"""Soak: many users asking at once through the real Application and the fake Bot API.

50 simulated users each ask their questions one after another (a reader waits for an
answer before the next question), all users at once, over real HTTP on loopback. Every
question must get exactly one answer, the one `engine.ask` renders for it, and the bot's
memory must not grow once warmed up. Short by default (3 questions each); the full run's 50
x 20 with NEWSQA_SOAK_FULL=1. Throughput and p95 latency are printed (run with -s), never
asserted: `newsqa bench` reports them.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
import tracemalloc
from typing import Any

import numpy as np
import pytest

from bot.telegram.chat_state import MAX_PENDING, STATE_KEY, BotState, RateLimiter
from bot.telegram.render import render_answer
from bot.telegram.sending import Typing, typing_loops
from index.config import IndexConfig
from qa.engine import Engine
from tests.conftest import seed_questions
from tests.fake_bot_api import FakeBotAPI

pytest_plugins = ("tests.conftest_bot",)

FULL = os.environ.get("NEWSQA_SOAK_FULL") == "1"
USERS = 50
PER_USER = 20 if FULL else 3  # a warm-up round, timed rounds, traced rounds
FIRST_USER = 30_000
# Memory: what newsqa, PTB and the tests' own code hold after the traced rounds minus
# before them (tracemalloc, both once handlers and typing loops are done). Left out: the
# transport (httpx, aiohttp, asyncio), which opens and expires connections at will (httpx
# drops idle ones after 5 s), ~12 kB each on both sides, bounded by PTB's pool of 256.
# Expected: ~30 kB, the fake server's per-question counter and the bot's bounded "more
# passages" keys (< 300 B a question). Keeping every Answer (~3 kB) fails even the short
# run (tried: +170 kB over 50 questions).
GROWTH_PER_QUESTION = 1024
GROWTH_FIXED = 96 * 1024
OURS = ("*/bot/*", "*/qa/*", "*/index/*", "*/telegram/*", "*/tests/*")


def ours() -> tracemalloc.Snapshot:
    return tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(True, pattern) for pattern in OURS])


class SoakAPI(FakeBotAPI):
    """The fake server without history (only counters), handing each answer to its asker."""

    def __init__(self, token: str) -> None:
        super().__init__(token, keep_history=False)
        self.answers: dict[tuple[int, int], str] = {}

    async def _api_sendMessage(self, p: dict[str, Any]) -> Any:
        reply_to = (p.get("reply_parameters") or {}).get("message_id")
        if reply_to is not None:
            self.answers[(p["chat_id"], reply_to)] = p.get("text", "")
        return await super()._api_sendMessage(p)


@pytest.fixture
async def soak_api(monkeypatch: pytest.MonkeyPatch) -> Any:
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    from tests.conftest_bot import TOKEN

    server = SoakAPI(TOKEN)
    await server.start()
    yield server
    await server.close()


async def test_fifty_users_each_answered_exactly_once_and_memory_flat(
    soak_api: SoakAPI, seed_cfg: IndexConfig, engine: Engine,
) -> None:
    from tests.conftest_bot import bot_settings, running_bot

    questions = [r["question"] for r in seed_questions() if r["kind"] in ("quote", "abstain")]
    expected = {q: render_answer(engine.ask(q, top_k=3)) for q in questions}
    assert all(len(texts) == 1 for texts in expected.values())  # one message each
    users = [FIRST_USER + i for i in range(USERS)]
    latencies = np.zeros((USERS, PER_USER))
    wrong: list[tuple[int, str]] = []
    settings = bot_settings(soak_api, seed_cfg, rate_limit_per_minute=100_000)

    async def user(n: int, rounds: range) -> None:
        for i in rounds:
            question = questions[(n + i) % len(questions)]
            started = time.perf_counter()
            message = soak_api.push_message(users[n], question)
            key = (users[n], message["message_id"])
            await soak_api.wait_for(lambda k=key: k in soak_api.answers, timeout=600)
            latencies[n, i] = time.perf_counter() - started
            if soak_api.answers.pop(key) != expected[question][0]:
                wrong.append((users[n], question))

    def busy() -> bool:
        return bool(typing_loops()) or any(
            "process_concurrent_update" in t.get_name() for t in asyncio.all_tasks())

    async def settle() -> int:
        """Bytes held once the last answers' handlers and typing loops are done."""
        for _ in range(200):  # bounded: 10 s at most
            if not busy():
                break
            await asyncio.sleep(0.05)
        gc.collect()
        return sum(stat.size for stat in ours().statistics("filename"))

    async def everyone(rounds: range) -> float:
        began = time.perf_counter()
        await asyncio.gather(*(user(n, rounds) for n in range(USERS)))
        return time.perf_counter() - began

    timed, traced = range(1, PER_USER // 2 + 1), range(PER_USER // 2 + 1, PER_USER)
    async with asyncio.timeout(1800 if FULL else 300), running_bot(settings, engine) as app:
        await everyone(range(1))  # warm-up: connections, caches, the first asks
        wall = await everyone(timed)  # tracemalloc slows Python code, so not while timing
        tracemalloc.start()
        warm = await settle()
        await everyone(traced)
        growth = await settle() - warm
        top = ours().statistics("lineno")[:10]
        tracemalloc.stop()
        state: BotState = app.bot_data[STATE_KEY]
        stores = (len(state.pending), len(state.limiter), len(state.typing),
                  sum(1 for c in app.chat_data if c in users))
    measured = USERS * len(traced)
    p50, p95 = np.percentile(latencies[:, timed.start:timed.stop], [50, 95])
    print(f"\nsoak: {USERS} users x {PER_USER} questions; {USERS * len(timed) / wall:.1f} answers/s, "
          f"p50 {1000 * p50:.0f} ms, p95 {1000 * p95:.0f} ms (rounds {timed.start}-{timed.stop - 1}); "
          f"memory held {growth / 1024:+.0f} kB over the last {measured} questions")
    total = USERS * PER_USER
    assert not wrong, wrong[:3]
    assert len(soak_api.replies) == total and set(soak_api.replies.values()) == {1}  # once each
    assert soak_api.counts["sendMessage"] == total  # nothing else said: no warnings, no errors
    assert not soak_api.answers
    assert growth < GROWTH_FIXED + GROWTH_PER_QUESTION * measured, "\n".join(map(str, top))
    pending, limited, typing, chat_data = stores
    assert pending <= min(MAX_PENDING, total) and limited <= USERS and typing == 0
    assert chat_data <= USERS  # one bounded conversation a chat, forgotten when idle


def test_the_bots_stores_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a long-running bot keeps per user or per question stops growing."""
    import bot.telegram.chat_state as chat_state

    monkeypatch.setattr(chat_state, "MAX_PENDING", 5)
    state = BotState(settings=None, engine=None, executor=None, limiter=None)  # type: ignore[arg-type]
    keys = [state.remember(f"question {i}") for i in range(50)]
    assert len(state.pending) == 5 and list(state.pending) == keys[-5:]
    assert state.take(keys[-1]) == "question 49" and state.take(keys[-1]) is None
    state.admin_executor.shutdown()

    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    for user in range(999):
        limiter.check(user)
    now[0] = 61.0
    limiter.check(1)  # the 1000th check sweeps users idle for a minute
    assert len(limiter) == 1


async def test_typing_is_one_loop_per_chat_and_forgotten_after() -> None:
    class Bot:
        def __init__(self) -> None:
            self.calls: list[int] = []

        async def send_chat_action(self, chat_id: int, action: str) -> None:
            self.calls.append(chat_id)

    typing, bot = Typing(), Bot()
    async with typing(bot, 1), typing(bot, 1), typing(bot, 2):  # type: ignore[arg-type]
        assert len(typing) == 2
        await asyncio.sleep(0)  # let the loops send their first action
        await asyncio.sleep(0)
    assert len(typing) == 0
    assert sorted(bot.calls) == [1, 2]  # chat 1's two questions share one loop
