"""Two `newsqa bot` processes in webhook mode share one Redis and answer any chat alike.

Real subprocesses (each loads the model and the seed index), a real redis-server, one fake
Bot API; the test is the load balancer: it posts each update to the replica it names, as
nginx would to whichever is up. A conversation's turns alternate between the replicas,
a "More passages" button is pressed on the replica that did not answer, the rate limit
counts both, two turns of one conversation arriving at once on both are both kept, and
Redis going away is a polite reply and recovery, never a hung chat; at start, one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.telegram.handlers import BUSY
from bot.telegram.html_split import visible_text
from index.config import IndexConfig
from tests.fake_bot_api import FakeBotAPI
from tests.redis_server import RedisServer, free_port

pytest_plugins = ("tests.conftest_redis",)
pytestmark = pytest.mark.asyncio(loop_scope="module")

TOKEN = "123456789:AAFtest-token_abcdefghijklmnopqrstu"
SECRET = "replica-webhook-secret_0123456789"
RATE = 4  # questions per user per minute, on both replicas together
START_TIMEOUT = 600.0  # two model loads at once on a busy 2-core machine
ANSWER_TIMEOUT = 120.0
NEWSQA = Path(sys.executable).with_name("newsqa")
PLEDGE = "How much did Alibaba pledge to invest in AI?"
PER_YEAR = "How much is that per year?"
READ_PER_YEAR = "Reading this as: How much did Alibaba pledge to invest in AI per year?"


class Balancer(FakeBotAPI):
    """The fake Bot API, holding each pushed update until the test posts it to a replica."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.queued: list[dict[str, Any]] = []

    def _queue(self, body: dict[str, Any]) -> None:
        self.queued.append({"update_id": next(self._ids), **body})


@dataclass
class Replica:
    name: str
    port: int
    log: Path
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@dataclass
class Cluster:
    api: Balancer
    a: Replica
    b: Replica
    http: aiohttp.ClientSession

    async def post(self, replica: Replica, updates: list[dict[str, Any]] | None = None) -> None:
        """Deliver `updates` (by default those pushed since the last post) to `replica`, as
        Telegram would."""
        if updates is None:
            updates, self.api.queued = self.api.queued, []
        for update in updates:
            async with self.http.post(replica.url, json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as resp:
                assert resp.status == 200, (replica.name, resp.status, await resp.text())

    async def ask(self, replica: Replica, user: int, text: str) -> str:
        """What the next message to `user` shows after asking `replica`."""
        before = len(self.api.sent(user))
        self.api.push_message(user, text)
        await self.post(replica)
        await self.api.wait_sent(user, before + 1, ANSWER_TIMEOUT)
        return shown(self.api.sent(user)[before].params["text"])


def shown(html: str) -> str:
    return " ".join(visible_text(html).split())


def replica_env(index: IndexConfig, api: FakeBotAPI, port: int, redis_url: str) -> dict[str, str]:
    """The environment of one replica: the fake server, a webhook of its own, one Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSQA_", "TELEGRAM_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": api.base_url,
        "NEWSQA_CORPUS_DIR": str(index.corpus_dir), "NEWSQA_INDEX_DIR": str(index.index_dir),
        "NEWSQA_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "NEWSQA_WEBHOOK_LISTEN": "127.0.0.1",
        "NEWSQA_WEBHOOK_PORT": str(port), "NEWSQA_WEBHOOK_SECRET": SECRET,
        "NEWSQA_REDIS_URL": redis_url, "NEWSQA_RATE_LIMIT_PER_MINUTE": str(RATE),
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost", "OMP_NUM_THREADS": "1",
    })
    return env


async def start_replica(name: str, folder: Path, env: dict[str, str]) -> Replica:
    log = folder / f"{name}.log"
    with log.open("wb") as out:  # the child keeps its own descriptor
        process = await asyncio.create_subprocess_exec(
            str(NEWSQA), "bot", "--no-cli-fallback", cwd=folder, env=env,  # no .env in a temp folder
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
    return Replica(name, int(env["NEWSQA_WEBHOOK_PORT"]), log, process)


async def wait_listening(replica: Replica, deadline: float) -> None:
    """Until the replica's webhook server accepts connections (it opens after setWebhook)."""
    while True:
        if replica.process.returncode is not None:
            pytest.fail(f"replica {replica.name} exited with {replica.process.returncode}:\n"
                        f"{replica.log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", replica.port), 0.5):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"replica {replica.name} did not start:\n{replica.log.read_text(errors='replace')[-3000:]}")
        await asyncio.sleep(0.5)


async def stop_replica(replica: Replica) -> None:
    if replica.process.returncode is None:
        replica.process.send_signal(signal.SIGTERM)  # PTB stops cleanly, closing its Redis client
        try:
            await asyncio.wait_for(replica.process.wait(), 60)
        except TimeoutError:
            replica.process.kill()
            await replica.process.wait()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(seed_cfg: IndexConfig, redis_server: RedisServer,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    api = Balancer(TOKEN)
    await api.start()
    folder = tmp_path_factory.mktemp("replicas")
    replicas = [await start_replica(name, folder, replica_env(seed_cfg, api, free_port(), redis_server.url))
                for name in ("a", "b")]
    http = aiohttp.ClientSession()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        for replica in replicas:
            await wait_listening(replica, deadline)
        hooks = {c.params.get("url") for c in api.calls if c.method == "setWebhook"}
        assert hooks == {r.url for r in replicas}
        yield Cluster(api, replicas[0], replicas[1], http)
    finally:
        await http.close()
        for replica in replicas:
            await stop_replica(replica)
        await api.close()


async def test_a_conversation_goes_on_whichever_replica_gets_the_turn(cluster: Cluster) -> None:
    first = await cluster.ask(cluster.a, 61, PLEDGE)
    per_year = await cluster.ask(cluster.b, 61, PER_YEAR)  # B never saw turn 1
    dollars = await cluster.ask(cluster.a, 61, "And in dollars?")
    same_on_b = await cluster.ask(cluster.b, 62, PLEDGE)  # another chat, the other replica
    assert "Reading this as" not in first and "380 billion yuan" in first
    assert READ_PER_YEAR in per_year and "126.7 billion yuan" in per_year
    assert "Reading this as: How much did Alibaba pledge to invest in AI per year in dollars?" in dollars
    assert "$17.9 billion" in dollars
    assert same_on_b == first


async def test_more_passages_pressed_on_the_other_replica(cluster: Cluster) -> None:
    api = cluster.api
    await cluster.ask(cluster.a, 63, "What is involution?")
    [answer] = api.sent(63)
    [[button]] = answer.params["reply_markup"]["inline_keyboard"]
    api.push_callback(63, answer.result, button["callback_data"])
    await cluster.post(cluster.b)  # B did not answer the question, and never saw the button
    more = (await api.wait_sent(63, 2, ANSWER_TIMEOUT))[1]
    assert shown(more.params["text"]).startswith("More passages for: What is involution?")
    answered = len(api.sent(None, "answerCallbackQuery"))
    api.push_callback(63, answer.result, button["callback_data"])  # pressed again, on A
    await cluster.post(cluster.a)
    again = await api.wait_for(lambda: api.sent(None, "answerCallbackQuery")[answered:], ANSWER_TIMEOUT)
    assert "shown already" in again[0].params["text"]
    assert len(api.sent(63)) == 2


async def test_the_rate_limit_counts_both_replicas(cluster: Cluster) -> None:
    replies = [await cluster.ask(r, 64, "Who is Jiang Fan?") for r in (cluster.a, cluster.b, cluster.a, cluster.b)]
    assert all("Jiang Fan" in r and "too fast" not in r for r in replies)  # RATE questions, two on each
    blocked = await cluster.ask(cluster.a, 64, "Who is Jiang Fan?")
    assert blocked.startswith("You are asking too fast. Please wait ")
    cluster.api.push_message(64, "Who is Jiang Fan?")  # on B: blocked too, and not warned twice
    await cluster.post(cluster.b)
    await asyncio.sleep(3)
    assert len(cluster.api.sent(64)) == RATE + 1


async def test_two_turns_at_once_on_both_replicas_are_both_kept(cluster: Cluster, redis_server: RedisServer) -> None:
    """The conversation's lock is in Redis: B's turn waits for A's, then reads it, so
    neither overwrites the other."""
    api = cluster.api
    api.push_message(65, PLEDGE)
    api.push_message(65, "Who is Jiang Fan?")
    [to_a, to_b], api.queued = api.queued, []
    await asyncio.gather(cluster.post(cluster.a, [to_a]), cluster.post(cluster.b, [to_b]))
    await api.wait_sent(65, 2, ANSWER_TIMEOUT)
    with redis_server.client() as client:
        stored = json.loads(client.get(f"newsqa:{TOKEN.split(':')[0]}:conversation:65:conversation"))
    assert sorted(t["question"] for t in stored["turns"]) == sorted([PLEDGE, "Who is Jiang Fan?"])


async def test_redis_going_away_is_a_polite_reply_then_answers_again(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    api = cluster.api
    redis_server.stop()
    try:
        started = time.monotonic()
        busy = await cluster.ask(cluster.a, 66, "What is involution?")
        took = time.monotonic() - started
        api.push_callback(66, api.sent(66)[0].result, "more:abcdefgh")
        await cluster.post(cluster.b)
        alert = await api.wait_for(lambda: [c for c in api.sent(None, "answerCallbackQuery")
                                            if c.params.get("text") == BUSY], ANSWER_TIMEOUT)
    finally:
        redis_server.start()  # empty: what was kept is gone, as after a Redis restart without a disk
    assert busy == BUSY and took < 15
    assert alert[0].params["show_alert"] == "true"
    back = await cluster.ask(cluster.b, 66, "What is involution?")
    assert "involution" in back.lower() and back != BUSY


async def test_no_replica_logged_the_token(cluster: Cluster) -> None:
    for replica in (cluster.a, cluster.b):
        text = replica.log.read_text(errors="replace")
        assert TOKEN not in text and TOKEN.split(":")[1] not in text and SECRET not in text


async def test_redis_unreachable_at_start_is_one_line(seed_cfg: IndexConfig, cluster: Cluster,
                                                      tmp_path: Path) -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    env = replica_env(seed_cfg, cluster.api, free_port(), url)
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        str(NEWSQA), "bot", "--no-cli-fallback", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    lines = err.decode().splitlines()
    assert process.returncode == 1 and not out
    assert len(lines) == 1, lines
    assert lines[0].startswith("newsqa: error: Redis at redis://:***@127.0.0.1:")
    assert lines[0].endswith("start it or unset NEWSQA_REDIS_URL")
    assert "hunter2" not in lines[0] and TOKEN.split(":")[1] not in lines[0]
    assert time.monotonic() - started < 60  # before the model loads
