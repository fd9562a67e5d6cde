"""What the bot does with each update: commands, questions, buttons, strangers, errors.

Questions run on the engine's thread (see chat_state) so the event loop stays free for
other chats; the engine picks up a newly published index before each one. Who may do
what is in bot/access.py; admin work (adding articles, /reindex, /status) in bot/admin.py.
"""

from __future__ import annotations

import contextlib
import logging

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

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

WRONG = "Something went wrong. Please try again later."
NOT_TEXT = "I can only read text. Please type your question."
UNAVAILABLE = "The articles are not available right now. Please try again later."
HELP = (
    "Send me a question about the news articles I know and I answer with quotes from them.\n\n"
    "/ask QUESTION: ask (in groups, or mention me)\n"
    "/sources: the articles I have read\n"
    "/status: the index I answer from\n"
    "/help: this text"
)
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
    """Rate-limit, answer on the engine thread while typing, reply with a "more" button."""
    state, message = get_state(context), update.effective_message
    if message is None or not await _within_rate(state, update, message):
        return
    async with state.typing(context.bot, message.chat_id):
        try:
            answer = await state.run(_ask, state, question, state.settings.top_k)
        except QuestionError as exc:  # its one line is meant for the user
            await reply(message, pack([[("", str(exc))]]))
            return
    markup = None
    if not answer.abstained and len(answer.quotes) >= state.settings.top_k:
        key = state.remember(question)
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
        answer = await state.run(_ask, state, question, 2 * top_k)
    await reply(message, render_more(answer, skip=top_k))


def _ask(state: BotState, question: str, top_k: int) -> Answer:
    """On the engine thread: pick up a newly published index, then answer."""
    state.engine.refresh()
    return state.engine.ask(question, top_k=top_k)


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
