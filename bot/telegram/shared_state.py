"""State that several bot replicas share through Redis (`NEWSQA_REDIS_URL`).

Behind a load balancer any replica may get any update, so what one update leaves for the
next lives in Redis and is read and written on every update, never cached in a process:
rate limits (one sliding window per user, counted by a Lua script on Redis's clock, so
replicas on different machines agree), "more passages" buttons (taken once, by whichever
replica gets the press), and conversations (one JSON value per conversation, under a lock
held while a turn is answered, so two replicas never interleave one conversation's
turns). PTB's persistence would not do: it loads once at start and saves only
periodically, so two live replicas would each see their own, stale copy.

Redis out of reach is never a hung chat: sockets time out in a second, a failed command
is retried once, no call takes more than DEADLINE seconds in all, then `StateUnavailable`
says so in one line (the handlers turn it into a polite reply) and the next update tries
again on a fresh connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import secrets
from collections.abc import AsyncIterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from redis import exceptions as redis_errors
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from index.errors import NewsqaError

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 1.0  # seconds: every command here is tiny, a slower answer is a fault
RETRIES = 1  # after the first attempt, 0.1 s later (redis-py retries connecting inside each)
DEADLINE = 3.0  # seconds any one call may take, retries included
MORE_TTL = 7 * 24 * 3600  # seconds a "more passages" button keeps working
LOCK_TTL = 300.0  # a conversation lock left by a replica that died frees itself after this
LOCK_WAIT = 120.0  # a turn waits this long for the conversation's previous one
WINDOW_MS = 60_000

# KEYS: the user's hits (a sorted set by time), the "already warned" flag.
# ARGV: the limit per window, the window in ms, a unique member for this hit.
# Returns {allowed, retry_in_ms, warn}, as RateLimiter.check does in process.
RATE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  redis.call('DEL', KEYS[2])
  return {1, 0, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local warn = redis.call('SET', KEYS[2], '1', 'NX', 'PX', window)
return {0, window - (now - tonumber(oldest[2])), warn and 1 or 0}
"""


class Verdict(NamedTuple):
    """Whether a question may go ahead; if not, when, and whether to say so."""

    allowed: bool
    retry_in: float = 0.0
    warn: bool = False


class StateUnavailable(NewsqaError):
    """Redis did not answer in time: the update is answered politely, the next one retries."""


def shown_url(url: str) -> str:
    """The URL without its password, fit for logs and error lines."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def check_url(url: str) -> str:
    """A URL redis-py can open, or one line saying what a good one looks like."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("expected redis://host:port/db, rediss://... or unix:///path")
    try:
        ConnectionPool.from_url(url)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return url


def _client(url: str) -> Redis:
    """A client that gives up fast: short socket timeouts, two quick retries."""
    pool = ConnectionPool.from_url(
        url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.1), RETRIES),
        retry_on_error=[redis_errors.ConnectionError, redis_errors.TimeoutError],
        health_check_interval=30, decode_responses=True,
    )
    return Redis(connection_pool=pool)


@contextlib.asynccontextmanager
async def _reachable(url: str, doing: str, deadline: float | None = DEADLINE) -> AsyncIterator[None]:
    """Redis's failures, and a call past `deadline`, as one StateUnavailable line naming
    what was being done."""
    try:
        async with asyncio.timeout(deadline):
            yield
    except TimeoutError:
        raise StateUnavailable(f"Redis at {shown_url(url)} did not answer ({doing}) "
                               f"within {deadline:g} s") from None
    except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
        raise StateUnavailable(f"Redis at {shown_url(url)} did not answer ({doing}): {exc}") from None
    except redis_errors.RedisError as exc:  # not Redis there, a server too old for GETDEL, read-only...
        raise StateUnavailable(f"Redis at {shown_url(url)} failed {doing}: {exc}") from None


def check_redis(url: str) -> None:
    """At start: Redis answers a PING, or one NewsqaError line before the model loads."""

    async def ping() -> None:
        client = _client(url)
        try:
            async with _reachable(url, "PING"):
                await client.ping()
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()

    try:
        asyncio.run(ping())
    except StateUnavailable as exc:
        raise NewsqaError(f"{exc}; start it or unset NEWSQA_REDIS_URL") from None


class RedisState:
    """Rate limits, buttons and conversations of every replica of one bot, in Redis.

    Keys start with `newsqa:<bot id>:`, so bots sharing one Redis keep apart; each key
    expires (hits after the window, buttons after MORE_TTL, conversations after their idle
    time), so Redis holds only what is still in use.
    """

    def __init__(self, url: str, bot_id: str, per_minute: int, idle_seconds: float) -> None:
        self.url = url
        self.prefix = f"newsqa:{bot_id}:"
        self.per_minute = per_minute
        self.idle_seconds = idle_seconds
        self.client = _client(url)
        self._rate = self.client.register_script(RATE_SCRIPT)

    async def check_rate(self, key: int) -> Verdict:
        """Count a question for `key` if allowed; warn once per blocked stretch."""
        keys = [f"{self.prefix}rate:{key}", f"{self.prefix}rate-warned:{key}"]
        async with _reachable(self.url, "rate limit"):
            allowed, retry_ms, warn = await self._rate(
                keys=keys, args=[self.per_minute, WINDOW_MS, secrets.token_hex(8)])
        return Verdict(bool(allowed), int(retry_ms) / 1000, bool(warn))

    async def remember(self, question: str) -> str:
        """A short id for `question`, small enough for callback_data (64 bytes)."""
        key = secrets.token_urlsafe(6)
        async with _reachable(self.url, "saving a button"):
            await self.client.set(f"{self.prefix}more:{key}", question, ex=MORE_TTL)
        return key

    async def has(self, key: str) -> bool:
        async with _reachable(self.url, "reading a button"):
            return bool(await self.client.exists(f"{self.prefix}more:{key}"))

    async def take(self, key: str) -> str | None:
        """The question behind a button, once, whichever replica asks first."""
        async with _reachable(self.url, "reading a button"):
            value = await self.client.getdel(f"{self.prefix}more:{key}")
        return value if isinstance(value, str) else None

    def _conversation_key(self, chat_id: int, slot: str) -> str:
        return f"{self.prefix}conversation:{chat_id}:{slot}"

    async def load_conversation(self, chat_id: int, slot: str) -> dict[str, Any] | None:
        """The stored conversation as a plain dict; a damaged value reads as none."""
        async with _reachable(self.url, "reading the conversation"):
            raw = await self.client.get(self._conversation_key(chat_id, slot))
        try:
            data = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def save_conversation(self, chat_id: int, slot: str, data: dict[str, Any]) -> None:
        """Store it until its idle time runs out (a little after: the turns' own clock decides)."""
        ttl = math.ceil(self.idle_seconds) + 60 if self.idle_seconds > 0 else None
        async with _reachable(self.url, "saving the conversation"):
            await self.client.set(self._conversation_key(chat_id, slot), json.dumps(data), ex=ttl)

    async def drop_conversation(self, chat_id: int, slot: str) -> None:
        async with _reachable(self.url, "forgetting the conversation"):
            await self.client.delete(self._conversation_key(chat_id, slot))

    @contextlib.asynccontextmanager
    async def lock(self, chat_id: int, slot: str) -> AsyncIterator[None]:
        """Hold the conversation on every replica while one turn is read, answered and stored."""
        lock = self.client.lock(f"{self._conversation_key(chat_id, slot)}:lock", timeout=LOCK_TTL,
                                sleep=0.05, blocking_timeout=LOCK_WAIT, thread_local=False)
        async with _reachable(self.url, "locking the conversation", deadline=None):  # each try is bounded
            if not await lock.acquire():
                raise StateUnavailable("the conversation's previous question is still being answered")
        try:
            yield
        finally:
            try:
                await lock.release()
            except (redis_errors.RedisError, OSError) as exc:  # it frees itself after LOCK_TTL
                log.warning("could not release a conversation lock: %s", exc)

    async def ping(self) -> None:
        async with _reachable(self.url, "PING"):
            await self.client.ping()

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.aclose()
