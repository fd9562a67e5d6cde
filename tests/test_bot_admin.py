"""Admins add articles from Telegram, readers ask about them at once, strangers can do nothing.

The real Application and engine on a copy of the seed index, against the fake Bot API
(documents served through getFile and the file URL); web pages from a server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from aiohttp import web
from pydantic import SecretStr
from telegram.ext import Application

from bot.telegram import access, admin, handlers
from bot.telegram.app import file_base_url
from bot.telegram.html_split import visible_text
from bot.telegram.render import render_answer
from index.config import IndexConfig
from index.embedder import Embedder
from index.update.build import update_index
from qa.engine import Engine
from tests.fake_bot_api import Call, FakeBotAPI

pytest_plugins = ("tests.conftest_bot",)

StartOn = Callable[..., AbstractAsyncContextManager[Application]]
ADMIN, READER, STRANGER = 500, 501, 502
MEITUAN = """Title: Meituan narrows losses
date 2025-11-20 By Test Writer

Meituan said its food delivery orders rose 20 per cent in the quarter as the price war with JD.com
and Alibaba continued. The company said losses at its new ventures narrowed to 1.2 billion yuan.
Analysts expect the subsidy war to cost the three companies billions of yuan more next year.
"""
MEITUAN_Q = "How much did Meituan's food delivery orders rise?"
PDD = """Title: PDD shares slide
date 2025-11-21 By Test Writer

PDD Holdings said its Temu marketplace paused sales in three European countries after new customs
rules took effect. Shares of PDD fell 9 per cent in New York trading on the news.
"""
PDD_Q = "How much did PDD shares fall in New York?"
PAGE = """<!doctype html><html><head><title>Xiaomi car deliveries | Example News</title>
<meta name="author" content="Page Writer"></head><body><nav>Home World Business</nav>
<article><h1>Xiaomi car deliveries</h1>
<p>Xiaomi delivered more than 40,000 electric cars in October, the company said, as its
SU7 sedan kept selling strongly in China.</p>
<p>The smartphone maker expects to deliver 350,000 cars this year.</p></article>
<footer>Copyright Example News. Privacy policy.</footer></body></html>"""


def text_of(call: Call) -> str:
    return visible_text(call.params["text"])


async def ask(fake: FakeBotAPI, user: int, text: str, count: int = 1) -> list[str]:
    """Send `text` from `user`; the visible texts of the replies to it."""
    message = fake.push_message(user, text)
    key = (message["chat"]["id"], message["message_id"])
    await fake.wait_for(lambda: fake.replies[key] >= count)
    return [text_of(c) for c in fake.sent(user)
            if (c.params.get("reply_parameters") or {}).get("message_id") == key[1]]


async def send_document(fake: FakeBotAPI, user: int, name: str | None, data: bytes,
                        **extra: object) -> str:
    message = fake.push_document(user, name, data, **extra)
    key = (user, message["message_id"])
    await fake.wait_for(lambda: fake.replies[key])
    [reply] = [c for c in fake.sent(user)
               if (c.params.get("reply_parameters") or {}).get("message_id") == key[1]]
    return text_of(reply)


@pytest.fixture
async def web_page() -> AsyncIterator[str]:
    """An article page on 127.0.0.1; the URL."""
    app = web.Application()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app.router.add_get("/news/xiaomi", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/news/xiaomi"
    await runner.cleanup()


async def test_admin_adds_a_document_and_readers_ask_about_it_without_restart(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
    embedder: Embedder,
) -> None:
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN], allowed_ids=[READER]):
        before = await ask(fake_api, READER, MEITUAN_Q)
        assert "rose 20 per cent" not in before[0]

        reply = await send_document(fake_api, ADMIN, "Meituan narrows losses.txt", MEITUAN.encode())
        assert reply.splitlines()[0] == "added: Meituan narrows losses (meituan-narrows-losses.txt)"
        assert reply.splitlines()[1].startswith("index updated: ")
        assert [c.method for c in fake_api.calls if c.method in ("getFile", "downloadFile")] == [
            "getFile", "downloadFile"]

        [answer] = await ask(fake_api, READER, MEITUAN_Q)
        assert "rose 20 per cent" in answer
        expected = render_answer(own_engine.ask(MEITUAN_Q, top_k=3))
        assert [c.params["text"] for c in fake_api.sent(READER)][-1] == expected[0]
        [sources] = await ask(fake_api, READER, "/sources")
        assert "2 indexed articles" in sources and "Meituan narrows losses" in sources

        # A newer index published by someone else (the watcher, `newsqa add`): the next
        # question swaps it in by itself, with no admin command and no restart.
        (own_cfg.corpus_dir / "pdd.txt").write_text(PDD)
        await asyncio.to_thread(update_index, own_cfg, embedder=embedder)
        [answer] = await ask(fake_api, READER, PDD_Q)
        assert "fell 9 per cent" in answer
    assert (own_cfg.corpus_dir / "meituan-narrows-losses.txt").read_bytes() == MEITUAN.encode()


async def test_admin_adds_a_link_only_when_private_urls_are_allowed(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
    web_page: str,
) -> None:
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN]):
        [refused] = await ask(fake_api, ADMIN, web_page)
    assert refused.startswith("refused: ") and "private" in refused.lower()
    assert len(list(own_cfg.corpus_dir.iterdir())) == 1

    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN], allow_private_urls=True):
        [added] = await ask(fake_api, ADMIN, f"  {web_page}\n")
        [again] = await ask(fake_api, ADMIN, web_page)
        [answer] = await ask(fake_api, READER, "How many electric cars did Xiaomi deliver in October?")
    assert added.splitlines()[0] == "added: Xiaomi car deliveries (xiaomi-car-deliveries.md)"
    assert again.startswith("already present: ") and "not added" in again
    assert "40,000 electric cars" in answer
    assert "source: " + web_page in (own_cfg.corpus_dir / "xiaomi-car-deliveries.md").read_text()


async def test_bad_documents_are_refused_in_one_line_each(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
) -> None:
    seed_text = next(own_cfg.corpus_dir.iterdir()).read_bytes()
    limit = 2000
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN], max_article_bytes=limit):
        pdf = await send_document(fake_api, ADMIN, "report.pdf", b"%PDF-1.4")
        nameless = await send_document(fake_api, ADMIN, None, MEITUAN.encode())
        big = await send_document(fake_api, ADMIN, "big.txt", b"x" * (limit + 1))
        lying = await send_document(fake_api, ADMIN, "lying.txt", b"word " * limit, file_size=10)
        empty = await send_document(fake_api, ADMIN, "empty.txt", b"")
        evil = await send_document(fake_api, ADMIN, "../../evil.md", MEITUAN.encode())
    assert pdf == "refused: report.pdf: send the article as a .txt, .md, .html file"
    assert nameless.startswith("refused: the file: send the article as")
    assert big == f"refused: big.txt: {limit + 1:,} bytes is over the {limit:,}-byte limit"
    assert lying.startswith("refused: lying.txt: ") and "over the" in lying
    assert empty.startswith("refused: empty.txt") and "\n" not in empty
    assert evil.startswith("added: ")
    downloads = [c.params["path"] for c in fake_api.calls if c.method == "downloadFile"]
    assert len(downloads) == 3  # only the lying, the empty and the evil file were fetched
    names = sorted(p.name for p in own_cfg.corpus_dir.iterdir())
    assert len(names) == 2 and all(".." not in n and "/" not in n for n in names)
    assert not (own_cfg.corpus_dir.parent / "evil.md").exists()
    assert next(own_cfg.corpus_dir.glob("alibaba*")).read_bytes() == seed_text


async def test_reindex_is_for_admins_and_reports(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
) -> None:
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN]):
        (own_cfg.corpus_dir / "pdd.txt").write_text(PDD)
        [refused] = await ask(fake_api, READER, "/reindex")
        [done] = await ask(fake_api, ADMIN, "/reindex")
        [answer] = await ask(fake_api, READER, PDD_Q)
        [again] = await ask(fake_api, ADMIN, "/reindex")
        group = {"chat_id": -900, "chat_type": "supergroup"}
        fake_api.push_message(READER, "/reindex", **group)  # a group is no way around it
        [in_group] = await fake_api.wait_sent(-900)
    assert refused == admin.ONLY_ADMINS_REINDEX == text_of(in_group)
    assert done.startswith("index updated: 1 added, 0 changed, 0 removed, 1 unchanged; ")
    assert "fell 9 per cent" in answer
    assert again.startswith("index already up to date: 2 articles, ")


async def test_non_admins_cannot_add(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
    web_page: str,
) -> None:
    group = {"chat_id": -901, "chat_type": "supergroup"}
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN], allow_private_urls=True):
        [link] = await ask(fake_api, READER, web_page)
        document = await send_document(fake_api, READER, "m.txt", MEITUAN.encode())
        fake_api.push_message(ADMIN, web_page, **group)  # an admin's link shared in a group
        fake_api.push_document(ADMIN, "m.txt", MEITUAN.encode(), **group)
        fake_api.push_message(ADMIN, "/help")
        [help_text] = await fake_api.wait_sent(ADMIN)
        [reader_help] = await ask(fake_api, READER, "/help")
    assert link == document == admin.ONLY_ADMINS_ADD
    assert not fake_api.sent(-901)
    assert not [c for c in fake_api.calls if c.method in ("getFile", "downloadFile")]
    assert len(list(own_cfg.corpus_dir.iterdir())) == 1
    assert "/reindex" in text_of(help_text) and "/reindex" not in reader_help


async def test_strangers_reach_no_handler(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
    web_page: str,
) -> None:
    """Every kind of update from someone not allowed gets one polite line (an alert for a
    button) and nothing else: no engine, no download, no typing, no edit. (A group on the
    allowlist lets all its members in; this group is not on it, READER is.)"""
    group = {"chat_id": -950, "chat_type": "supergroup"}
    async with start_bot_on(own_cfg, own_engine, allowed_ids=[READER], admin_ids=[ADMIN],
                            allow_private_urls=True):
        fake_api.push_message(READER, "/ask What is involution?", **group)
        [button] = await fake_api.wait_sent(-950)
        answer = text_of(button)
        data = button.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        texts = ["What is involution?", "/ask What is involution?", "/sources", "/status",
                 "/reindex", "/help", "/start", "/nonsense", web_page]
        replies = [await ask(fake_api, STRANGER, t) for t in texts]
        replies.append([await send_document(fake_api, STRANGER, "m.txt", MEITUAN.encode())])
        fake_api.push_message(STRANGER, sticker=True)
        await fake_api.wait_sent(STRANGER, len(replies) + 1)
        fake_api.push_callback(STRANGER, button.result, data)
        await fake_api.wait_for(lambda: fake_api.sent(None, "answerCallbackQuery"))
        [still] = await ask(fake_api, READER, "/sources")  # the button press took nothing
    assert all(r == [access.PRIVATE] for r in replies)
    assert [text_of(c) for c in fake_api.sent(STRANGER)] == [access.PRIVATE] * (len(texts) + 2)
    [alert] = fake_api.sent(None, "answerCallbackQuery")
    assert alert.params["text"] == access.PRIVATE
    assert not fake_api.sent(STRANGER, "sendChatAction")
    assert not [c for c in fake_api.calls if c.method in (
        "getFile", "downloadFile", "editMessageReplyMarkup", "editMessageText")]
    assert len(list(own_cfg.corpus_dir.iterdir())) == 1 and "1 indexed article" in still
    assert "intense competition" in answer


async def test_status_shows_the_index_and_no_secret(
    fake_api: FakeBotAPI, start_bot_on: StartOn, own_cfg: IndexConfig, own_engine: Engine,
) -> None:
    secret = "hook-secret_0123456789abcdef"
    async with start_bot_on(own_cfg, own_engine, admin_ids=[ADMIN],
                            webhook_secret=SecretStr(secret)):
        [status] = await ask(fake_api, READER, "/status")
        [admin_status] = await ask(fake_api, ADMIN, "/status")
    snapshot = own_engine.snapshot
    lines = status.splitlines()
    assert lines[0] == f"index: {snapshot.version.name} (1 article, {len(snapshot.chunks)} chunks)"
    assert lines[1] == f"model: {own_engine.index_cfg.model}"
    assert lines[2].startswith("retrieval: hybrid, 3 quotes")
    assert lines[3].startswith("uptime: ") and lines[3].endswith(" min")
    assert "admin" not in status and "you are an admin" in admin_status
    raw = "".join(c.params["text"] for c in fake_api.sent())
    for hidden in (fake_api.token, fake_api.token.split(":")[1], secret, html.escape(secret)):
        assert hidden not in raw


def test_file_urls_follow_the_api_url() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://10.0.0.5:8081/bot/") == "http://10.0.0.5:8081/file/bot"
    assert admin.uptime(59) == "0 min" and admin.uptime(3 * 86400 + 3720) == "3 d 1 h 2 min"
    assert admin.LINKS.fullmatch("https://a.example/x  http://b.example/y")
    assert not admin.LINKS.search("see https://a.example/x please")
    assert handlers.PRIVATE == access.PRIVATE
