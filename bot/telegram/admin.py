"""Admins grow the corpus from Telegram: a link or an article file is added, `/reindex`
updates the index; `/status` tells anyone allowed what the bot is serving.

Admins are user ids (`NEWSQA_ADMIN_IDS`, see bot/access.py). Links and files are taken
in private chats only, so a link shared in a group is never added by surprise. Adding
and reindexing run on the admin thread (`BotState.run_admin`), never on the event loop;
the engine then swaps in the new index on its own thread, so the next question already
sees the new article.
"""

from __future__ import annotations

import functools
import re
import time

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.logsafe import redact
from bot.telegram.access import is_admin
from bot.telegram.chat_state import BotState, get_state
from bot.telegram.html_split import pack
from bot.telegram.sending import reply
from index.errors import NewsqaError
from index.intake.fetch import short
from index.intake.loading import ARTICLE_SUFFIXES
from index.update.add import AddReport, Source, Upload, add_sources, update_waiting
from index.update.build import UpdateReport

Context = ContextTypes.DEFAULT_TYPE

LINKS = re.compile(r"\A\s*https?://\S+(?:\s+https?://\S+)*\s*\Z", re.IGNORECASE)  # only links
MAX_LINKS = 5  # per message
DOWNLOAD_LIMIT = 20_000_000  # bots cannot download larger files from Telegram anyway
MAX_LINES = 20
ONLY_ADMINS_ADD = "Only admins can add articles. Ask me a question about them instead."
ONLY_ADMINS_REINDEX = "Only admins can update the index."
SUFFIXES = ", ".join(s for s in ARTICLE_SUFFIXES if s in (".txt", ".md", ".html"))


async def on_links(update: Update, context: Context) -> None:
    """A private message that is only http(s) links: an admin's are fetched and added."""
    state, message = get_state(context), update.effective_message
    if message is None or not message.text:
        return
    if not is_admin(state, update):
        await reply(message, [ONLY_ADMINS_ADD])
        return
    links = message.text.split()
    lines = [f"refused: {short(u)}: at most {MAX_LINKS} links a message" for u in links[MAX_LINKS:]]
    await _add(state, context, message, list(links[:MAX_LINKS]), lines)


async def on_document(update: Update, context: Context) -> None:
    """A private file: an admin's article is downloaded (size-checked first) and added."""
    state, message = get_state(context), update.effective_message
    if message is None or message.document is None:
        return
    if not is_admin(state, update):
        await reply(message, [ONLY_ADMINS_ADD])
        return
    doc, limit = message.document, min(state.settings.max_article_bytes, DOWNLOAD_LIMIT)
    name = doc.file_name or ""
    problem = _document_problem(name, doc.file_size, limit)
    if problem is None:
        try:
            async with state.typing(context.bot, message.chat_id):
                data = bytes(await (await doc.get_file()).download_as_bytearray())
        except TelegramError as exc:
            problem = f"could not download it ({redact(str(exc))}); please send it again"
        else:
            problem = _document_problem(name, len(data), limit)  # the announced size may lie
    if problem is not None:
        await _say(message, [f"refused: {short(name or 'the file')}: {problem}"])
        return
    await _add(state, context, message, [Upload(name, data)], [])


def _document_problem(name: str, size: int | None, limit: int) -> str | None:
    if not name.lower().endswith(ARTICLE_SUFFIXES):
        return f"send the article as a {SUFFIXES} file"
    if size is not None and size > limit:
        return f"{size:,} bytes is over the {limit:,}-byte limit"
    return None


async def _add(state: BotState, context: Context, message: Message, sources: list[Source],
               lines: list[str]) -> None:
    add = functools.partial(add_sources, state.engine.index_cfg, sources,
                            allow_private=state.settings.allow_private_urls,
                            embedder=state.engine.embedder)
    async with state.typing(context.bot, message.chat_id):
        report = await state.run_admin(add)
        if report.update is not None:
            await state.run(state.engine.refresh)
    await _say(message, add_lines(report) + lines)


def add_lines(report: AddReport) -> list[str]:
    """One line per source, then one for the index."""
    lines = [f"added: {a.title or a.id} ({a.file})" for a in report.added]
    lines += [f"already present: {d}" for d in report.duplicates]
    lines += [f"refused: {f}" for f in report.failed]
    if report.update is not None:
        u = report.update
        lines.append(f"index updated: {u.chunks_embedded} chunks embedded, {u.total_chunks} in all")
    elif report.update_error:
        lines.append(f"saved, but the index was not updated: {report.update_error}")
    return lines


async def reindex(update: Update, context: Context) -> None:
    """/reindex: bring the index up to date with the corpus folder (admins only)."""
    state, message = get_state(context), update.effective_message
    if not is_admin(state, update):
        await reply(message, [ONLY_ADMINS_REINDEX])
        return
    update_now = functools.partial(update_waiting, state.engine.index_cfg,
                                   embedder=state.engine.embedder)
    assert message is not None
    async with state.typing(context.bot, message.chat_id):
        try:
            report = await state.run_admin(update_now)
        except NewsqaError as exc:
            await _say(message, [f"reindex failed: {exc}"])
            return
        await state.run(state.engine.refresh)
    await _say(message, reindex_lines(report))


def reindex_lines(u: UpdateReport) -> list[str]:
    if not u.changed_anything:
        head = (f"index already up to date: {plural(len(u.unchanged), 'article')}, "
                f"{plural(u.total_chunks, 'chunk')}")
    else:
        head = (f"index updated: {len(u.added)} added, {len(u.changed)} changed, "
                f"{len(u.removed)} removed, {len(u.unchanged)} unchanged; "
                f"{u.chunks_embedded} chunks embedded, {u.total_chunks} in all")
    return [head] + [f"skipped: {s}" for s in u.skipped]


async def status(update: Update, context: Context) -> None:
    """/status: what the bot serves and since when; settings that are secrets never appear."""
    state = get_state(context)

    def snapshot() -> tuple[str, int, int]:
        state.engine.refresh()
        snap = state.engine.snapshot
        return snap.version.name, len(snap.articles), len(snap.chunks)

    version, articles, chunks = await state.run(snapshot)
    s = state.settings
    lines = [f"index: {version} ({plural(articles, 'article')}, {plural(chunks, 'chunk')})",
             f"model: {s.model}", f"retrieval: {s.mode}, {s.top_k} quotes an answer",
             f"uptime: {uptime(time.monotonic() - state.started)}"]
    if is_admin(state, update):
        lines.append("you are an admin: send a link or a file to add an article; /reindex")
    await _say(update.effective_message, lines)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def uptime(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours or days) + [f"{minutes} min"]
    return " ".join(parts)


async def _say(message: Message | None, lines: list[str]) -> None:
    """Plain lines, escaped, secrets redacted; long reports are capped, never split mid-line."""
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], f"… and {len(lines) - MAX_LINES + 1} more"]
    await reply(message, pack([[("", redact("\n".join(lines)))]]))
