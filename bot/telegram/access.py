"""Who may do what: the allowlist for everything, admin ids for changing the corpus.

The allowlist is a TypeHandler in group -1 (`gate`): it sees every update, callback
queries included, before any other handler, so no handler added later can forget it.
Admins are user ids only: being in an allowed or admin's chat makes no one an admin.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram.chat_state import BotState, get_state
from bot.telegram.sending import reply
from bot.telegram.shared_state import StateUnavailable

log = logging.getLogger(__name__)
PRIVATE = "Sorry, this bot is private."


def is_admin(state: BotState, update: Update) -> bool:
    user = update.effective_user
    return user is not None and user.id in state.settings.admin_ids


def is_allowed(state: BotState, update: Update) -> bool:
    """True when no allowlist is set, or the user or the chat is on it (or is an admin)."""
    allowed = set(state.settings.allowed_ids)
    if not allowed:
        return True
    allowed |= set(state.settings.admin_ids)
    ids = {x.id for x in (update.effective_user, update.effective_chat) if x is not None}
    return bool(ids & allowed)


async def gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: strangers get one polite line, then nothing else runs for them."""
    state = get_state(context)
    if not isinstance(update, Update) or is_allowed(state, update):
        return
    if update.callback_query:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(PRIVATE, show_alert=True)
    elif update.message and _worth_replying(update.message):
        who = update.effective_user or update.message.chat
        if await _may_reply(state, who.id):  # a flood of strangers is not echoed
            await reply(update.message, [PRIVATE])
    raise ApplicationHandlerStop


async def _may_reply(state: BotState, key: int) -> bool:
    """Within the rate limit; with Redis out of reach, no reply rather than letting the
    stranger through (an error here would let the update go on to the other handlers)."""
    try:
        return (await state.check_rate(key)).allowed
    except StateUnavailable as exc:
        log.warning("a stranger was not answered: %s", exc)
        return False


def _worth_replying(message: Message) -> bool:
    """In groups only commands get an answer, so strangers' chatter is not flooded."""
    return message.chat.type == ChatType.PRIVATE or bool(
        message.text and message.text.startswith("/")
    )
