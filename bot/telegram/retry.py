"""How the bot survives a flaky Bot API: timeouts, and which failed calls are sent again.

Updates: `getUpdates` bypasses the rate limiter; PTB's Updater retries it forever (at
once after a timeout, else after 1 s growing to 30 s), and the update offset means an
update is handled once however often the poll fails.

Sends: every other call goes through `RetryingRateLimiter`. A 429 waits its retry_after
(all calls pause), a 5xx or a network failure is retried with exponential back-off and
jitter, any other 4xx is final.

The choice for a send that timed out or lost its connection: send it again (at least
once). A connect, pool or write timeout means the request never reached the server
whole, so nothing was delivered and the retry is exact. A read timeout, or a connection
dropped after the request went out, is ambiguous: the server may have delivered it and
lost only its answer. The Bot API has no idempotency key nor a way to read the chat
back, so no client can tell; a lost answer is worse than a rare repeated one, so the
bot resends. No duplicate in that case is best effort only: the read timeout is
generous (`Network.read_timeout`), so it takes a stalled server, not a slow one.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)
NOT_RETRIED = frozenset({"sendChatAction"})  # "typing…" is renewed every few seconds anyway


@dataclass(frozen=True)
class Network:
    """Timeouts and retry pacing of Bot API calls (tests shorten them)."""

    read_timeout: float = 10.0  # a send's answer slower than this counts as failed
    connect_timeout: float = 5.0
    poll_read_timeout: float = 10.0  # on top of the long-poll time of getUpdates
    retries: int = 5  # after the first attempt: 0.5+1+2+4+8 s of back-off at most
    backoff: float = 0.5


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (which only retries 429s) that also retries 5xx, timeouts and
    dropped links, with exponential back-off; see the module docstring for why."""

    def __init__(self, network: Network | None = None, **kw: Any) -> None:
        network = network or Network()
        super().__init__(max_retries=network.retries, **kw)
        self.network_retries = network.retries
        self.backoff = network.backoff

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        endpoint = kwargs.get("endpoint", args[3] if len(args) > 3 else "")
        retries = 0 if endpoint in NOT_RETRIED else self.network_retries
        for attempt in range(retries + 1):
            try:
                return await super().process_request(*args, **kwargs)
            except BadRequest:  # a NetworkError subclass in PTB, but final
                raise
            except NetworkError as exc:  # 5xx, timeouts, refused or dropped connections
                if attempt == retries:
                    raise
                delay = self.backoff * 2**attempt * random.uniform(0.75, 1.25)
                log.warning("Bot API call failed (%s%s); retrying in %.1f s",
                            exc, " – it may have been delivered" if ambiguous(exc) else "", delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def ambiguous(exc: BaseException) -> bool:
    """Whether the server may have carried out a call that failed this way."""
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        return not isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.WriteTimeout) \
            and "Pool timeout" not in str(exc)
    return isinstance(cause, httpx.RemoteProtocolError | httpx.ReadError)
