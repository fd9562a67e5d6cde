"""A flaky Bot API: dropped links, timeouts, 500s and 429s for stretches of calls.

The real Application against the fake server, with short timeouts and back-off (the
production values are in bot/retry.py, which also says what is promised): the bot
retries by itself, answers each question once, and recovers when the server does. A
send whose answer was lost after the server delivered it is the one documented case
where a user may see an answer twice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application

from bot.telegram import handlers
from bot.telegram.html_split import visible_text
from bot.telegram.render import render_answer
from bot.telegram.retry import Network, ambiguous
from index.config import IndexConfig
from qa.engine import Engine
from tests.fake_bot_api import FakeBotAPI

pytest_plugins = ("tests.conftest_bot",)
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's 429

StartBot = Callable[..., AbstractAsyncContextManager[Application]]
StartOn = Callable[..., AbstractAsyncContextManager[Application]]
# Sends time out after 1 s, polls after 0.5 s on top of the 1 s long poll; the server's
# stalls (2.5 s) outlast both.
FAST = Network(read_timeout=1.0, connect_timeout=1.0, poll_read_timeout=0.5, retries=5,
               backoff=0.05)
STALL = 2.5
STATUS = {"drop": 0, "timeout": -1}  # as the fake server records them
QUESTIONS = ("What is involution?", "Who is Jiang Fan?", "When did JD.com enter food delivery?")


@pytest.fixture(autouse=True)
def _stall(fake_api: FakeBotAPI) -> None:
    fake_api.stall = STALL


def expected(engine: Engine, question: str) -> str:
    [text] = render_answer(engine.ask(question, top_k=3))
    return text


def answers_to(fake: FakeBotAPI, message: dict) -> list[str]:
    """Every delivered message replying to `message`, "late" ones included."""
    return [c.params["text"] for c in fake.delivered(message["chat"]["id"])
            if (c.params.get("reply_parameters") or {}).get("message_id") == message["message_id"]]


async def test_polling_survives_drops_errors_timeouts_and_flood_limits(
    fake_api: FakeBotAPI, start_bot: StartBot, engine: Engine,
) -> None:
    """getUpdates fails five times in a row, in every way; the questions queued meanwhile
    are each answered once, since an update is confirmed only by the next poll."""
    for fault in ("drop", "500", "timeout", "late", "429"):
        fake_api.fail("getUpdates", fault)  # type: ignore[arg-type]
    async with start_bot(network=FAST):
        asked = [fake_api.push_message(40 + i, q) for i, q in enumerate(QUESTIONS)]
        await fake_api.wait_for(lambda: all(answers_to(fake_api, m) for m in asked), timeout=60)
        again = fake_api.push_message(40, QUESTIONS[1])  # and it carries on by itself
        await fake_api.wait_for(lambda: answers_to(fake_api, again), timeout=30)
    polls = [c.status for c in fake_api.calls if c.method == "getUpdates"]
    assert polls[:5] == [0, 500, -1, -1, 429] and set(polls[5:]) == {200}
    for message, question in zip([*asked, again], [*QUESTIONS, QUESTIONS[1]], strict=True):
        assert answers_to(fake_api, message) == [expected(engine, question)]
    assert len(fake_api.delivered(None)) == 4  # nothing else was sent


async def test_sends_are_retried_through_a_stretch_and_delivered_once(
    fake_api: FakeBotAPI, start_bot: StartBot, engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    """Six failed sendMessage calls shared by three questions asked at once, however they
    fall within the retries (five, plus the 429's own): each answer arrives once."""
    stretch = ("drop", "500", "timeout", "429", "drop", "500")
    for fault in stretch:
        fake_api.fail("sendMessage", fault)  # type: ignore[arg-type]
    async with start_bot(network=FAST):
        asked = [fake_api.push_message(50 + i, q) for i, q in enumerate(QUESTIONS)]
        await fake_api.wait_for(lambda: all(answers_to(fake_api, m) for m in asked), timeout=60)
        after = fake_api.push_message(50, QUESTIONS[2])
        await fake_api.wait_for(lambda: answers_to(fake_api, after), timeout=30)
    sends = [c.status for c in fake_api.calls if c.method == "sendMessage"]
    assert sends[:len(stretch)] == [STATUS[f] if f in STATUS else int(f) for f in stretch]
    assert sends[len(stretch):] == [200] * 4
    for message, question in zip([*asked, after], [*QUESTIONS, QUESTIONS[2]], strict=True):
        assert answers_to(fake_api, message) == [expected(engine, question)]
    assert "retrying in" in caplog.text


async def test_a_send_delivered_but_unanswered_is_sent_again(
    fake_api: FakeBotAPI, start_bot: StartBot, engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    """The documented trade-off (bot/retry.py): the server delivered the answer and then
    stalled past the read timeout. The bot cannot tell this from a send that never
    arrived, so it sends again: the reader gets the answer twice, never zero times."""
    fake_api.fail("sendMessage", "late")
    async with start_bot(network=FAST):
        asked = fake_api.push_message(60, QUESTIONS[0])
        await fake_api.wait_for(lambda: len(answers_to(fake_api, asked)) == 2, timeout=30)
        after = fake_api.push_message(60, QUESTIONS[1])
        await fake_api.wait_for(lambda: answers_to(fake_api, after), timeout=30)
    assert answers_to(fake_api, asked) == [expected(engine, QUESTIONS[0])] * 2
    assert answers_to(fake_api, after) == [expected(engine, QUESTIONS[1])]
    assert "it may have been delivered" in caplog.text


async def test_an_outage_longer_than_the_retries_fails_politely_then_recovers(
    fake_api: FakeBotAPI, start_bot: StartBot, engine: Engine,
) -> None:
    """Six 500s in a row outlast the five retries: that answer is given up (logged), the
    reader gets "something went wrong" once the server is back, and the next question
    is answered as usual. Retries are bounded: nothing hammers a dead server forever."""
    fake_api.fail("sendMessage", "500", times=FAST.retries + 1)
    async with start_bot(network=FAST):
        lost = fake_api.push_message(70, QUESTIONS[0])
        await fake_api.wait_for(lambda: answers_to(fake_api, lost), timeout=30)
        after = fake_api.push_message(70, QUESTIONS[1])
        await fake_api.wait_for(lambda: answers_to(fake_api, after), timeout=30)
    assert [visible_text(t) for t in answers_to(fake_api, lost)] == [handlers.WRONG]
    assert answers_to(fake_api, after) == [expected(engine, QUESTIONS[1])]
    sends = [c.status for c in fake_api.calls if c.method == "sendMessage"]
    assert sends == [500] * (FAST.retries + 1) + [200, 200]


async def test_a_failed_download_asks_the_admin_to_send_again(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
) -> None:
    article = b"Title: Short note\n\nBaidu said its robotaxi fleet completed 250,000 rides a week.\n"
    fake_api.fail("downloadFile", "500")
    async with start_bot_on(own_cfg, own_engine, FAST, admin_ids=[80]):
        first = fake_api.push_document(80, "note.txt", article)
        await fake_api.wait_for(lambda: fake_api.replies[(80, first["message_id"])])
        second = fake_api.push_document(80, "note.txt", article)
        await fake_api.wait_for(lambda: fake_api.replies[(80, second["message_id"])])
    refused, added = (visible_text(c.params["text"]) for c in fake_api.sent(80))
    assert refused.startswith("refused: note.txt: could not download it") and "again" in refused
    assert added.startswith("added: Short note")
    assert fake_api.token not in refused


def test_which_failures_may_have_been_delivered() -> None:
    def caused(exc: Exception, cause: BaseException) -> Exception:
        exc.__cause__ = cause
        return exc

    request = httpx.Request("POST", "http://127.0.0.1/")
    assert ambiguous(caused(TimedOut(), httpx.ReadTimeout("read", request=request)))
    assert not ambiguous(caused(TimedOut(), httpx.ConnectTimeout("connect", request=request)))
    assert not ambiguous(caused(TimedOut(), httpx.WriteTimeout("write", request=request)))
    assert not ambiguous(TimedOut("Pool timeout: All connections in the connection pool are occupied."))
    assert ambiguous(caused(NetworkError("x"), httpx.RemoteProtocolError("gone", request=request)))
    assert not ambiguous(caused(NetworkError("x"), httpx.ConnectError("refused", request=request)))
    assert not ambiguous(NetworkError("Internal Server Error"))
