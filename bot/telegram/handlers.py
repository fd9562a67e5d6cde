"""What the bot does with each update: commands, questions, buttons, strangers, errors.

Questions run on the engine's thread (see chat_state) so the event loop stays free for
other chats; the engine picks up a newly published index before each one. Who may do
what is in bot/access.py; admin work (adding articles, /reindex, /status) in bot/admin.py.
Conversations are kept in PTB's `chat_data`, or in Redis when the bot's replicas share
their state (bot/telegram/shared_state.py): then each turn reads and writes it there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any, NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.access import PRIVATE as PRIVATE
from bot.telegram.access import is_admin
from bot.telegram.chat_state import BotState, get_state
from bot.telegram.html_split import pack
from bot.telegram.render import render_answer, render_more
from bot.telegram.sending import reply
from bot.telegram.shared_state import StateUnavailable
from index.errors import NewsqaError, QuestionError
from index.store.metadata import ArticleInfo
from qa.answer import Answer
from qa.conversation.ask import ask as ask_in_conversation
from qa.conversation.history import Conversation

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

WRONG = "Something went wrong. Please try again later."
NOT_TEXT = "I can only read text. Please type your question."
UNAVAILABLE = "The articles are not available right now. Please try again later."
BUSY = "Sorry, I can't answer just now. Please try again in a moment."
HELP = (
    "Send me a question about the news articles I know and I answer with quotes from them.\n\n"
    "/ask QUESTION: ask (in groups, or mention me)\n"
    "/new: start a new conversation (follow-ups like “And in dollars?” lean on the last answers)\n"
    "/sources: the articles I have read\n"
    "/status: the index I answer from\n"
    "/help: this text"
)
NEW_CONVERSATION = "Starting afresh: your next question stands on its own."
CONVERSATION_KEY = "conversation"  # chat_data key of a private chat's conversation
GROUP_CONVERSATIONS_KEY = "conversations"  # chat_data key of a group's, by user id
MAX_GROUP_CONVERSATIONS = 200
MAX_LOCKS = 10_000
_LOCKS: OrderedDict[tuple[int, str], asyncio.Lock] = OrderedDict()
ADMIN_HELP = "\n\nAs an admin: send me a link or a .txt/.md/.html file to add an article; /reindex"


async def start(update: Update, context: Context) -> None:
    examples = [[("", "• "), ("i", q)] for q in get_state(context).settings.examples]
    blocks = [[("b", "newsqa"), ("", " answers questions about news articles with verbatim, "
                                      "cited quotes and computed figures.")],
              *([[("", "Try one of these:")], *examples] if examples else []), [("", HELP)]]
    await reply(update.effective_message, pack(blocks))


async def help_command(update: Update, context: Context) -> None:
    extra = ADMIN_HELP if is_admin(get_state(context), update) else ""
    await reply(update.effective_message, pack([[("", HELP + extra)]]))


async def sources(update: Update, context: Context) -> None:
    """The articles of the newest published index, so an added one shows at once."""
    state = get_state(context)
    articles = await state.run(_refreshed_articles, state)
    if not articles:
        await reply(update.effective_message, ["No articles are indexed yet."])
        return
    blocks = [[("b", f"{len(articles)} indexed article{'s' if len(articles) != 1 else ''}")]]
    for a in articles:
        meta = ", ".join(x for x in (a.author, a.date) if x)
        blocks.append([("", "• "), ("b", a.title or a.id), ("", f" ({meta})" if meta else "")])
    await reply(update.effective_message, pack(blocks))


async def ask_command(update: Update, context: Context) -> None:
    question = " ".join(context.args or [])
    if not question.strip():
        await reply(update.effective_message, ["Usage: /ask QUESTION"])
        return
    await answer_question(update, context, question)


async def on_text(update: Update, context: Context) -> None:
    """A private message is a question; in groups only one that mentions the bot."""
    message = update.effective_message
    if message is None or not message.text:
        return
    question = message.text
    if message.chat.type != ChatType.PRIVATE:
        mention = f"@{context.bot.username}".lower()
        mentioned = any(
            e.type == MessageEntityType.MENTION and t.lower() == mention
            for e, t in message.parse_entities([MessageEntityType.MENTION]).items()
        )
        replied = bool(message.reply_to_message and message.reply_to_message.from_user
                       and message.reply_to_message.from_user.id == context.bot.id)
        if not (mentioned or replied):
            return
        question = question.replace(f"@{context.bot.username}", " ").strip()
    await answer_question(update, context, question)


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice: one polite line."""
    await reply(update.effective_message, [NOT_TEXT])


async def unknown_command(update: Update, context: Context) -> None:
    await reply(update.effective_message, ["I don't know that command. Try /help."])


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Rate-limit, answer in the conversation on the engine thread while typing, reply with
    a "more" button. One conversation's questions are answered one after another."""
    state, message = get_state(context), update.effective_message
    if message is None or not await _within_rate(state, update, message):
        return
    place = _conversation_place(update, context)
    async with _holding(state, place), state.typing(context.bot, message.chat_id):
        conversation = Conversation.from_dict(await _load(state, place), state.settings.conversation_turns,
                                              state.settings.conversation_idle_minutes * 60)
        try:
            answer = await state.run(_ask_in, state, conversation, question, state.settings.top_k)
        except QuestionError as exc:  # its one line is meant for the user
            await reply(message, pack([[("", str(exc))]]))
            return
        await _store(state, place, conversation)
    markup = None
    if not answer.abstained and answer.quotes:
        markup = await _more_button(state, _more_request(answer))
    await reply(message, render_answer(answer), markup)


def _more_request(answer: Answer) -> str:
    """What the button keeps: the question as read, and for a follow-up the article it was
    answered from, so more passages come from the conversation's article first."""
    follow_up = answer.resolved_question != answer.question and answer.quotes
    focus = answer.quotes[0].article_id if follow_up else None
    return json.dumps({"question": answer.resolved_question, "focus": focus})


def _read_more_request(kept: str) -> tuple[str, str | None]:
    """The question and focus a button keeps (a plain question from an older version)."""
    try:
        row = json.loads(kept)
        return str(row["question"]), row.get("focus")
    except (ValueError, TypeError, KeyError):
        return kept, None


async def _more_button(state: BotState, request: str) -> InlineKeyboardMarkup | None:
    """The "More passages" button; none when Redis cannot keep it (the answer still goes)."""
    try:
        key = await state.remember_more(request)
    except StateUnavailable as exc:
        log.warning("answer sent without its button: %s", exc)
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("More passages", callback_data=f"more:{key}")]])


async def more_passages(update: Update, context: Context) -> None:
    """The button under an answer: the next passages for the same question, once."""
    state, query = get_state(context), update.callback_query
    assert query is not None and query.data is not None
    key, message = query.data.removeprefix("more:"), query.message
    if not isinstance(message, Message) or not await state.has_more(key):
        await query.answer("Those passages were shown already or are too old. Ask again?")
        return
    if not await _within_rate(state, update, None):
        await query.answer("You are asking too fast. Please wait a minute.")
        return
    kept = await state.take_more(key)
    if kept is None:  # pressed twice at once
        await query.answer()
        return
    await query.answer()
    with contextlib.suppress(TelegramError):
        await message.edit_reply_markup(reply_markup=None)
    top_k = state.settings.top_k
    async with state.typing(context.bot, message.chat_id):
        answer, shown = await state.run(_ask_more, state, *_read_more_request(kept), top_k)
    await reply(message, render_more(answer, skip=shown))


async def new_conversation(update: Update, context: Context) -> None:
    """/new: forget the conversation, so the next question stands on its own."""
    state, place = get_state(context), _conversation_place(update, context)
    async with _holding(state, place):
        if state.shared is not None:
            await state.shared.drop_conversation(place.chat_id, place.key)
        else:
            place.slot.pop(place.key, None)
    await reply(update.effective_message, [NEW_CONVERSATION])


class Place(NamedTuple):
    """Where one conversation is kept: its chat and key, and the `chat_data` dict that holds
    it when the state is in process (the chat's own, or its group's by user id)."""

    chat_id: int
    key: str
    slot: dict[str, Any]


def _conversation_place(update: Update, context: Context) -> Place:
    """One conversation for a private chat, one per user in a group (bounded, the least
    recent dropped; in Redis each expires when idle instead)."""
    chat_data = context.chat_data if context.chat_data is not None else {}
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else 0
    if chat is None or chat.type == ChatType.PRIVATE:
        return Place(chat_id, CONVERSATION_KEY, chat_data)
    user = update.effective_user
    return Place(chat_id, str(user.id if user else 0), chat_data.setdefault(GROUP_CONVERSATIONS_KEY, {}))


async def _load(state: BotState, place: Place) -> object:
    if state.shared is not None:
        return await state.shared.load_conversation(place.chat_id, place.key)
    return place.slot.get(place.key)


async def _store(state: BotState, place: Place, conversation: Conversation) -> None:
    """Keep the turn just answered. If Redis fails now the answer still goes out; the turn
    is lost, so a follow-up to it is read alone."""
    if state.shared is not None:
        try:
            await state.shared.save_conversation(place.chat_id, place.key, conversation.to_dict())
        except StateUnavailable as exc:
            log.warning("conversation turn not kept: %s", exc)
        return
    slot, key = place.slot, place.key
    slot.pop(key, None)
    slot[key] = conversation.to_dict()
    if key != CONVERSATION_KEY:
        for old in list(slot)[: max(0, len(slot) - MAX_GROUP_CONVERSATIONS)]:
            del slot[old]


@contextlib.asynccontextmanager
async def _holding(state: BotState, place: Place) -> AsyncIterator[None]:
    """The conversation's lock in this process, and across replicas when shared."""
    async with _conversation_lock(place.chat_id, place.key):
        if state.shared is None:
            yield
        else:
            async with state.shared.lock(place.chat_id, place.key):
                yield


def _conversation_lock(chat_id: int, key: str) -> asyncio.Lock:
    """One lock per conversation, so its turns are read and stored in order; idle locks
    past MAX_LOCKS are dropped."""
    lock = _LOCKS.pop((chat_id, key), None) or asyncio.Lock()
    _LOCKS[(chat_id, key)] = lock
    if len(_LOCKS) > MAX_LOCKS:
        for old in [k for k, v in _LOCKS.items() if not v.locked()][: len(_LOCKS) - MAX_LOCKS]:
            del _LOCKS[old]
    return lock


def _ask_in(state: BotState, conversation: Conversation, question: str, top_k: int) -> Answer:
    """On the engine thread: pick up a newly published index, then answer in the conversation."""
    state.engine.refresh()
    return ask_in_conversation(state.engine, conversation, question, top_k=top_k)


def _ask_more(state: BotState, question: str, focus: str | None, top_k: int) -> tuple[Answer, int]:
    """On the engine thread: the answer with up to twice `top_k` passages, supporting or
    not (the reader asked for more), and how many of them the first reply showed."""
    state.engine.refresh()
    shown = len(state.engine.ask(question, top_k=top_k, focus=focus).quotes)
    return state.engine.ask(question, top_k=2 * top_k, padding=True, focus=focus), shown


def _refreshed_articles(state: BotState) -> list[ArticleInfo]:
    state.engine.refresh()
    return state.engine.articles()


async def _within_rate(state: BotState, update: Update, message: Message | None) -> bool:
    user = update.effective_user or update.effective_chat
    verdict = await state.check_rate(user.id if user else 0)
    if not verdict.allowed and verdict.warn and message is not None:
        wait = max(1, round(verdict.retry_in))
        await reply(message, [f"You are asking too fast. Please wait {wait} seconds."])
    return verdict.allowed


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its traceback; tell the user only that something went wrong
    (Redis out of reach: that they may ask again in a moment)."""
    error = context.error
    if isinstance(error, StateUnavailable):
        log.warning("shared state unavailable: %s", error)
    elif isinstance(error, NewsqaError):
        log.warning("newsqa error: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return
    text = BUSY if isinstance(error, StateUnavailable) else \
        UNAVAILABLE if isinstance(error, NewsqaError) else WRONG
    with contextlib.suppress(TelegramError):
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            await reply(update.effective_message, [text])
