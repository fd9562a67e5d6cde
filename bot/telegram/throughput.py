"""Bot throughput: 50 chats asking at once through the fake Bot API server of the tests.

The real Application (handlers, rate limiter, engine thread) polls the fake server on
loopback; latency is from queueing a chat's question to the server receiving the
answer's first message. Needs aiohttp (a dev dependency) and tests/fake_bot_api.py.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.config import IndexConfig
from index.errors import NewsqaError

FAKE_API = Path(__file__).resolve().parents[2] / "tests" / "fake_bot_api.py"
TOKEN = "123456789:AAFbench-token_abcdefghijklmnopqrstu"
FIRST_USER = 100_000
SETTLE_S = 0.5


def _fake_api_class() -> Any:
    """FakeBotAPI, loaded from the tests folder by path (tests are not an installed package)."""
    if not FAKE_API.is_file():
        raise NewsqaError(f"{FAKE_API} not found: the bot bench needs the tests' fake Bot API")
    try:
        spec = importlib.util.spec_from_file_location("newsqa_bench_fake_bot_api", FAKE_API)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    except ImportError as exc:
        raise NewsqaError(f"the fake Bot API cannot load ({exc}); install the dev extras") from None
    return module.FakeBotAPI


def measure_bot(cfg: IndexConfig, questions: list[str], chats: int = 50, rounds: int = 2) -> dict:
    """{answers_per_s, p95_ms}: `rounds` waves of `chats` private chats asking at once."""
    for var in ("NO_PROXY", "no_proxy"):
        os.environ[var] = "127.0.0.1,localhost"
    return asyncio.run(_run(cfg, questions, chats, rounds))


async def _run(cfg: IndexConfig, questions: list[str], chats: int, rounds: int) -> dict:
    from bot.settings import Settings
    from bot.telegram.app import build_application, stop_application
    from index.embedder import get_embedder
    from qa.engine import Engine

    base = _fake_api_class()

    class TimedAPI(base):  # type: ignore[misc, valid-type]
        """The fake server, noting when each chat receives a message."""

        def __init__(self, token: str) -> None:
            super().__init__(token)
            self.received: dict[int, list[float]] = {}

        async def _api_sendMessage(self, p: dict[str, Any]) -> Any:
            self.received.setdefault(int(p["chat_id"]), []).append(time.perf_counter())
            return await super()._api_sendMessage(p)

    server = TimedAPI(TOKEN)
    await server.start()
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=TOKEN,  # type: ignore[call-arg]
                        telegram_base_url=server.base_url, corpus_dir=cfg.corpus_dir,
                        index_dir=cfg.index_dir, model=cfg.model, rate_limit_per_minute=10_000)
    engine = Engine(cfg, settings.qa_config(), get_embedder(cfg.model))
    app = build_application(settings, engine)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        await _wave(server, [FIRST_USER - 1], questions[:1])  # warm-up: connections, first ask
        latencies: list[float] = []
        wall = 0.0
        for r in range(rounds):
            await asyncio.sleep(SETTLE_S)  # let any last message of the previous wave arrive
            users = [FIRST_USER + i for i in range(chats)]
            asked = [questions[(r * chats + i) % len(questions)] for i in range(chats)]
            wave = await _wave(server, users, asked)
            latencies += wave
            wall += max(wave)
    finally:
        await stop_application(app)
        await server.close()
    return {"answers_per_s": round(len(latencies) / wall, 2),
            "p95_ms": round(1000 * float(np.percentile(latencies, 95)), 1),
            "p50_ms": round(1000 * float(np.percentile(latencies, 50)), 1),
            "chats": chats, "answers": len(latencies)}


async def _wave(server: Any, users: list[int], questions: list[str], timeout: float = 600) -> list[float]:
    """Queue one question from each user at once; wait for every first reply; latencies in s."""
    before = {u: len(server.received.get(u, [])) for u in users}
    sent_at = {}
    for user, question in zip(users, questions, strict=True):
        sent_at[user] = time.perf_counter()
        server.push_message(user, question)
    await server.wait_for(lambda: all(len(server.received.get(u, [])) > before[u] for u in users), timeout)
    return [server.received[u][before[u]] - sent_at[u] for u in users]
