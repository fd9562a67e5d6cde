"""What the bot keeps between updates: the engine, its threads, rate limits, open buttons.

Everything here is bounded so a long-running bot does not grow: old rate-limit entries
are swept, only the newest questions keep a "more passages" button alive, and a chat's
typing loop leaves with its last question. With `NEWSQA_REDIS_URL` set, rate limits and
buttons live in Redis instead (`shared`, see bot/telegram/shared_state.py), so every
replica of the bot sees the same; the `check_rate`/`remember_more`/`take_more` methods
pick the one in use.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import ContextTypes

from bot.settings import Settings
from bot.telegram.sending import Typing
from bot.telegram.shared_state import RedisState, Verdict

if TYPE_CHECKING:
    from qa.engine import Engine

T = TypeVar("T")
STATE_KEY = "newsqa"
MAX_PENDING = 2000  # questions whose "more passages" button still works
WINDOW_SECONDS = 60.0


class RateLimiter:
    """At most `per_minute` questions per key in any 60 seconds (a sliding window)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._checks = 0

    def check(self, key: int) -> Verdict:
        """Count a question for `key` if allowed; warn only once per blocked stretch."""
        now = self.clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= WINDOW_SECONDS:
            hits.popleft()
        if len(hits) < self.per_minute:
            hits.append(now)
            self._warned.pop(key, None)
            return Verdict(True)
        retry_in = WINDOW_SECONDS - (now - hits[0])
        warn = key not in self._warned
        self._warned[key] = now
        return Verdict(False, retry_in, warn)

    def _sweep(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= WINDOW_SECONDS]:
            del self._hits[key]
            self._warned.pop(key, None)

    def __len__(self) -> int:
        return len(self._hits)


@dataclass
class BotState:
    """What the bot keeps across updates, in `application.bot_data[STATE_KEY]`."""

    settings: Settings
    engine: Engine
    executor: ThreadPoolExecutor  # questions: one at a time, off the event loop
    limiter: RateLimiter
    pending: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # Adding articles (a fetch may take seconds) waits on its own thread, not the questions'.
    admin_executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="newsqa-admin"))
    typing: Typing = field(default_factory=Typing)
    started: float = field(default_factory=time.monotonic)
    shared: RedisState | None = None  # set: rate limits, buttons, conversations in Redis

    def remember(self, question: str) -> str:
        """A short id for `question`, small enough for callback_data (64 bytes)."""
        key = secrets.token_urlsafe(6)
        self.pending[key] = question
        while len(self.pending) > MAX_PENDING:
            self.pending.popitem(last=False)
        return key

    def take(self, key: str) -> str | None:
        """The question behind a button, once: a second press finds nothing."""
        return self.pending.pop(key, None)

    async def check_rate(self, key: int) -> Verdict:
        """The rate limit of `key`, in Redis when shared, else in this process."""
        return await self.shared.check_rate(key) if self.shared else self.limiter.check(key)

    async def remember_more(self, question: str) -> str:
        return await self.shared.remember(question) if self.shared else self.remember(question)

    async def has_more(self, key: str) -> bool:
        return await self.shared.has(key) if self.shared else key in self.pending

    async def take_more(self, key: str) -> str | None:
        return await self.shared.take(key) if self.shared else self.take(key)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run engine work on the engine's own thread, never on the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def run_admin(self, fn: Callable[..., T], *args: Any) -> T:
        """Run an add or a reindex on the admin thread: one at a time, questions go on."""
        return await asyncio.get_running_loop().run_in_executor(self.admin_executor, fn, *args)

    def shutdown(self) -> None:
        """Let running work finish; queued admin work is dropped."""
        self.admin_executor.shutdown(wait=True, cancel_futures=True)
        self.executor.shutdown(wait=True)


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    state = context.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state
