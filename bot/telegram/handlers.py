"""What the bot does with each update: commands, questions, buttons, strangers, errors.

Questions run on the engine's thread (see chat_state) so the event loop stays free for
other chats; the engine picks up a newly published index before each one. Who may do
what is in bot/access.py; admin work (adding articles, /reindex, /status) in bot/admin.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict

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
    slot, key = _conversation_slot(update, context)
    async with _conversation_lock(message.chat_id, key), state.typing(context.bot, message.chat_id):
        conversation = Conversation.from_dict(slot.get(key), state.settings.conversation_turns,
                                              state.settings.conversation_idle_minutes * 60)
        try:
            answer = await state.run(_ask_in, state, conversation, question, state.settings.top_k)
        except QuestionError as exc:  # its one line is meant for the user
            await reply(message, pack([[("", str(exc))]]))
            return
        _store(slot, key, conversation)
    markup = None
    if not answer.abstained and answer.quotes:
        key = state.remember(answer.resolved_question)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("More passages", callback_data=f"more:{key}")]]
        )
    await reply(message, render_answer(answer), markup)


async def more_passages(update: Update, context: Context) -> None:
    """The button under an answer: the next passages for the same question, once."""
    state, query = get_state(context), update.callback_query
    assert query is not None and query.data is not None
    key, message = query.data.removeprefix("more:"), query.message
    if key not in state.pending or not isinstance(message, Message):
        await query.answer("Those passages were shown already or are too old. Ask again?")
        return
    if not await _within_rate(state, update, None):
        await query.answer("You are asking too fast. Please wait a minute.")
        return
    question = state.take(key)
    if question is None:  # pressed twice at once
        await query.answer()
        return
    await query.answer()
    with contextlib.suppress(TelegramError):
        await message.edit_reply_markup(reply_markup=None)
    top_k = state.settings.top_k
    async with state.typing(context.bot, message.chat_id):
        answer, shown = await state.run(_ask_more, state, question, top_k)
    await reply(message, render_more(answer, skip=shown))


async def new_conversation(update: Update, context: Context) -> None:
    """/new: forget the conversation, so the next question stands on its own."""
    slot, key = _conversation_slot(update, context)
    message = update.effective_message
    async with _conversation_lock(message.chat_id if message else 0, key):
        slot.pop(key, None)
    await reply(message, [NEW_CONVERSATION])


def _conversation_slot(update: Update, context: Context) -> tuple[dict, str]:
    """Where this chat's conversation is kept in the persisted `chat_data`: one for a
    private chat, one per user in a group (bounded, the least recent dropped)."""
    chat_data = context.chat_data if context.chat_data is not None else {}
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return chat_data, CONVERSATION_KEY
    user = update.effective_user
    return chat_data.setdefault(GROUP_CONVERSATIONS_KEY, {}), str(user.id if user else 0)


def _store(slot: dict, key: str, conversation: Conversation) -> None:
    slot.pop(key, None)
    slot[key] = conversation.to_dict()
    if key != CONVERSATION_KEY:
        for old in list(slot)[: max(0, len(slot) - MAX_GROUP_CONVERSATIONS)]:
            del slot[old]


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


def _ask_more(state: BotState, question: str, top_k: int) -> tuple[Answer, int]:
    """On the engine thread: the answer with up to twice `top_k` passages, supporting or
    not (the reader asked for more), and how many of them the first reply showed."""
    state.engine.refresh()
    shown = len(state.engine.ask(question, top_k=top_k).quotes)
    return state.engine.ask(question, top_k=2 * top_k, padding=True), shown


def _refreshed_articles(state: BotState) -> list[ArticleInfo]:
    state.engine.refresh()
    return state.engine.articles()


async def _within_rate(state: BotState, update: Update, message: Message | None) -> bool:
    user = update.effective_user or update.effective_chat
    verdict = state.limiter.check(user.id if user else 0)
    if not verdict.allowed and verdict.warn and message is not None:
        wait = max(1, round(verdict.retry_in))
        await reply(message, [f"You are asking too fast. Please wait {wait} seconds."])
    return verdict.allowed


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its traceback; tell the user only that something went wrong."""
    error = context.error
    if isinstance(error, NewsqaError):
        log.warning("newsqa error: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return
    text = UNAVAILABLE if isinstance(error, NewsqaError) else WRONG
    with contextlib.suppress(TelegramError):
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            await reply(update.effective_message, [text])
