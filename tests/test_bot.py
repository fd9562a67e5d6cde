"""The Telegram bot end to end: the real Application and engine against a fake Bot API."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot.settings import SEED_EXAMPLES, Settings
from bot.telegram import handlers
from bot.telegram.app import (
    REJECTED,
    bot_token,
    build_application,
    check_token,
    webhook_options,
)
from bot.telegram.html_split import TELEGRAM_LIMIT, units, visible_text
from index.config import IndexConfig
from index.errors import NewsqaError
from qa.compose import lead_text
from qa.engine import Engine
from tests.fake_bot_api import Call, FakeBotAPI

pytest_plugins = ("tests.conftest_bot",)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "eval" / "seed_article.jsonl"
StartBot = Callable[..., AbstractAsyncContextManager[Application]]
MakeSettings = Callable[..., Settings]

WRONG_TOKEN = "987654321:BBFnot-the-right-token_abcdefghijklm"
QUESTION = "How fast did Alibaba's cloud revenue grow?"
LEAD = re.compile(r"<blockquote><b>(.*?)</b>", re.S)  # each quote's lead sentence, in bold


def seed_quote_questions() -> list[str]:
    rows = [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]
    questions = [r["question"] for r in rows if r["kind"] == "quote"]
    assert questions
    return questions


def quotes_of(calls: list[Call]) -> list[str]:
    """The lead sentence of each quote the messages show."""
    return [html.unescape(q) for c in calls for q in LEAD.findall(c.params["text"])]


def replies_to(fake: FakeBotAPI, message: dict) -> list[Call]:
    """Messages the bot sent in answer to `message` (the first one quotes it)."""
    chat = message["chat"]["id"]
    return [c for c in fake.sent(chat)
            if (c.params.get("reply_parameters") or {}).get("message_id") == message["message_id"]]


async def test_question_answered_with_quotes_and_more_passages(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    settings = make_settings()
    async with start_bot():
        asked = fake_api.push_message(11, QUESTION)
        [reply] = await fake_api.wait_sent(11)
        expected = engine.ask(QUESTION, top_k=settings.top_k)
        assert reply.params["parse_mode"] == "HTML"
        assert reply.params["reply_parameters"]["message_id"] == asked["message_id"]
        assert quotes_of([reply]) == [lead_text(q) for q in expected.quotes]
        assert any("34 per cent" in q for q in quotes_of([reply]))
        assert fake_api.sent(11, "sendChatAction")[0].params["action"] == "typing"

        [[button]] = reply.params["reply_markup"]["inline_keyboard"]
        fake_api.push_callback(11, reply.result, button["callback_data"])
        more = (await fake_api.wait_sent(11, 2))[1]
        wider = engine.ask(QUESTION, top_k=2 * settings.top_k, padding=True)
        assert quotes_of([more]) == [lead_text(q) for q in wider.quotes[len(expected.quotes):]]
        await fake_api.wait_for(lambda: fake_api.sent(None, "editMessageReplyMarkup"))
        assert fake_api.sent(None, "answerCallbackQuery")

        fake_api.push_callback(11, reply.result, button["callback_data"])  # pressed again
        await fake_api.wait_for(lambda: len(fake_api.sent(None, "answerCallbackQuery")) == 2)
    assert len(fake_api.sent(11)) == 2
    assert "already" in fake_api.sent(None, "answerCallbackQuery")[1].params["text"]


async def test_startup_and_commands(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    async with start_bot():
        [commands] = fake_api.sent(None, "setMyCommands")
        assert {c["command"] for c in commands.params["commands"]} == {
            "start", "help", "sources", "ask", "status", "new"}
        for text in ("/start", "/help", "/sources"):
            fake_api.push_message(12, text)
        sent = await fake_api.wait_sent(12, 3)
    texts = {c.params["reply_parameters"]["message_id"]: visible_text(c.params["text"])
             for c in sent}
    start, help_, sources = (texts[k] for k in sorted(texts))
    assert "newsqa" in start and all(q in start for q in SEED_EXAMPLES)
    assert "/sources" in help_ and "/ask" in help_
    [article] = engine.articles()
    assert article.title in sources and article.author in sources
    assert "1 indexed article" in sources


async def test_start_suggests_the_configured_examples(
    fake_api: FakeBotAPI, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator who indexes other articles sets NEWSQA_EXAMPLES; none means no list."""
    monkeypatch.setenv("NEWSQA_EXAMPLES", "Who won the vote? | What did the court decide?")
    async with start_bot():
        fake_api.push_message(13, "/start")
        [sent] = await fake_api.wait_sent(13, 1)
    start = visible_text(sent.params["text"])
    assert "• Who won the vote?" in start and "• What did the court decide?" in start
    assert not any(q in start for q in SEED_EXAMPLES)
    async with start_bot(examples=[]):
        fake_api.push_message(14, "/start")
        [sent] = await fake_api.wait_sent(14, 1)
    assert "Try one of these" not in visible_text(sent.params["text"])


async def test_long_answer_is_split_under_the_limit(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    first = engine.ask(QUESTION, top_k=20)
    expected = engine.ask(QUESTION, top_k=40, padding=True).quotes[len(first.quotes):]
    shown = sum(len(q.text) + len(q.title) + len(q.author) + 20 for q in expected)
    assert len(expected) >= 5  # every further passage of the article, as the reader asked
    async with start_bot(top_k=20):
        fake_api.push_message(13, QUESTION)
        [reply] = await fake_api.wait_sent(13)
        [[button]] = reply.params["reply_markup"]["inline_keyboard"]
        fake_api.push_callback(13, reply.result, button["callback_data"])
        await fake_api.wait_for(lambda: quotes_of(fake_api.sent(13)[1:]) == [lead_text(q) for q in expected])
    sent = fake_api.sent(13)[1:]
    assert all(units(visible_text(c.params["text"])) <= TELEGRAM_LIMIT for c in sent)
    assert "reply_parameters" in sent[0].params
    if shown > TELEGRAM_LIMIT:  # split between passages; only the first replies to the button's message
        assert len(sent) >= 2 and "reply_parameters" not in sent[1].params


async def test_html_in_a_question_is_escaped(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    question = "<b>What</b> is <i>involution</i>? <script>alert('x')</script> & more"
    async with start_bot():
        fake_api.push_message(14, question)
        [reply] = await fake_api.wait_sent(14)
    text = reply.params["text"]
    assert "<script>" not in text and "<b>What</b>" not in text
    assert "&lt;script&gt;" in text
    assert question in visible_text(text)


async def test_sticker_gets_a_polite_line(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    async with start_bot():
        fake_api.push_message(15, sticker=True)
        fake_api.push_message(-1500, chat_type="supergroup", sticker=True, chat_id=-1500)
        [reply] = await fake_api.wait_sent(15)
    assert reply.params["text"] == handlers.NOT_TEXT
    assert not fake_api.sent(-1500)  # no chatter in groups


async def test_groups_answer_commands_and_mentions_only(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    group = {"chat_id": -1600, "chat_type": "supergroup"}
    async with start_bot():
        fake_api.push_message(16, "What is involution?", **group)
        asked = fake_api.push_message(16, "/ask What is involution?", **group)
        mention = "@newsqa_test_bot What is involution?"
        mentioned = fake_api.push_message(
            16, mention, **group, entities=[{"type": "mention", "offset": 0, "length": 16}])
        await fake_api.wait_sent(-1600, 2)
    assert replies_to(fake_api, asked) and replies_to(fake_api, mentioned)
    assert len(fake_api.sent(-1600)) == 2
    assert all("intense competition" in html.unescape(c.params["text"]) for c in fake_api.sent(-1600))


async def test_strangers_are_turned_away_even_on_buttons(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    group = {"chat_id": -1700, "chat_type": "supergroup"}  # not on the allowlist; 17 is
    async with start_bot(allowed_ids=[17]):
        fake_api.push_message(17, f"/ask {QUESTION}", **group)
        [answer] = await fake_api.wait_sent(-1700)
        fake_api.push_message(99, QUESTION)
        [refusal] = await fake_api.wait_sent(99)
        data = answer.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake_api.push_callback(99, answer.result, data)
        [alert] = await fake_api.wait_for(lambda: fake_api.sent(None, "answerCallbackQuery"))
        fake_api.push_message(99, "just chatting", **group)  # ignored, not even refused
        fake_api.push_callback(17, answer.result, data)  # the button still works for 17
        await fake_api.wait_sent(-1700, 2)
    assert refusal.params["text"] == handlers.PRIVATE
    assert alert.params["text"] == handlers.PRIVATE and alert.params["show_alert"] == "true"
    assert len(fake_api.sent(99)) == 1 and len(fake_api.sent(-1700)) == 2
    assert not fake_api.sent(99, "sendChatAction")
    assert len(fake_api.sent(None, "editMessageReplyMarkup")) == 1  # only 17's press


async def test_rate_limit_is_polite_and_said_once(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    async with start_bot(rate_limit_per_minute=2):
        for _ in range(4):
            fake_api.push_message(18, "What is involution?")
        await fake_api.wait_sent(18, 3)
    texts = [visible_text(c.params["text"]) for c in fake_api.sent(18)]
    assert len(texts) == 3
    assert sum("asking too fast" in t for t in texts) == 1
    assert sum("intense competition" in t for t in texts) == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_flood_limit_and_server_errors_still_answer_once(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    fake_api.fail("getUpdates", "500")
    fake_api.fail("sendMessage", "429", retry_after=1)
    fake_api.fail("sendMessage", "500")
    fake_api.fail("sendMessage", "drop")
    async with start_bot():
        fake_api.push_message(19, QUESTION)
        await fake_api.wait_sent(19, timeout=30)
    attempts = [c.status for c in fake_api.calls if c.method == "sendMessage"]
    assert attempts == [429, 500, 0, 200]
    assert len(fake_api.sent(19)) == 1
    assert quotes_of(fake_api.sent(19))


async def test_a_failed_send_is_reported_without_internals(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_api.fail("sendMessage", "400")
    async with start_bot():
        fake_api.push_message(20, "What is involution?")
        [reply] = await fake_api.wait_sent(20)
        fake_api.push_message(20, "/ask ???")
        second = (await fake_api.wait_sent(20, 2))[1]
    assert reply.params["text"] == handlers.WRONG
    assert "error while handling an update" in caplog.text
    assert second.params["text"] == "the question has no words in it"


async def test_token_never_reaches_the_logs(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in (None, "httpx", "httpcore", "telegram", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    fake_api.fail("sendMessage", "500")
    async with start_bot():
        fake_api.push_message(21, QUESTION)
        await fake_api.wait_sent(21)
    wrong = make_settings(TELEGRAM_BOT_TOKEN=WRONG_TOKEN)
    app = build_application(wrong, engine)
    with pytest.raises(Exception) as rejected:  # PTB's InvalidToken message names the token
        await app.initialize()
    logging.getLogger("test").error("startup failed", exc_info=rejected.value)
    await app.post_shutdown(app)  # type: ignore[misc]
    assert "HTTP Request: POST" in caplog.text  # httpx did log the URLs ...
    assert "[REDACTED]" in caplog.text
    for secret in (fake_api.token, WRONG_TOKEN, fake_api.token.split(":")[1]):
        assert secret not in caplog.text  # ... but not the token
        assert all(secret not in r.getMessage() for r in caplog.records)


def test_missing_or_malformed_token_is_one_clear_line() -> None:
    for token in (None, "", "not-a-token", "123:short", "abc:" + "x" * 40):
        settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=token)  # type: ignore[call-arg]
        with pytest.raises(NewsqaError) as err:
            bot_token(settings)
        message = str(err.value)
        assert "TELEGRAM_BOT_TOKEN" in message and "\n" not in message
        assert not token or token not in message


def test_an_unreachable_server_is_one_clear_line() -> None:
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/bot"
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=WRONG_TOKEN,  # type: ignore[call-arg]
                        telegram_base_url=url)
    with pytest.raises(NewsqaError, match="cannot reach the Bot API server") as err:
        check_token(settings)
    assert WRONG_TOKEN not in str(err.value) and "\n" not in str(err.value)


async def test_webhook_checks_the_secret_token(
    fake_api: FakeBotAPI, start_bot: StartBot, make_settings: MakeSettings, engine: Engine
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(webhook_url="https://bot.example/hook/x1",
                            webhook_listen="127.0.0.1", webhook_port=port,
                            webhook_secret=SecretStr("s3cret-value_0123456789"))
    options = webhook_options(settings)
    assert options["url_path"] == "hook/x1" and options["secret_token"] == "s3cret-value_0123456789"
    app = build_application(settings, engine)
    update = {"update_id": 5, "message": {
        "message_id": 7, "date": 0, "text": "What is involution?",
        "chat": {"id": 22, "type": "private"}, "from": {"id": 22, "is_bot": False,
                                                          "first_name": "u"}}}
    url = f"http://127.0.0.1:{port}/hook/x1"
    async with app:
        await app.updater.start_webhook(**options)  # type: ignore[union-attr]
        await app.start()
        try:
            async with httpx.AsyncClient(trust_env=False) as client:
                denied = await client.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "wrong"})
                missing = await client.post(url, json=update)
                ok = await client.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-value_0123456789"})
            [reply] = await fake_api.wait_sent(22)
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
    await app.post_shutdown(app)  # type: ignore[misc]
    assert (denied.status_code, missing.status_code, ok.status_code) == (403, 403, 200)
    [hook] = fake_api.sent(None, "setWebhook")
    assert hook.params["url"] == "https://bot.example/hook/x1"
    assert hook.params["secret_token"] == "s3cret-value_0123456789"
    assert "intense competition" in html.unescape(reply.params["text"])


async def test_newsqa_bot_answers_the_seed_questions_and_stops_cleanly(
    fake_api: FakeBotAPI, seed_cfg: IndexConfig, engine: Engine
) -> None:
    """The Done-when: `newsqa -v bot` (httpx logging every URL) against the fake server
    gives each seed quote question the quotes of `engine.ask`; SIGINT stops it cleanly; a
    rejected token is one line; the token is in no output."""
    newsqa = str(Path(sys.executable).with_name("newsqa"))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake_api.token,
           "NEWSQA_TELEGRAM_BASE_URL": fake_api.base_url,
           "NEWSQA_CORPUS_DIR": str(seed_cfg.corpus_dir),
           "NEWSQA_INDEX_DIR": str(seed_cfg.index_dir), "NO_PROXY": "127.0.0.1,localhost"}
    pipes = {"cwd": ROOT, "stdout": asyncio.subprocess.PIPE, "stderr": asyncio.subprocess.PIPE}
    good = await asyncio.create_subprocess_exec(newsqa, "-v", "bot", env=env, **pipes)
    bad = await asyncio.create_subprocess_exec(
        newsqa, "bot", env={**env, "TELEGRAM_BOT_TOKEN": WRONG_TOKEN}, **pipes)
    questions = seed_quote_questions()
    bad_done = asyncio.ensure_future(bad.communicate())
    try:
        await fake_api.wait_for(lambda: fake_api.sent(None, "setMyCommands"), timeout=120)
        asked = [fake_api.push_message(2000 + i, q) for i, q in enumerate(questions)]
        await fake_api.wait_for(lambda: all(fake_api.sent(m["chat"]["id"]) for m in asked))
        good.send_signal(signal.SIGINT)
        good_out, good_err = await asyncio.wait_for(good.communicate(), 30)
        bad_out, bad_err = await asyncio.wait_for(bad_done, 60)
    finally:
        for proc in (good, bad):
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    for question, message in zip(questions, asked, strict=True):
        expected = [lead_text(q) for q in engine.ask(question).quotes]
        assert quotes_of(replies_to(fake_api, message)) == expected, question
    output = (good_out + good_err + bad_out + bad_err).decode()
    assert good.returncode == 0, good_err.decode()[-2000:]
    assert "HTTP Request: POST" in output and "[REDACTED]" in output
    assert fake_api.token not in output and WRONG_TOKEN not in output
    assert fake_api.token.split(":")[1] not in output
    assert bad.returncode == 1
    assert bad_err.decode().strip().splitlines() == [f"newsqa: error: {REJECTED}"]
